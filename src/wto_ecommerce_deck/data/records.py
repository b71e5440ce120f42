"""Typed records for the facts of the deck.

The loader (`data/__init__.py`) turns the YAML files of `assets/data/` into these frozen
records; figure builders, quizzes and the audit take them and never read files themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

STATUSES = ("verified", "secondary", "seed", "unverified")

# Tracks of the three timelines (plus the epilogue, shown only as marked context).
TRACKS = ("programme", "momentum", "meetings2018", "epilogue")

# Kinds of events; the French legend labels live with the figures.
KINDS = (
    "conference",  # a Ministerial Conference (date range)
    "declaration",  # a ministerial declaration or joint statement
    "decision",  # a decision of the General Council or of a conference
    "workshop",  # workshops and seminars
    "group",  # a new group of members
    "communication",  # a member communication or non-paper
    "meeting",  # a meeting (Joint Statement group, special General Council)
    "review",  # a General Council periodic review
)

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@dataclass(frozen=True, order=True)
class PartialDate:
    """An ISO date that may stop at the month or the year (`2016`, `2016-07`, `2016-07-05`)."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError on anything else."""
        parts = text.split("-")
        if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
            raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
        lengths = [len(p) for p in parts]
        if lengths != [4, 2, 2][: len(parts)]:
            raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
        # dt.date raises ValueError for impossible months or days (2017-02-30).
        dt.date(year, month or 1, day or 1)
        return cls(year, month, day)

    def iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def midpoint(self) -> dt.date:
        """Where to place the date on an axis: the day itself, mid-month or mid-year."""
        if self.day:
            return self.first_day()
        if self.month:
            return dt.date(self.year, self.month, 15)
        return dt.date(self.year, 7, 1)

    def label_fr(self) -> str:
        """French long form: « 20 mai 1998 », « juillet 2016 », « 2016 » (1er for the first day)."""
        if not self.month:
            return str(self.year)
        month = MONTHS_FR[self.month - 1]
        if not self.day:
            return f"{month} {self.year}"
        day = "1er" if self.day == 1 else str(self.day)
        return f"{day}\u00a0{month} {self.year}"


def date_range_fr(start: PartialDate, end: PartialDate | None) -> str:
    """« 18–20 mai 1998 », « 30 novembre – 3 décembre 1999 », or the single date."""
    if end is None or end == start:
        return start.label_fr()
    if start.day and end.day and start.year == end.year and start.month == end.month:
        first = "1er" if start.day == 1 else str(start.day)
        return f"{first}–{end.label_fr()}"
    if start.day and end.day and start.year == end.year:
        return f"{start.label_fr().rsplit(' ', 1)[0]} – {end.label_fr()}"
    return f"{start.label_fr()} – {end.label_fr()}"


@dataclass(frozen=True)
class Source:
    key: str
    url: str | None  # None: no public copy consulted (the title says so)
    title: str


@dataclass(frozen=True)
class Event:
    id: str
    track: str
    kind: str
    start: PartialDate
    end: PartialDate | None
    label_fr: str  # short label, shown on the chart
    detail_fr: str  # one or two sentences, shown in the hover and the detail panel
    symbol: str | None  # WTO document symbol, e.g. "WT/MIN(98)/DEC/2"
    symbol_status: str | None  # status of the symbol when it differs from the fact's
    status: str
    sources: tuple[str, ...]

    @property
    def date_fr(self) -> str:
        return date_range_fr(self.start, self.end)

    @property
    def shown_symbol_status(self) -> str | None:
        """Status that applies to the symbol: its own, or the fact's."""
        if self.symbol is None:
            return None
        return self.symbol_status or self.status


@dataclass(frozen=True)
class Body:
    """A WTO body of the structure chart."""

    id: str
    name_fr: str
    parent: str | None  # id of the body it reports to; None for the Ministerial Conference
    work_programme: bool  # one of the bodies of the e-commerce Work Programme
    status: str
    sources: tuple[str, ...]
    capacity_of: str | None = None  # the body this one is, meeting in another capacity (DSB, TPRB: "gc")


@dataclass(frozen=True)
class Signatory:
    """An entry of the MC11 Joint Statement on Electronic Commerce (WT/MIN(17)/60)."""

    id: str
    name_fr: str
    iso3: str | None  # None for the European Union itself
    order: int  # position in the document
    eu_member: bool  # one of the EU's 28 member states, counted through the EU's entry
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SeedStatement:
    """A statement of the 2018 presentation (`seed_statements.yaml`): as our slides show it, and
    as the seed wrote it."""

    slide: int
    text: str
    seed: str


QUESTION_KINDS = ("single", "order")  # one right choice; steps to put back in order


def stable_number(text: str) -> int:
    """A stable integer from a text (Python's `hash` changes from one process to the next)."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:12], 16)


@dataclass(frozen=True)
class Question:
    """A quiz question (`quizzes.yaml`), asked at the end of its section."""

    id: str
    section: str  # the stem of the notebook that asks it
    kind: str  # one of QUESTION_KINDS
    prompt_fr: str
    choices: tuple[str, ...]  # single: as shown; order: in the right order
    answer: int | None  # single: index of the right choice
    feedback_fr: str
    sources: tuple[str, ...]
    facts: tuple[str, ...]  # ids of the events or bodies the answer rests on

    def shown_order(self) -> tuple[int, ...]:
        """Indices of `choices` in the order they are shown.

        An order question is shuffled with a seed taken from its id (the same everywhere, every
        time) and never shown already solved."""
        indices = list(range(len(self.choices)))
        if self.kind != "order":
            return tuple(indices)
        random.Random(stable_number(self.id)).shuffle(indices)
        if indices == sorted(indices):
            indices = indices[1:] + indices[:1]
        return tuple(indices)


@dataclass(frozen=True)
class Facts:
    """Everything `assets/data/` holds, validated."""

    sources: dict[str, Source]
    events: tuple[Event, ...]
    bodies: tuple[Body, ...]
    signatories: tuple[Signatory, ...]
    seed_statements: tuple[SeedStatement, ...] = ()
    questions: tuple[Question, ...] = ()

    def questions_of(self, section: str) -> tuple[Question, ...]:
        """The questions of one section, in file order."""
        return tuple(q for q in self.questions if q.section == section)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"no question {question_id!r} in assets/data/quizzes.yaml")

    def track(self, name: str) -> tuple[Event, ...]:
        """The events of one timeline, in date order."""
        if name not in TRACKS:
            raise KeyError(f"unknown track {name!r}; tracks are {', '.join(TRACKS)}")
        return tuple(sorted((e for e in self.events if e.track == name), key=lambda e: (e.start.midpoint(), e.id)))

    def event(self, event_id: str) -> Event:
        for e in self.events:
            if e.id == event_id:
                return e
        raise KeyError(f"no event {event_id!r}")
