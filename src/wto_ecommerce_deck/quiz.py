"""The section quizzes: `quiz.show("q-programme-1")`, one question per slide, at the end of a section.

The questions live in `assets/data/quizzes.yaml`, loaded and validated with the other data files
by the same loader and rules (`data/__init__.py` documents the format); an error is one line naming
the file, the entry and the field:

    assets/data/quizzes.yaml: entry 'q-elan-2' (line 81): field 'facts': 'feds-2016' is unverified: a quiz must not rest on it

Live, a question is a widget (radio buttons, or up and down buttons to reorder, « Vérifier », the
feedback with its source); in an exported deck, a static fallback: the question, the choices and
the answer behind « Voir la réponse » (`<details>`: no JavaScript, keyboard accessible).
"""

from __future__ import annotations

from typing import Mapping

import ipywidgets as widgets

from markupsafe import Markup

from . import data, theme
from .calls import QUIZ, notebook_call
from .conventions import LETTERS
from .data.records import Question, Source
from .messages import t
from .widgets_export import WithFallback, live_style, stable_ids


def questions(section: str) -> tuple[Question, ...]:
    """The questions of one section, in file order."""
    return data.load_facts().questions_of(section)


def question(question_id: str) -> Question:
    return data.load_facts().question(question_id)


# --- HTML shared by the live feedback and the static fallback --------------------------------
# The markup is `assets/theme/templates/quiz.html.j2`; the words, the message catalogue (`quiz.*`).

TEMPLATE = "quiz.html.j2"


def _html(name: str, *args, **kwargs) -> str:
    return str(theme.macro(name, TEMPLATE)(*args, **kwargs))


def answer_html(q: Question, sources: Mapping[str, Source], letters: bool = True) -> str:
    """The right answer, the explanation and the sources (`letters`: name the choices as shown)."""
    return _html("answer", q, sources, LETTERS, letters)


def static_html(q: Question, sources: Mapping[str, Source], number: int, total: int) -> str:
    """The export's stand-in: the question, the choices, the answer behind « Voir la réponse »."""
    return _html("fallback", q, sources, LETTERS, number, total)


# --- The live widget (its look: assets/theme/quiz-live.css) ------------------------------------

LIVE_CSS = "quiz-live.css"


class Quiz(WithFallback):
    """One question as a widget: choices, « Vérifier », « Voir la réponse », and the feedback."""

    kind = "quiz"

    def __init__(self, q: Question, sources: Mapping[str, Source], number: int, total: int):
        self.question = q
        self.sources = dict(sources)
        self._letters = q.kind == "single"  # live, the steps of an order question have no letters
        with stable_ids(q.id):
            header = widgets.HTML(_html("live_header", q, number, total))
            if q.kind == "single":
                self.choices = widgets.RadioButtons(
                    options=[(f"{LETTERS[p]}. {q.choices[i].text()}", i) for p, i in enumerate(q.shown_order())],
                    index=None,
                    layout=widgets.Layout(width="auto"),
                )
                answer_area: widgets.Widget = self.choices
            else:
                self.order = list(q.shown_order())
                self.steps = [widgets.HTML() for _ in self.order]
                self.up = [widgets.Button(description="↑", tooltip=t("quiz.up"), layout=widgets.Layout(width="44px")) for _ in self.order]
                self.down = [widgets.Button(description="↓", tooltip=t("quiz.down"), layout=widgets.Layout(width="44px")) for _ in self.order]
                rows = []
                for position in range(len(self.order)):
                    self.steps[position].add_class("omc-step")
                    rows.append(widgets.HBox([self.up[position], self.down[position], self.steps[position]]))
                answer_area = widgets.VBox([widgets.HTML(_html("move_hint")), *rows])
            self.check = widgets.Button(description=t("quiz.check"), button_style="primary", icon="check")
            self.reveal = widgets.Button(description=t("quiz.reveal"))
            self.feedback = widgets.HTML("")
            box = widgets.VBox([live_style(theme.css(LIVE_CSS)), header, answer_area, widgets.HBox([self.check, self.reveal]), self.feedback])
        box.add_class("omc-quiz")
        super().__init__(box, q.id, static_html(q, sources, number, total))
        self.check.on_click(lambda _button: self.verify())
        self.reveal.on_click(lambda _button: self.show_answer())
        if q.kind == "order":
            for position in range(len(self.order)):
                self.up[position].on_click(lambda _button, p=position: self.move(p, -1))
                self.down[position].on_click(lambda _button, p=position: self.move(p, +1))
            self._draw_steps()

    # order questions
    def move(self, position: int, step: int) -> None:
        other = position + step
        if 0 <= other < len(self.order):
            self.order[position], self.order[other] = self.order[other], self.order[position]
            self._draw_steps()

    def _draw_steps(self) -> None:
        last = len(self.order) - 1
        for position, index in enumerate(self.order):
            self.steps[position].value = _html("step", position + 1, self.question.choices[index].text())
            self.up[position].disabled = position == 0
            self.down[position].disabled = position == last
            self.up[position].tooltip = t("quiz.up_step", number=position + 1)
            self.down[position].tooltip = t("quiz.down_step", number=position + 1)

    # checking
    def _say(self, css: str, body: str) -> None:
        self.feedback.value = _html("feedback", css, Markup(body))

    def verify(self) -> bool | None:
        """Check the current answer and write the feedback; None when nothing was chosen."""
        q = self.question
        if q.kind == "single":
            if self.choices.value is None:
                self._say("", _html("choose_first"))
                return None
            right = self.choices.value == q.answer
            wrong_text = t("quiz.wrong")
        else:
            placed = sum(1 for position, index in enumerate(self.order) if position == index)
            right = placed == len(self.order)
            wrong_text = t("quiz.not_yet", count=placed, total=len(self.order))
        if right:
            self._say("omc-right", _html("right", q, self.sources, LETTERS, self._letters))
        else:
            self._say("omc-wrong", _html("wrong", wrong_text))
        return right

    def show_answer(self) -> None:
        self._say("", answer_html(self.question, self.sources, self._letters))


@notebook_call(QUIZ)
def show(question_id: str) -> Quiz:
    """The question as a live widget with its static fallback: the one-line call of a quiz slide."""
    q = question(question_id)
    siblings = questions(q.section)
    number = [s.id for s in siblings].index(q.id) + 1
    return Quiz(q, data.load_facts().sources, number, len(siblings))
