"""Typed records for the facts of the deck.

The loader (`data/__init__.py`) turns the YAML files of `assets/data/` into these frozen
records; figure builders, quizzes and the audit take them and never read files themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .. import messages

STATUSES = ("verified", "secondary", "seed", "unverified")

# Tracks of the three timelines (plus the epilogue, shown only as marked context).
TRACKS = ("programme", "momentum", "meetings2018", "epilogue")

# The two tracks of the e-commerce talks that an event belongs to, drawn apart on the timelines:
# the multilateral track (all Members: the Work Programme, the moratorium, the General Council) and
# the plurilateral one (the Joint Statement Initiative and its participants only). The words are the
# catalogue's (`process`).
PROCESSES = ("multilateral", "plurilateral")

# Kinds of events; the French legend labels live with the figures.
KINDS = (
    "conference",  # a Ministerial Conference (date range)
    "declaration",  # a ministerial declaration or joint statement
    "decision",  # a decision of the General Council or of a conference
    "workshop",  # workshops and seminars
    "group",  # a new group of members
    "communication",  # a member communication or non-paper
    "meeting",  # a meeting (Joint Statement group, an informal meeting of the General Council Chair)
    "review",  # a General Council periodic review
)

class Localized(Mapping[str, str]):
    """A text of a record in every language of the data: a read-only mapping language → text.

    `text()` gives it in the current language (`messages.language()`, set by `deck.setup(lang=…)`),
    `text("en")` in another; the loader guarantees every language of the catalogues is there.
    """

    __slots__ = ("_texts",)

    def __init__(self, texts: Mapping[str, str]):
        object.__setattr__(self, "_texts", MappingProxyType(dict(texts)))

    def __setattr__(self, name, value):  # read-only, like the frozen records that hold it
        raise AttributeError("Localized is read-only")

    def __getitem__(self, lang: str) -> str:
        return self._texts[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __hash__(self) -> int:
        return hash(tuple(self._texts.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._texts) == dict(other)

    def __repr__(self) -> str:
        return f"Localized({dict(self._texts)!r})"

    def text(self, lang: str | None = None) -> str:
        """The text in `lang` (default: the current language)."""
        lang = lang or messages.language()
        try:
            return self._texts[lang]
        except KeyError:
            raise KeyError(f"no {lang!r} text (languages: {', '.join(self._texts)}): {self._texts.get(messages.DEFAULT_LANG, '')!r}") from None


# What a conference (or the General Council) did with the moratorium on customs duties on
# electronic transmissions: the encoding of the moratorium timeline (French legend in figures/style.py).
MORATORIUM_OUTCOMES = (
    "instituted",  # 1998: the Declaration starts the practice
    "renewed",  # maintained until the next conference
    "no-decision",  # Seattle 1999: no declaration, no formal renewal
    "failed",  # Cancún 2003: the conference ended without consensus
    "programme-only",  # a decision on the Work Programme alone (no record uses it since CM7 is `renewed`)
    "extended",  # extended by the General Council between conferences (December 2019)
    "lapsed",  # Yaoundé 2026: not renewed, the moratorium expired
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
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre")
MONTHS = {"fr": MONTHS_FR, "en": MONTHS_EN, "es": MONTHS_ES}


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
        return self.label("fr")

    def _day(self, lang: str) -> str:
        return "1er" if lang == "fr" and self.day == 1 else str(self.day)

    def label(self, lang: str | None = None) -> str:
        """Long form in `lang` (default: the current language): « 20 mai 1998 », "20 May 1998",
        « 20 de mayo de 1998 »; a month or a year alone: « juillet 2016 », "July 2016", « julio de 2016 ».
        A language without month names here gets the ISO form."""
        lang = lang or messages.language()
        if not self.month:
            return str(self.year)
        if lang not in MONTHS:
            return self.iso()
        month = MONTHS[lang][self.month - 1]
        of = " de " if lang == "es" else " "
        if not self.day:
            return f"{month}{of}{self.year}"
        return f"{self._day(lang)}\u00a0{of.lstrip()}{month}{of}{self.year}"


def date_range_fr(start: PartialDate, end: PartialDate | None) -> str:
    """« 18–20 mai 1998 », « 30 novembre – 3 décembre 1999 », or the single date."""
    return date_range(start, end, "fr")


def date_range(start: PartialDate, end: PartialDate | None, lang: str | None = None) -> str:
    """A date or a range in `lang` (default: the current language): « 18–20 mai 1998 »,
    "18–20 May 1998", « 18–20 de mayo de 1998 »; « 30 novembre – 3 décembre 1999 »."""
    lang = lang or messages.language()
    if end is None or end == start:
        return start.label(lang)
    if lang in MONTHS and start.day and end.day and start.year == end.year and start.month == end.month:
        return f"{start._day(lang)}–{end.label(lang)}"
    if lang in MONTHS and start.day and end.day and start.year == end.year:
        first = start.label(lang).rsplit(" ", 1)[0]
        if lang == "es":
            first = first.removesuffix(" de")
        return f"{first} – {end.label(lang)}"
    return f"{start.label(lang)} – {end.label(lang)}"


@dataclass(frozen=True)
class Source:
    key: str
    url: str | None  # None: no public copy consulted (the title says so)
    title: Localized
    # The same page in other languages (`url_by_lang` of sources.yaml), as (language, url) pairs:
    # the WTO publishes its texts in English, French and Spanish, and a deck links to its own.
    urls: tuple[tuple[str, str], ...] = ()

    def url_for(self, lang: str | None = None) -> str | None:
        """The page in `lang` (default: the current language) when there is one, else `url`."""
        return dict(self.urls).get(lang or messages.language(), self.url)

    def all_urls(self) -> tuple[str, ...]:
        """`url` and every language's page (the hosts a deck may link to)."""
        return tuple(u for u in (self.url, *(u for _, u in self.urls)) if u)


