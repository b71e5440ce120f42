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

import html
from typing import Mapping

import ipywidgets as widgets

from . import data
from .calls import QUIZ, notebook_call
from .data.records import Question, Source
from .widgets_export import NBSP, WithFallback, live_style, sources_html, stable_ids

LETTERS = "ABCDEF"

CHECK_FR = "Vérifier"
REVEAL_FR = "Voir la réponse"


def questions(section: str) -> tuple[Question, ...]:
    """The questions of one section, in file order."""
    return data.load_facts().questions_of(section)


def question(question_id: str) -> Question:
    return data.load_facts().question(question_id)


# --- HTML shared by the live feedback and the static fallback --------------------------------


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _number_label(number: int, total: int) -> str:
    return f"Question {number} sur {total}"


def answer_html(q: Question, sources: Mapping[str, Source], letters: bool = True) -> str:
    """The right answer, the explanation and the sources (`letters`: name the choices as shown)."""
    shown = q.shown_order()
    if q.kind == "single":
        letter = f"{LETTERS[shown.index(q.answer)]}. " if letters else ""
        answer = f'<p class="deck-quiz-answer"><strong>Réponse{NBSP}: {letter}{_esc(q.choices[q.answer])}</strong></p>'
    elif letters:  # the feedback tells the steps with their dates: the letters are enough here
        order = ", ".join(LETTERS[shown.index(i)] for i in range(len(q.choices)))
        answer = f'<p class="deck-quiz-answer"><strong>Le bon ordre{NBSP}: {order}</strong></p>'
    else:
        steps = "".join(f"<li>{_esc(text)}</li>" for text in q.choices)
        answer = f'<p class="deck-quiz-answer"><strong>Le bon ordre{NBSP}:</strong></p><ol class="deck-quiz-order">{steps}</ol>'
    return (
        f"{answer}\n<p class=\"deck-quiz-feedback\">{_esc(q.feedback_fr)}</p>\n"
        f'<p class="deck-quiz-source">{sources_html(q.sources, sources, short=True)}</p>'
    )


def _choices_html(q: Question) -> str:
    items = "".join(
        f'<li><span class="deck-quiz-letter">{LETTERS[position]}.</span> {_esc(q.choices[index])}</li>'
        for position, index in enumerate(q.shown_order())
    )
    return f'<ul class="deck-quiz-choices">{items}</ul>'


def static_html(q: Question, sources: Mapping[str, Source], number: int, total: int) -> str:
    """The export's stand-in: the question, the choices, the answer behind « Voir la réponse »."""
    return (
        f'<p class="deck-fallback-note">{_number_label(number, total)} · quiz interactif dans JupyterLab</p>\n'
        f'<p class="deck-quiz-prompt">{_esc(q.prompt_fr)}</p>\n'
        f"{_choices_html(q)}\n"
        f'<details class="deck-reveal"><summary>{REVEAL_FR}</summary>\n'
        f'<div class="deck-reveal-body">\n{answer_html(q, sources)}\n</div>\n</details>'
    )


# --- The live widget --------------------------------------------------------------------------

LIVE_CSS = """
.omc-quiz { font-size: 17px; max-width: 1100px; }
.omc-quiz .deck-quiz-prompt { font-size: 1.25em; font-weight: 600; margin: 0.2em 0 0.4em; line-height: 1.3; }
.omc-quiz .deck-quiz-number { color: #4a4a4a; font-size: 0.9em; }
.omc-quiz .widget-radio-box label { font-size: 17px; line-height: 1.5; }
.omc-quiz .widget-radio-box { width: auto; }
.omc-quiz .omc-step .widget-html-content { font-size: 17px; }
.omc-quiz .omc-feedback { padding: 0.3em 0.7em; border-left: 5px solid #4a4a4a; line-height: 1.4; }
.omc-quiz .omc-feedback.omc-right { border-color: #1b7a3a; }
.omc-quiz .omc-feedback.omc-wrong { border-color: #b3261e; }
.omc-quiz .widget-html-content { white-space: normal; }
"""


class Quiz(WithFallback):
    """One question as a widget: choices, « Vérifier », « Voir la réponse », and the feedback."""

    kind = "quiz"

    def __init__(self, q: Question, sources: Mapping[str, Source], number: int, total: int):
        self.question = q
        self.sources = dict(sources)
        self._letters = q.kind == "single"  # live, the steps of an order question have no letters
        with stable_ids(q.id):
            header = widgets.HTML(
                f'<div class="deck-quiz-number">Quiz · {_number_label(number, total)}</div>'
                f'<div class="deck-quiz-prompt">{_esc(q.prompt_fr)}</div>'
            )
            if q.kind == "single":
                self.choices = widgets.RadioButtons(
                    options=[(f"{LETTERS[p]}. {q.choices[i]}", i) for p, i in enumerate(q.shown_order())],
                    index=None,
                    layout=widgets.Layout(width="auto"),
                )
                answer_area: widgets.Widget = self.choices
            else:
                self.order = list(q.shown_order())
                self.steps = [widgets.HTML() for _ in self.order]
                self.up = [widgets.Button(description="↑", tooltip="Monter", layout=widgets.Layout(width="44px")) for _ in self.order]
                self.down = [widgets.Button(description="↓", tooltip="Descendre", layout=widgets.Layout(width="44px")) for _ in self.order]
                rows = []
                for position in range(len(self.order)):
                    self.steps[position].add_class("omc-step")
                    rows.append(widgets.HBox([self.up[position], self.down[position], self.steps[position]]))
                answer_area = widgets.VBox([widgets.HTML("<em>Déplacez les étapes avec les flèches ↑ et ↓.</em>"), *rows])
            self.check = widgets.Button(description=CHECK_FR, button_style="primary", icon="check")
            self.reveal = widgets.Button(description=REVEAL_FR)
            self.feedback = widgets.HTML("")
            box = widgets.VBox([live_style(LIVE_CSS), header, answer_area, widgets.HBox([self.check, self.reveal]), self.feedback])
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
            self.steps[position].value = f"<b>{position + 1}.</b> {_esc(self.question.choices[index])}"
            self.up[position].disabled = position == 0
            self.down[position].disabled = position == last
            self.up[position].tooltip = f"Monter l'étape {position + 1}"
            self.down[position].tooltip = f"Descendre l'étape {position + 1}"

    # checking
    def _say(self, css: str, text: str) -> None:
        self.feedback.value = f'<div class="omc-feedback {css}">{text}</div>'

    def verify(self) -> bool | None:
        """Check the current answer and write the feedback; None when nothing was chosen."""
        q = self.question
        if q.kind == "single":
            if self.choices.value is None:
                self._say("", f"Choisissez d'abord une réponse, puis cliquez sur «{NBSP}{CHECK_FR}{NBSP}».")
                return None
            right = self.choices.value == q.answer
            wrong_text = "Ce n'est pas la bonne réponse."
        else:
            placed = sum(1 for position, index in enumerate(self.order) if position == index)
            right = placed == len(self.order)
            wrong_text = f"Pas encore{NBSP}: {placed} étape{'s' if placed > 1 else ''} sur {len(self.order)} à {'leur' if placed > 1 else 'sa'} place."
        if right:
            self._say("omc-right", f"<p><strong>✔ Bonne réponse{NBSP}!</strong></p>{answer_html(q, self.sources, self._letters)}")
        else:
            self._say(
                "omc-wrong",
                f"<p><strong>✘ {wrong_text}</strong> Réessayez, ou cliquez sur «{NBSP}{REVEAL_FR}{NBSP}».</p>",
            )
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
