"""What a slide's text says: the WTO document symbols, French dates and counts of members it
writes, and the records of `assets/data/` each of them can rest on.

The fact audit (`audit.py`) reads every markdown cell of the French notebooks through this module:
`mentions_in(text, Index(facts))` lists each symbol (WT/L/274), date (« 20 mai 1998 », « du 10 au
13 décembre 2017 », « mai 1998 », « entre 2016 et 2017 », a year) and number (« 71 membres »,
« 77 % ») with the events it matches. The French words it reads (month names, « membres »,
« entrées », number words) are parsing, not interface words: they stay here, not in the catalogue.
"""

from __future__ import annotations

import re
from collections import Counter

from .. import data
from ..data.records import MONTHS_FR, Event, Facts, PartialDate
from ..messages import DEFAULT_LANG, t

JOINT_STATEMENT_SYMBOL = "WT/MIN(17)/60"  # the document the signatories of signatories.yaml signed
TO_CONFIRM = t("status.unverified", DEFAULT_LANG)  # « à confirmer »: the audit reads the French notebooks
NBSP = "\u00a0"

# How sure a status is, most sure first: a mention is as sure as its surest record.
RANK = {"verified": 0, "seed": 1, "secondary": 2, "unverified": 3}


_MONTH = "(" + "|".join(MONTHS_FR) + ")"
_DAY = r"(1er|3[01]|[12]\d|[1-9])"
_YEAR = r"((?:19|20)\d\d)"
_FLAGS = re.IGNORECASE
DATE_PATTERNS = (
    ("range2", re.compile(rf"\b(?:du\s+)?{_DAY}\s+{_MONTH}\s*(?:au|–|-)\s*{_DAY}\s+{_MONTH}\s+{_YEAR}\b", _FLAGS)),
    ("range", re.compile(rf"\b(?:du\s+)?{_DAY}\s*(?:au|–|-)\s*{_DAY}\s+{_MONTH}\s+{_YEAR}\b", _FLAGS)),
    ("day", re.compile(rf"\b{_DAY}\s+{_MONTH}\s+{_YEAR}\b", _FLAGS)),
    ("month", re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", _FLAGS)),
    ("years", re.compile(rf"\b{_YEAR}\s*(?:–|-|\bet\b|\bà\b)\s*{_YEAR}\b", _FLAGS)),
    ("year", re.compile(rf"\b{_YEAR}\b")),
)
NOUNS = ("États membres", "Membres", "membres", "participants", "signataires", "entrées", "réunions", "communications")
NUMBER_RE = re.compile(rf"\b(\d+)\s+({'|'.join(NOUNS)})\b")
PERCENT_RE = re.compile(r"\b(\d+(?:,\d+)?)\s*%")
SYMBOL_IN_TEXT = re.compile(rf"(?<![\w/]){data.SYMBOL_RE.pattern}(?![\w/])")
NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
}
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


def plain(text: str) -> str:
    """Slide text as read: markdown emphasis and code marks dropped, non-breaking spaces as spaces."""
    text = text.replace(NBSP, " ").replace("\u202f", " ").replace("*", "").replace("`", "")
    return " ".join(text.split())


def _day(text: str) -> int:
    return 1 if text.lower() == "1er" else int(text)


def _month(text: str) -> int:
    return MONTHS_FR.index(text.lower()) + 1


def _precise(d: PartialDate | None) -> tuple:
    return (d.year, d.month, d.day) if d else ()