@dataclass(frozen=True)
class Event:
    id: str
    track: str
    kind: str
    start: PartialDate
    end: PartialDate | None
    label: Localized  # short label, shown on the chart
    detail: Localized  # one or two sentences, shown in the hover and the detail panel
    symbol: str | None  # WTO document symbol, e.g. "WT/MIN(98)/DEC/2"
    symbol_status: str | None  # status of the symbol when it differs from the fact's
    status: str
    sources: tuple[str, ...]
    moratorium: str | None = None  # one of MORATORIUM_OUTCOMES: what this event did with the moratorium
    process: str = "multilateral"  # one of PROCESSES: the track of the talks it belongs to (required in events.yaml)

    @property
    def date_fr(self) -> str:
        return date_range(self.start, self.end, "fr")

    def date_text(self, lang: str | None = None) -> str:
        """The date or range in `lang` (default: the current language)."""
        return date_range(self.start, self.end, lang)

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
    name: Localized
    parent: str | None  # id of the body it reports to; None for the Ministerial Conference
    work_programme: bool  # one of the bodies of the e-commerce Work Programme
    status: str
    sources: tuple[str, ...]
    capacity_of: str | None = None  # the body this one is, meeting in another capacity (DSB, TPRB: "gc")


@dataclass(frozen=True)
class Signatory:
    """An entry of the MC11 Joint Statement on Electronic Commerce (WT/MIN(17)/60)."""

    id: str
    name: Localized
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
    prompt: Localized
    choices: tuple[Localized, ...]  # single: as shown; order: in the right order
    answer: int | None  # single: index of the right choice
    feedback: Localized
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
class Participation:
    """How many WTO Members took part in the Joint Statement Initiative on e-commerce at a date."""

    id: str
    date: PartialDate
    participants: int
    label: Localized  # what the count is (« Déclaration conjointe, CM11 »), shown on the chart
    detail: Localized  # how the source counts, shown in the hover and the notes
    event: str | None  # id of the event of events.yaml the count belongs to, if any
    status: str
    sources: tuple[str, ...]


# --- What the deck teaches beyond the timelines (issue 17 §3): a glossary, the Work Programme
# and the Joint Statement side by side, what the Agreement's text holds and leaves out, and the
# arguments for and against the moratorium. Each row is a fact with its status and sources.

ARGUMENT_SIDES = ("for", "against")  # for keeping the moratorium, or against


@dataclass(frozen=True)
class Term:
    """A glossary entry (`glossary.yaml`): the term and its definition in each language."""

    id: str
    term: Localized
    definition: Localized
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """One row of the Work Programme / Joint Statement table (`comparison.yaml`)."""

    id: str
    aspect: Localized
    multilateral: Localized  # the Work Programme and the moratorium, all Members
    plurilateral: Localized  # the Joint Statement Initiative, its participants
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Provision:
    """What the Agreement's stabilized text (INF/ECOM/87) holds, or leaves out (`agreement.yaml`)."""

    id: str
    included: bool
    topic: Localized
    detail: Localized
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Argument:
    """A position for or against the moratorium (`arguments.yaml`), stated as whose it is."""

    id: str
    side: str  # one of ARGUMENT_SIDES
    holder: Localized  # « Selon l'Inde et l'Afrique du Sud (WT/GC/W/747) »
    text: Localized
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """Everything `assets/data/` holds, validated."""

    sources: dict[str, Source]
    events: tuple[Event, ...]
    bodies: tuple[Body, ...]
    signatories: tuple[Signatory, ...]
    seed_statements: tuple[SeedStatement, ...] = ()
    questions: tuple[Question, ...] = ()
    participation: tuple[Participation, ...] = ()  # Joint Statement participation over time, in date order
    glossary: tuple[Term, ...] = ()
    comparison: tuple[Comparison, ...] = ()
    agreement: tuple[Provision, ...] = ()
    arguments: tuple[Argument, ...] = ()

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
