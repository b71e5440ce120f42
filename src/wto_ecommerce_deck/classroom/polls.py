"""The questions a room votes on: the section quizzes of `assets/data/quizzes.yaml`, as polls.

The questions, their choices and their right answers are the data loader's (`data.load_facts()`),
so a vote can only be on a question of the decks and an answer only name one of its choices: an
unknown question id is `UnknownQuestion` (404), a choice it does not have `BadChoice` (422).

What a participant sends, and what is stored (text, in the `answer` table of `store.py`):

* `single`: the index of the choice in `quizzes.yaml` (shown in that order, letters A, B, …):
  `2`, stored `"2"`;
* `order`: every step's index, in the order the participant puts them (first = earliest), a
  permutation of the steps: `[3, 0, 1, 2]`, stored `"3,0,1,2"`. The steps are shown shuffled as
  on the slide (`Question.shown_order`); the right order is the file's.

Counted per choice (by index in the file): for `single`, the answers that chose it; for `order`,
the answers that put that step at its right place. An answer is right when it is the right
choice, or the whole right order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from .. import data
from ..conventions import LETTERS
from ..data.records import Question
from ..messages import t


class RoomError(Exception):
    """A request the room refuses: an HTTP status and a one-line reason (English, for the API);
    `retry_after`: the seconds a client should wait (429)."""

    status = 400

    def __init__(self, message: str, status: int | None = None, retry_after: int | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.retry_after = retry_after


class UnknownQuestion(RoomError):
    status = 404


class BadChoice(RoomError):
    status = 422


@dataclass(frozen=True)
class Poll:
    """One question of the quizzes, as the room votes on it."""

    question: Question
    number: int  # its place among its section's questions (« Question 2 sur 4 »)
    total: int

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def size(self) -> int:
        return len(self.question.choices)

    def parse(self, value: Any) -> str:
        """The stored form of a participant's answer; BadChoice when it is not one of this question's."""
        if self.kind == "single":
            # bool is an int in Python: `true` is not a choice
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < self.size:
                raise BadChoice(f"question '{self.id}': choice must be an integer from 0 to {self.size - 1}")
            return str(value)
        if (
            not isinstance(value, list)
            or any(not isinstance(v, int) or isinstance(v, bool) for v in value)
            or sorted(value) != list(range(self.size))
        ):
            raise BadChoice(f"question '{self.id}': choice must list the {self.size} steps 0 to {self.size - 1}, each once")
        return ",".join(str(v) for v in value)

    @staticmethod
    def load(stored: str) -> int | list[int]:
        """A stored answer back as the participant sent it."""
        return [int(v) for v in stored.split(",")] if "," in stored else int(stored)

    @property
    def right(self) -> int | list[int]:
        """The right answer, as a participant would send it."""
        return self.question.answer if self.kind == "single" else list(range(self.size))

    def is_right(self, stored: str) -> bool:
        return self.load(stored) == self.right

    def counts(self, answers: Iterable[str]) -> list[int]:
        """Per choice (index in the file): the answers that chose it, or that put that step right."""
        counts = [0] * self.size
        if self.kind == "single":
            for choice, n in Counter(answers).items():
                counts[int(choice)] += n
        else:
            for stored in answers:
                for position, step in enumerate(self.load(stored)):
                    if position == step:
                        counts[step] += 1
        return counts

    def public(self, lang: str) -> dict:
        """What a participant's phone shows, in `lang`: the prompt, the choices as on the slide."""
        q = self.question
        return {
            "id": q.id,
            "kind": q.kind,
            "number": t("quiz.number", lang, number=self.number, total=self.total),
            "prompt": q.prompt.text(lang),
            "choices": [
                {"index": index, "letter": LETTERS[position], "text": q.choices[index].text(lang)}
                for position, index in enumerate(q.shown_order())
            ],
        }

    def letter(self, index: int) -> str:
        return LETTERS[self.question.shown_order().index(index)]


_made: dict[str, Poll] | None = None


def polls() -> dict[str, Poll]:
    """Every question of `quizzes.yaml` by id, in file order, validated by the data loader once per
    process: a session votes on the questions the server started with (restart it to take an edit).
    The server asks for a poll at every answer; the loader would read the data files each time."""
    global _made
    if _made is None:
        facts = data.load_facts()
        made: dict[str, Poll] = {}
        sections: dict[str, list[Question]] = {}
        for q in facts.questions:
            sections.setdefault(q.section, []).append(q)
        for questions in sections.values():
            for number, q in enumerate(questions, start=1):
                made[q.id] = Poll(q, number, len(questions))
        _made = {q.id: made[q.id] for q in facts.questions}
    return _made


def poll(question_id: Any) -> Poll:
    """The poll of a question id; UnknownQuestion for anything else (never echoed back as is)."""
    found = polls().get(question_id) if isinstance(question_id, str) else None
    if found is None:
        raise UnknownQuestion("unknown question id (the ids of assets/data/quizzes.yaml)")
    return found