class Index:
    """The records a slide's text can rest on."""

    def __init__(self, facts: Facts):
        self.facts = facts
        self.events = facts.events
        self.texts = {e.id: plain(_NUMBER_WORD_RE.sub(lambda m: str(NUMBER_WORDS[m.group(1).lower()]), f"{e.label['fr']} {e.detail['fr']}")) for e in facts.events}
        self.joint_statement = [e for e in facts.events if e.symbol == JOINT_STATEMENT_SYMBOL]
        members = [s for s in facts.signatories if s.iso3]
        entries = [s for s in facts.signatories if not s.eu_member]
        self.counts = {
            "membres": {len(members), len([s for s in members if not s.eu_member])},
            "états membres": {len([s for s in members if s.eu_member])},
            "signataires": {len(entries)},
            # the entries of the document, and how many of them have each status (« ces 9 entrées »)
            "entrées": {len(entries), *Counter(s.status for s in entries).values()},
        }

    def symbol(self, symbol: str) -> tuple[list[Event], str | None]:
        """Events that have the symbol, else events whose detail names it; the surest symbol status."""
        own = [e for e in self.events if e.symbol == symbol]
        statuses = [e.shown_symbol_status for e in own]
        named = [
            e for e in self.events
            if e not in own and re.search(rf"(?<![\w/]){re.escape(symbol)}(?![\w/])", e.detail["fr"])
        ]
        statuses += [e.shown_symbol_status or e.status for e in named]
        best = min(statuses, key=RANK.__getitem__) if statuses else None
        return (own or named), best

    def date(self, kind: str, groups: tuple[str, ...], text: str) -> list[Event]:
        if kind == "range2":
            d1, m1, d2, m2, y = groups
            start, end = (int(y), _month(m1), _day(d1)), (int(y), _month(m2), _day(d2))
            return [e for e in self.events if _precise(e.start) == start and _precise(e.end) == end]
        if kind == "range":
            d1, d2, m, y = groups
            start, end = (int(y), _month(m), _day(d1)), (int(y), _month(m), _day(d2))
            return [e for e in self.events if _precise(e.start) == start and _precise(e.end) == end]
        if kind == "day":
            d, m, y = groups
            day = (int(y), _month(m), _day(d))
            found = [e for e in self.events if day in (_precise(e.start), _precise(e.end))]
            return found or self._written(text)
        if kind == "month":
            m, y = groups
            month = (int(y), _month(m))
            found = [
                e for e in self.events
                if any(d is not None and d.month and (d.year, d.month) == month for d in (e.start, e.end))
            ]
            return found or self._written(text)
        if kind == "years":
            y1, y2 = int(groups[0]), int(groups[1])
            return [e for e in self.events if e.start.year == y1 and (e.end or e.start).year == y2]
        year = int(groups[0])
        return [e for e in self.events if e.start.year <= year <= (e.end or e.start).year]

    def in_a_source(self, text: str) -> bool:
        """Whether a source of sources.yaml gives the date in its title (an article's date, cited in
        the speaker notes: « Third World Network, 16 février 2017 »)."""
        wanted = plain(text).lower()
        return any(wanted in plain(s.title["fr"]).lower() for s in self.facts.sources.values())

    def _written(self, text: str) -> list[Event]:
        """Events whose own text states the date (« au plus tard jusqu'au 31 mars 2024 »)."""
        wanted = plain(text).lower()
        return [e for e in self.events if wanted in self.texts[e.id].lower()]

    def number(self, value: str, noun: str) -> list[Event]:
        noun_key = noun.lower()
        pattern = re.compile(rf"(?<![\d,]){re.escape(value)}\s+{re.escape(noun_key)}\b")
        found = [e for e in self.events if pattern.search(self.texts[e.id].lower())]
        if not found and int(value) in self.counts.get(noun_key, ()):
            found = list(self.joint_statement)  # counted from signatories.yaml, the signatories of that document
        return found

    def percent(self, value: str) -> list[Event]:
        pattern = re.compile(rf"(?<![\d,]){re.escape(value)}\s*%")
        return [e for e in self.events if pattern.search(self.texts[e.id])]


def mentions_in(text: str, index: Index) -> list[tuple[str, str, list[Event], str | None, str]]:
    """(kind, text, events, symbol status, precision) for each symbol, date and number of a text."""
    found: list[tuple[int, tuple]] = []
    text = plain(text)
    masked = text
    for match in SYMBOL_IN_TEXT.finditer(text):
        events, status = index.symbol(match.group(0))
        found.append((match.start(), ("cote", match.group(0), events, status, "symbol")))
        masked = masked[: match.start()] + " " * len(match.group(0)) + masked[match.end() :]
    for kind, pattern in DATE_PATTERNS:
        for match in pattern.finditer(masked):
            events = index.date(kind, match.groups(), match.group(0))
            if kind == "years" and not events:
                # Two years side by side, not a span of the data: each must be a year of the data.
                for number in (1, 2):
                    single = index.date("year", (match.group(number),), match.group(number))
                    found.append((match.start(number), ("date", match.group(number), single, None, "year")))
            else:
                found.append((match.start(), ("date", match.group(0), events, None, kind)))
            masked = masked[: match.start()] + " " * len(match.group(0)) + masked[match.end() :]
    for match in NUMBER_RE.finditer(masked):
        events = index.number(match.group(1), match.group(2))
        found.append((match.start(), ("nombre", match.group(0), events, None, "number")))
    for match in PERCENT_RE.finditer(masked):
        found.append((match.start(), ("nombre", match.group(0), index.percent(match.group(1)), None, "number")))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


