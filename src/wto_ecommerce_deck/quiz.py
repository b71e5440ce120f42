"""The section quizzes: `quiz.show("q-programme-1")`, one question per slide, at the end of a section.

The questions live in `assets/data/quizzes.yaml`, validated like the other data files (one line per
problem, naming the file, the entry and the field):

    assets/data/quizzes.yaml: entry 'q-elan-2' (line 81): field 'facts': 'feds-2016' is unverified: a quiz must not rest on it

Format: `questions:` list of

- `id`: `q-<name>`; `section`: the stem of the notebook that asks the question
  (`02_programme_de_travail`); 2 to 4 questions per section that has any;
- `kind`: `single` (one right choice) or `order` (« Remettez ces étapes dans l'ordre »);
- `prompt_fr`, `feedback_fr`: French text, no HTML;
- `choices`: for `single`, strings plus one `{text, correct: true}`, shown in this order; for
  `order`, 3 to 6 strings in the right order, shown shuffled (the same way for a given id);
- `sources`: keys of `sources.yaml`, shown with the answer;
- `facts`: ids of the events or bodies the answer rests on; none may be unverified, and every
  WTO symbol quoted in the question must be the symbol of one of them, with a status other than
  unverified. So an answer is always a fact of the facts sheet or of the 2018 seed.

Live, a question is a widget (radio buttons, or up and down buttons to reorder, « Vérifier », the
feedback with its source); in an exported deck, a static fallback: the question, the choices and
the answer behind « Voir la réponse » (`<details>`: no JavaScript, keyboard accessible).
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import ipywidgets as widgets

from . import data, paths
from .calls import QUIZ, notebook_call
from .figures.style import UNVERIFIED
from .data.records import Source
from .widgets_export import NBSP, WithFallback, digest, live_style, sources_html, stable_ids

QUIZ_FILE = "quizzes.yaml"
KINDS = ("single", "order")
PER_SECTION = (2, 4)
SINGLE_CHOICES = (2, 6)
ORDER_ITEMS = (3, 6)
SECTION_RE = re.compile(r"\d{2}_[a-z0-9_]+")
LETTERS = "ABCDEF"

CHECK_FR = "Vérifier"
REVEAL_FR = "Voir la réponse"


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    kind: str
    prompt_fr: str
    choices: tuple[str, ...]  # single: as shown; order: in the right order
    answer: int | None  # single: index of the right choice
    feedback_fr: str
    sources: tuple[str, ...]
    facts: tuple[str, ...]

    def shown_order(self) -> tuple[int, ...]:
        """Indices of `choices` in the order they are shown.

        An order question is shuffled with a seed taken from its id (the same everywhere, every
        time) and never shown already solved."""
        indices = list(range(len(self.choices)))
        if self.kind != "order":
            return tuple(indices)
        random.Random(digest(self.id)).shuffle(indices)
        if indices == sorted(indices):
            indices = indices[1:] + indices[:1]
        return tuple(indices)


# --- Loading and validation (the machinery of data.py, with this file's schema) ---------------


def _choices(value: Any) -> tuple[tuple[str, bool | None], ...]:
    """(text, correct) pairs; `correct` is None for a plain string."""
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of choices, got {data._got(value)}")
    items = []
    for number, item in enumerate(value, start=1):
        try:
            if isinstance(item, dict):
                unknown = sorted(set(item) - {"text", "correct"})
                if unknown:
                    raise ValueError(f"unknown key {unknown[0]!r} (a choice is a string or {{text, correct}})")
                if "text" not in item:
                    raise ValueError("'text' missing")
                correct = data._bool(item["correct"]) if "correct" in item else None
                items.append((data._text(item["text"]), correct))
            else:
                items.append((data._text(item), None))
        except ValueError as exc:
            raise ValueError(f"choice {number}: {exc}") from None
    texts = [text for text, _ in items]
    for number, text in enumerate(texts, start=1):
        if texts.index(text) != number - 1:
            raise ValueError(f"choice {number}: same text as choice {texts.index(text) + 1}: {text!r}")
    return tuple(items)


def _question_id(value: Any) -> str:
    value = data._ident(value)
    if not value.startswith("q-"):
        raise ValueError(f"a question id starts with 'q-': {value!r}")
    return value


def _section(value: Any) -> str:
    # The name only: the data stays valid in a project that holds some of the notebooks; the
    # notebook tests check that each section asks its questions.
    value = data._text(value)
    if not SECTION_RE.fullmatch(value):
        raise ValueError(f"not a section notebook name (NN_name, as notebooks/NN_name.ipynb): {value!r}")
    return value


def _ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of event or body ids, got {data._got(value)}")
    return tuple(data._ident(v) for v in value)


_FIELDS = (
    data._Field("id", _question_id),
    data._Field("section", _section),
    data._Field("kind", data._one_of(KINDS, "kind")),
    data._Field("prompt_fr", data._text),
    data._Field("choices", _choices),
    data._Field("feedback_fr", data._text),
    data._Field("sources", data._keys),
    data._Field("facts", _ids),
)
data._SCHEMAS.setdefault(QUIZ_FILE, ("questions", "id", _FIELDS))


def _check_questions(check: data._FileCheck, facts: data.Facts) -> None:
    statuses: dict[str, tuple[str, str | None, str | None]] = {
        e.id: (e.status, e.symbol, e.shown_symbol_status) for e in facts.events
    }
    statuses.update({b.id: (b.status, None, None) for b in facts.bodies})
    per_section: dict[str, list[str]] = {}
    for entry in check.entries:
        values = entry.values
        kind, choices = values.get("kind"), values.get("choices")
        if kind is not None and choices is not None:
            _check_choices(check, entry, kind, choices)
        cited = values.get("facts") or ()
        for fact_id in cited:
            if fact_id not in statuses:
                check.field_error(entry, "facts", f"unknown fact {fact_id!r} (not an id of events.yaml or bodies.yaml)")
            elif statuses[fact_id][0] == UNVERIFIED:
                check.field_error(entry, "facts", f"{fact_id!r} is unverified: a quiz must not rest on it")
        sure_symbols = set()
        for fact_id in cited:
            status, symbol, symbol_status = statuses.get(fact_id, (UNVERIFIED, None, None))
            if symbol and UNVERIFIED not in (status, symbol_status):
                sure_symbols.add(symbol)
        texts = [values.get("prompt_fr"), values.get("feedback_fr"), *(t for t, _ in choices or ())]
        quoted = dict.fromkeys(m.group(0) for text in filter(None, texts) for m in data.SYMBOL_RE.finditer(text))
        for symbol in quoted:
            if symbol not in sure_symbols:
                check.field_error(
                    entry, "facts", f"symbol {symbol!r} is quoted but is not the symbol of a cited fact that is not unverified"
                )
        if values.get("section") and values.get("id"):
            per_section.setdefault(values["section"], []).append(values["id"])
    low, high = PER_SECTION
    for section, ids in per_section.items():
        if not low <= len(ids) <= high:
            check.file_error(f"section '{section}': {len(ids)} question(s), expected {low} to {high}")


def _check_choices(check: data._FileCheck, entry, kind: str, choices) -> None:
    marked = [number for number, (_, correct) in enumerate(choices, start=1) if correct is not None]
    if kind == "single":
        low, high = SINGLE_CHOICES
        right = [number for number, (_, correct) in enumerate(choices, start=1) if correct]
        if len(right) != 1:
            check.field_error(entry, "choices", f"a single-choice question needs exactly one choice with 'correct: true', found {len(right)}")
    else:
        low, high = ORDER_ITEMS
        if marked:
            check.field_error(entry, "choices", f"choice {marked[0]}: 'correct' has no meaning in an order question (list the items in the right order)")
    if not low <= len(choices) <= high:
        check.field_error(entry, "choices", f"{len(choices)} choices, expected {low} to {high} for a {kind} question")


def load_quizzes(data_dir: Path | None = None) -> tuple[Question, ...]:
    """Validate and load `quizzes.yaml` (default: the project's `assets/data/`); raise data.DataError."""
    folder = (Path(data_dir) if data_dir is not None else paths.data_dir()).resolve()
    facts = data.load_facts(folder)
    path = folder / QUIZ_FILE
    text: str | None = None
    if path.is_file():
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise data.DataError([f"{data._display_name(folder, QUIZ_FILE)}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    check = data._checked(
        folder, QUIZ_FILE, {QUIZ_FILE: text}, lambda c: _check_questions(c, facts), set(facts.sources)
    )
    questions = []
    for v in (e.values for e in check.entries):
        answer = next((i for i, (_, correct) in enumerate(v["choices"]) if correct), None)
        questions.append(
            Question(
                id=v["id"], section=v["section"], kind=v["kind"], prompt_fr=v["prompt_fr"],
                choices=tuple(t for t, _ in v["choices"]), answer=answer if v["kind"] == "single" else None,
                feedback_fr=v["feedback_fr"], sources=v["sources"], facts=v["facts"],
            )
        )
    return tuple(questions)


def questions(section: str) -> tuple[Question, ...]:
    """The questions of one section, in file order."""
    return tuple(q for q in load_quizzes() if q.section == section)


def question(question_id: str) -> Question:
    for q in load_quizzes():
        if q.id == question_id:
            return q
    raise KeyError(f"no question {question_id!r} in assets/data/{QUIZ_FILE}")


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
