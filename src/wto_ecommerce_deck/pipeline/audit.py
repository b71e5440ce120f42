"""The fact audit: every fact the decks show, with its date, WTO symbol, source and status.

A fact is shown in two ways, and the audit reads both from the sources of the decks (the notebooks
and `assets/data/`), without executing anything:

* by a one-line call of a code cell (`timeline.programme()`, `timeline.moratorium_after_2018()`,
  `timeline.participation()`, `structure.chart()`, `members.map()`, `explorer.timeline("momentum")`,
  `quiz.show("q-…")`): the audit builds the same figure with the same pure builders and reads the
  records it carries (`layout.meta["events"]`, the participation counts of `layout.meta["points"]`,
  the boxes of the structure chart, the countries of the map), or the events of the explorer's
  table, or the facts a quiz rests on;
* by the text of a slide (every markdown cell that is not speaker notes, and the texts of the
  quizzes shown there): each WTO document symbol (WT/L/274), French date (« 20 mai 1998 »,
  « du 10 au 13 décembre 2017 », « mai 1998 », « entre 2016 et 2017 », a year) and count of members
  (« 71 membres », « 77 % ») must match a record of `assets/data/`; a mention that rests only on
  unverified records must be flagged « à confirmer » on the same slide. Anything else is a problem,
  one line each, naming the notebook, the cell and what is wrong.

`python -m wto_ecommerce_deck facts` prints the facts and the counts by status; the build writes
`build/sources.html` (`write_sources_page`) and closes each deck with a « Sources » slide
(`sources_slide_cells`).
"""

from __future__ import annotations

import ast
import html
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from .. import calls, conventions, data, paths, theme
from ..conventions import FULL_DECK
from ..errors import DeckError, say
from ..figures import style
from .. import messages
from ..messages import DEFAULT_LANG, t
from ..data.records import MONTHS_FR, STATUSES, Event, Facts, Localized, PartialDate, Source
from .layout import INDEX_PAGE, SOURCES_PAGE, page_name

SOURCES_PER_TWO_COLUMNS = 16  # more sources than this: three columns on the « Sources » slide
SOURCES_PER_THREE_COLUMNS = 32  # more than this (the full deck with the epilogue: 39): smaller type still
JOINT_STATEMENT_SYMBOL = "WT/MIN(17)/60"  # the document the signatories of signatories.yaml signed
TO_CONFIRM = t("status.unverified", DEFAULT_LANG)  # « à confirmer »: the audit reads the French notebooks
NBSP = "\u00a0"

# How sure a status is, most sure first: a mention is as sure as its surest record.
_RANK = {"verified": 0, "seed": 1, "secondary": 2, "unverified": 3}
# How a deck shows a fact (the words: `sources_page.how` of the message catalogue).
HOWS = ("frise", "organigramme", "carte", "tableau", "quiz", "texte", "graphique")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Fact:
    """One record of assets/data that a deck shows."""

    key: str  # "event:mc4", "body:gc", "signatory:FRA", "participation:davos-2019"
    kind: str  # "event", "body", "signatory" or "participation"
    record_id: str
    date: Localized  # per language; "" when the record has no date
    sort_key: tuple
    label: Localized
    symbol: str | None
    symbol_status: str | None  # the status that applies to the symbol
    status: str
    sources: tuple[str, ...]

    @property
    def date_fr(self) -> str:
        return self.date["fr"]

    def date_text(self, lang: str | None = None) -> str:
        """The date in `lang` (default: the current language); "" when the record has none."""
        return self.date.text(lang)

    @property
    def unsure(self) -> bool:
        return self.status == style.UNVERIFIED or self.symbol_status == style.UNVERIFIED

    def needs_flag(self, how: str) -> bool:
        """Whether showing the fact this way needs « à confirmer »: an unverified fact always; an
        unverified symbol where the symbol is shown (the hovers of the timelines, the tables)."""
        shows_symbol = how in ("frise", "tableau")
        return self.status == style.UNVERIFIED or (shows_symbol and self.symbol_status == style.UNVERIFIED)


@dataclass(frozen=True)
class Shown:
    """Where a deck shows a fact: the notebook cell and how."""

    fact: str  # Fact.key
    section: str
    where: str  # "notebooks/02_programme_de_travail.ipynb: cell 7 (id 'programme-07')"
    how: str  # one of HOWS
    flagged: bool  # shown with « à confirmer » (in the hover, the legend, the table or the slide)


@dataclass(frozen=True)
class Mention:
    """A symbol, date or number written on a slide, and the records it rests on."""

    section: str
    where: str
    slide: str  # the slide's heading
    kind: str  # "cote", "date" or "nombre"
    text: str
    facts: tuple[str, ...]  # Fact keys; empty: not in the data (a problem)
    status: str | None  # the surest status among them
    flagged: bool  # the slide says « à confirmer »


@dataclass
class Section:
    name: str
    title: str
    label: str  # notebooks/NN_name.ipynb


@dataclass
class Audit:
    facts: dict[str, Fact]
    shown: list[Shown]
    mentions: list[Mention]
    problems: list[str]
    sources: dict[str, Source]
    sections: list[Section]
    extra_sources: dict[str, list[str]] = field(default_factory=dict)  # section → keys cited by its quizzes

    def facts_of(self, section: str | None = None) -> list[Fact]:
        """The facts a deck shows (all of them for the full deck or None), by kind then date."""
        keys = {s.fact for s in self.shown if section in (None, FULL_DECK) or s.section == section}
        return sorted((self.facts[k] for k in keys), key=lambda f: f.sort_key)

    def counts(self, section: str | None = None) -> dict[str, int]:
        counter = Counter(f.status for f in self.facts_of(section))
        return {status: counter.get(status, 0) for status in STATUSES}

    def unsure_symbols(self, section: str | None = None) -> list[Fact]:
        return [f for f in self.facts_of(section) if f.symbol and f.symbol_status == style.UNVERIFIED]

    def source_keys(self, section: str | None = None) -> list[str]:
        """The sources cited by the facts a deck shows and by its quizzes, in sources.yaml order."""
        cited = {k for f in self.facts_of(section) for k in f.sources}
        for name, keys in self.extra_sources.items():
            if section in (None, FULL_DECK) or name == section:
                cited.update(keys)
        return [k for k in self.sources if k in cited]

    def shown_in(self, fact_key: str) -> list[str]:
        return sorted({s.section for s in self.shown if s.fact == fact_key})

    def hows(self, fact_key: str) -> list[str]:
        return sorted({s.how for s in self.shown if s.fact == fact_key})


# --------------------------------------------------------------------------- facts from records


def _event_fact(e: Event) -> Fact:
    return Fact(
        key=f"event:{e.id}", kind="event", record_id=e.id, date=Localized({lang: e.date_text(lang) for lang in e.label}),
        sort_key=(0, e.start.midpoint().isoformat(), e.id), label=e.label, symbol=e.symbol,
        symbol_status=e.shown_symbol_status, status=e.status, sources=e.sources,
    )


# « 71 participants : Déclaration conjointe, CM11 » in the facts table, per language.
PARTICIPANTS = {"fr": f"participants{NBSP}:", "en": "participants:", "es": "participantes:"}


def _no_date(label: Localized) -> Localized:
    return Localized(dict.fromkeys(label, ""))


def _all_facts(facts: Facts) -> dict[str, Fact]:
    found = {f"event:{e.id}": _event_fact(e) for e in facts.events}
    for number, b in enumerate(facts.bodies):
        found[f"body:{b.id}"] = Fact(
            key=f"body:{b.id}", kind="body", record_id=b.id, date=_no_date(b.name), sort_key=(1, f"{number:04d}", b.id),
            label=b.name, symbol=None, symbol_status=None, status=b.status, sources=b.sources,
        )
    for number, s in enumerate(facts.signatories):
        found[f"signatory:{s.id}"] = Fact(
            key=f"signatory:{s.id}", kind="signatory", record_id=s.id, date=_no_date(s.name),
            sort_key=(2, f"{s.order:04d}", int(s.eu_member), f"{number:04d}"), label=s.name,
            symbol=None, symbol_status=None, status=s.status, sources=s.sources,
        )
    for p in facts.participation:
        found[f"participation:{p.id}"] = Fact(
            key=f"participation:{p.id}", kind="participation", record_id=p.id, date=Localized({lang: p.date.label(lang) for lang in p.label}),
            sort_key=(3, p.date.first_day().isoformat(), p.id),
            label=Localized({lang: f"{p.participants} {PARTICIPANTS.get(lang, PARTICIPANTS['en'])} {text}" for lang, text in p.label.items()}),
            symbol=None, symbol_status=None, status=p.status, sources=p.sources,
        )
    return found


# --------------------------------------------------------------------------- what the calls show


def _hovers(fig) -> list[str]:
    texts = []
    for trace in fig.data:
        for item in getattr(trace, "customdata", None) or ():
            if item is not None and len(item) and isinstance(item[0], str):
                texts.append(item[0])
    return texts


def _flagged_in_hover(fig, label: str) -> bool:
    """Whether the figure's hover for the record labelled `label` says « à confirmer »."""
    head = f"<b>{style.escape(label)}</b>"
    return any(TO_CONFIRM in text for text in _hovers(fig) if text.startswith(head))


def _timeline(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    from ..figures import timelines

    fig = timelines.build_track_timeline(call.track, facts.track(call.track), facts.sources, period=call.period)
    shown = []
    for event_id in fig.layout.meta["events"]:
        event = facts.event(event_id)
        shown.append((f"event:{event_id}", _flagged_in_hover(fig, event.label.text())))
    return "frise", shown


def _participation(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    """The chart writes each count's status next to it: an unverified count says « à confirmer »."""
    from ..figures.participation import build_participation_chart

    fig = build_participation_chart(facts.participation, facts.sources)
    by_id = {p.id: p for p in facts.participation}
    texts = list(fig.data[0].text)
    return "graphique", [
        (f"participation:{i}", TO_CONFIRM in texts[n]) for n, i in enumerate(fig.layout.meta["points"]) if i in by_id
    ]


def _structure(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    from ..figures.structure import build_structure_chart

    fig = build_structure_chart(facts.bodies, facts.sources)
    ids = [shape.name for shape in fig.layout.shapes if shape.type == "rect" and shape.name]
    names = {b.id: b.name.text() for b in facts.bodies}
    return "organigramme", [(f"body:{i}", _flagged_in_hover(fig, names[i])) for i in ids if i in names]


def _members(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    from ..figures.members_map import build_members_map

    fig = build_members_map(facts.signatories, facts.sources)
    by_code = {s.iso3: s for s in facts.signatories if s.iso3}
    shown = []
    for trace in fig.data:
        if trace.type != "choropleth":
            continue
        for code in trace.locations:
            signatory = by_code[code]
            flagged = TO_CONFIRM in (trace.name or "") or _flagged_in_hover(fig, signatory.name.text())
            shown.append((f"signatory:{signatory.id}", flagged))
    return "carte", shown


def _explorer(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    """The exported deck shows the explorer's static table of the track's events."""
    from .. import explorer

    track = args[0] if args else "programme"
    events = facts.track(track)
    table = explorer.static_html(track, events, facts.sources)
    rows = re.findall(r"<tr>.*?</tr>", table, flags=re.S)
    shown = []
    for event in events:
        cell = f"<td>{html.escape(event.label.text(), quote=False)}</td>"
        row = next((r for r in rows if cell in r), "")
        shown.append((f"event:{event.id}", TO_CONFIRM in row))
    return "tableau", shown


def _quiz(facts: Facts, args: Sequence):
    question = facts.question(args[0])
    ids = {e.id for e in facts.events}
    keys = [f"event:{i}" if i in ids else f"body:{i}" for i in question.facts]
    # The quiz loader refuses unverified facts: nothing here needs a flag.
    return "quiz", [(k, False) for k in keys], question


# How the audit reads what each kind of notebook call shows (calls.py declares the calls).
READERS = {
    calls.TIMELINE: _timeline,
    calls.STRUCTURE: _structure,
    calls.MEMBERS: _members,
    calls.EXPLORER: _explorer,
    calls.PARTICIPATION: _participation,
}


def _calls(source: str) -> list[tuple[str, str, list]] | None:
    """The `module.function(literal, …)` calls of a code cell; None when it is something else."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    calls = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
            return None
        func = node.value.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return None
        try:
            args = [ast.literal_eval(a) for a in node.value.args]
        except ValueError:
            return None
        calls.append((func.value.id, func.attr, args))
    return calls


# --------------------------------------------------------------------------- what the text says

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


class _Index:
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
        best = min(statuses, key=_RANK.__getitem__) if statuses else None
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


def _mentions_in(text: str, index: _Index) -> list[tuple[str, str, list[Event], str | None, str]]:
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


# --------------------------------------------------------------------------- the audit


def _heading(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return plain(line.lstrip("#").strip())
    return ""


def _read(path: Path, label: str):
    from . import notebooks

    return notebooks.read(path, label)


def build_audit(data_dir: Path | None = None, notebooks_dir: Path | None = None) -> Audit:
    """Audit the decks: the facts they show and the problems of their text. Raises data.DataError
    for invalid data files and BuildError for an unreadable notebook."""
    facts = data.load_facts(data_dir)
    folder = Path(notebooks_dir) if notebooks_dir is not None else paths.notebooks_dir()
    all_facts = _all_facts(facts)
    index = _Index(facts)
    audit = Audit(facts={}, shown=[], mentions=[], problems=[], sources=dict(facts.sources), sections=[])
    for path in conventions.notebook_paths(folder):
        label = conventions.label(path)
        nb = _read(path, label)
        section = Section(path.stem, nb.metadata.get("title", path.stem), label)
        audit.sections.append(section)
        _audit_notebook(audit, nb, section, facts, all_facts, index)
    for shown in audit.shown:
        audit.facts[shown.fact] = all_facts[shown.fact]
    for fact_key in audit.facts:
        fact = audit.facts[fact_key]
        unflagged = [s for s in audit.shown if s.fact == fact_key and s.how != "texte" and fact.needs_flag(s.how) and not s.flagged]
        for s in unflagged:
            audit.problems.append(f"{s.where}: {fact.label['fr']!r} ({fact.record_id}) is unverified but its {messages.group('sources_page.how')[s.how]} does not say « {TO_CONFIRM} »")
    return audit


def _audit_notebook(audit: Audit, nb, section: Section, facts: Facts, all_facts, index: _Index) -> None:
    # A slide's text is its non-notes markdown and the texts of its quizzes; its speaker notes are
    # checked the same way (every date, symbol and number in the data, unverified ones flagged on
    # the slide or in the notes), but are not listed as what the slide shows.
    for group in conventions.slides(nb.cells, skip=True):
        heading = next((_heading(c.source) for _, c in group if c.cell_type == "markdown" and not conventions.is_notes(c)), "")
        texts: list[tuple[str, str, set[str]]] = []  # (where, text, facts the text is about)
        notes: list[tuple[str, str, set[str]]] = []
        for number, cell in group:
            where = f"{section.label}: {conventions.cell_name(cell, number)}"
            if cell.cell_type == "markdown":
                (notes if conventions.is_notes(cell) else texts).append((where, cell.source, set()))
            elif cell.cell_type == "code":
                texts.extend(_audit_calls(audit, cell, where, section, facts))
        flagged = any(TO_CONFIRM in plain(text) for _, text, _ in texts)
        _audit_text(audit, texts, section, heading, flagged, index, all_facts)
        if notes:
            about = set().union(*(facts_about for _, _, facts_about in texts))
            notes = [(where, text, about) for where, text, _ in notes]
            notes_flagged = flagged or any(TO_CONFIRM in plain(text) for _, text, _ in notes)
            _audit_text(audit, notes, section, heading, notes_flagged, index, all_facts, listed=False)


def _audit_calls(audit: Audit, cell, where: str, section: Section, facts: Facts):
    found = _calls(cell.source)
    if found is None:
        audit.problems.append(f"{where}: not a one-line call: the fact audit cannot tell what it shows")
        return []
    texts = []
    for module, function, args in found:
        call = calls.lookup(module, function)
        if call is None:
            audit.problems.append(
                f"{where}: {module}.{function}(): not a call the notebooks may make "
                "(declare it with calls.notebook_call beside its definition)"
            )
            continue
        if call.shows == calls.SETUP:
            continue
        try:
            if call.shows == calls.QUIZ:
                how, shown, question = _quiz(facts, args)
                audit.extra_sources.setdefault(section.name, []).extend(question.sources)
                quiz_text = " ".join(text["fr"] for text in (question.prompt, *question.choices, question.feedback))
                texts.append((f"{where}: quiz {question.id!r}", quiz_text, {k for k, _ in shown}))
            else:
                how, shown = READERS[call.shows](facts, call, args)
        except (KeyError, IndexError) as exc:
            audit.problems.append(f"{where}: {module}.{function}({', '.join(map(repr, args))}): unknown in the data ({exc})")
            continue
        audit.shown.extend(Shown(key, section.name, where, how, flag) for key, flag in shown)
    return texts


def _audit_text(
    audit: Audit, texts, section: Section, heading: str, flagged: bool, index: _Index, all_facts, listed: bool = True
) -> None:
    """Check the dates, symbols and numbers of a slide's texts; `listed`: record them as what the
    slide shows (False for speaker notes: checked, not shown)."""
    found = []
    for where, text, about in texts:
        for kind, written, events, symbol_status, precision in _mentions_in(text, index):
            found.append((where, about, kind, written, events, symbol_status, precision))
    # What the slide is about: the records of its symbols (and of its quiz), to tell apart the
    # records a date could mean (« mai 1998 » next to WT/MIN(98)/DEC/2 is the Declaration).
    anchors = {f"event:{e.id}" for _, _, kind, _, events, _, _ in found if kind == "cote" for e in events}
    for where, about, kind, written, events, symbol_status, precision in found:
        keys = [f"event:{e.id}" for e in events]
        focus = anchors | about
        resolved = [k for k in keys if k in focus] or keys
        if kind == "cote":
            status = symbol_status
        else:
            statuses = [all_facts[k].status for k in resolved]
            status = min(statuses, key=_RANK.__getitem__) if statuses else None
        if listed:
            audit.mentions.append(Mention(section.name, where, heading, kind, written, tuple(resolved), status, flagged))
        what = {"cote": "symbol", "date": "date", "nombre": "number"}[kind]
        if not resolved and kind == "date" and not listed and index.in_a_source(written):
            continue  # the notes cite a source with its date: sources.yaml holds it
        if not resolved:
            why = {
                "cote": "no event has it as its symbol or names it in its detail",
                "date": "no event on that date, nor an event text that states it",
                "nombre": "no event text states it, nor a count of signatories.yaml",
            }[kind]
            audit.problems.append(f"{where}: {what} « {written} » is not in assets/data ({why})")
            continue
        if status == style.UNVERIFIED and not flagged:
            ids = ", ".join(all_facts[k].record_id for k in resolved)
            audit.problems.append(
                f"{where}: {what} « {written} » rests only on unverified data ({ids}): flag it « {TO_CONFIRM} » on the slide"
            )
        # Years and two-year spans tell no record apart: they are checked, not listed as shown.
        if precision != "year" and listed:
            audit.shown.extend(Shown(k, section.name, where, "texte", flagged) for k in resolved)


# --------------------------------------------------------------------------- the « Sources » slide


def counts_sentence(counts: Mapping[str, int], lang: str | None = None) -> str:
    """« 12 vérifiés, 3 de source secondaire, 1 de la présentation de 2018, 2 à confirmer »."""
    plural = messages.group("status_plural", lang)
    space = NBSP if (lang or messages.language()) == DEFAULT_LANG else " "
    parts = [f"{n}{space}{plural[status]}" for status, n in counts.items() if n]
    return ", ".join(parts) if parts else t("sources_slide.none", lang)


def sources_slide_cells(section: str, audit: Audit | None = None, lang: str | None = None, sources_href: str | None = None) -> list:
    """A final « Sources » slide for a deck (`section`: a notebook's stem, or FULL_DECK), and its
    speaker notes: the sources of the facts the deck shows, how many of each status, the « à
    confirmer » convention and a link to `../sources.html` (the decks live in build/slides/).

    Both from templates of `assets/theme/templates/` (`sources_slide.md.j2`, `sources_notes.html.j2`);
    data text goes in HTML blocks, escaped: markdown never interprets it."""
    audit = audit or build_audit()
    lang = lang or messages.language()
    facts = audit.facts_of(section)
    where = t("sources_slide.where_full", lang) if section == FULL_DECK else t("sources_slide.where_part", lang)
    # the sources page as the deck links it (the French decks live in build/slides/<lang>/)
    context = dict(
        sources=audit.sources, sources_page=sources_href or f"../{SOURCES_PAGE}", sources_name=page_name(SOURCES_PAGE, lang),
        where=where,
    )
    keys = audit.source_keys(section)
    # Every source named by its publisher: a long list (the full deck cites about 30) takes three
    # narrower columns (omc.css, `.deck-sources-long`) so that the slide still fits 1024×768.
    slide = theme.render(
        "sources_slide.md.j2", lang, count=len(facts), counts_sentence=counts_sentence(audit.counts(section), lang),
        unsure_symbols=len(audit.unsure_symbols(section)), keys=keys, long=len(keys) > SOURCES_PER_TWO_COLUMNS,
        longer=len(keys) > SOURCES_PER_THREE_COLUMNS,
        **context,
    )
    notes = theme.render("sources_notes.html.j2", lang, unsure=[f for f in facts if f.unsure], **context)
    import nbformat

    return [
        nbformat.v4.new_markdown_cell(slide.rstrip("\n"), id="sources-slide", metadata=conventions.slide_metadata(conventions.SLIDE)),
        nbformat.v4.new_markdown_cell(notes.rstrip("\n"), id="sources-notes", metadata=conventions.slide_metadata(conventions.NOTES)),
    ]


def with_sources_slide(nb, section: str, audit: Audit | None = None, lang: str | None = None, sources_href: str | None = None):
    """A copy of an executed deck (a section, or the chained FULL_DECK) that ends with its « Sources »
    slide; the notebook given is left as it is (the build caches and chains it)."""
    import copy

    deck = copy.deepcopy(nb)
    ids = {cell.get("id") for cell in deck.cells}
    for cell in sources_slide_cells(section, audit, lang, sources_href):
        if cell.id in ids:  # already there: the deck was given twice
            return deck
        deck.cells.append(cell)
    return deck


# --------------------------------------------------------------------------- build/sources.html

KINDS = ("event", "body", "signatory", "participation")  # the tables of the page, in this order


def sources_page_html(audit: Audit, lang: str | None = None, titles: Mapping[str, str] | None = None) -> str:
    """The page: `assets/theme/templates/sources.html.j2`, its words from the message catalogue of
    `lang` (default: the current language); `titles`: the parts' titles in that language, by
    notebook name (default: French)."""
    lang = lang or messages.language()
    facts = audit.facts_of()
    titles = {**{s.name: s.title for s in audit.sections}, **(titles or {})}
    how = messages.group("sources_page.how", lang)
    rows: dict[str, list] = {}
    for fact in facts:
        shown = [titles.get(n, n) for n in audit.shown_in(fact.key)]
        rows.setdefault(fact.kind, []).append((fact, shown, [how[h] for h in audit.hows(fact.key)]))
    mentions = [
        (
            titles.get(m.section, m.section),
            dict(slide=m.slide, text=m.text, status=m.status,
                 records=[audit.facts[k].record_id for k in m.facts if k in audit.facts]),
        )
        for m in audit.mentions
    ]
    cited = set(audit.source_keys())
    return theme.render(
        "sources.html.j2",
        lang,
        index_page=page_name(INDEX_PAGE, lang),
        facts=facts,
        counts=audit.counts(),
        counts_sentence=counts_sentence(audit.counts(), lang),
        unsure_symbols=len(audit.unsure_symbols()),
        tables=[(kind, rows[kind]) for kind in KINDS if rows.get(kind)],
        joint_statement=JOINT_STATEMENT_SYMBOL,
        # The mentions are read on the French original (its dates and numbers are parsed in French);
        # another language's page points there: its slides write the same ones (tests/test_i18n_parity.py)
        mentions=mentions if lang == DEFAULT_LANG else None,
        mentions_count=len(mentions),
        original_mentions=page_name(SOURCES_PAGE, DEFAULT_LANG) + "#mentions",
        cited=[key for key in audit.sources if key in cited],
        sources=audit.sources,
    )


def _section_title(audit: Audit, name: str) -> str:
    return next((s.title for s in audit.sections if s.name == name), name)


def write_sources_page(
    build_dir: Path, audit: Audit | None = None, lang: str = DEFAULT_LANG, titles: Mapping[str, str] | None = None
) -> Path:
    """Write `build_dir/sources.html` (`sources.<lang>.html`; the build calls it on its temporary
    folder); return its path."""
    audit = audit or build_audit()
    path = Path(build_dir) / page_name(SOURCES_PAGE, lang)
    path.write_text(sources_page_html(audit, lang, titles), encoding="utf-8")
    return path


def index_link_html() -> str:
    """The paragraph that `build/index.html` shows under the list of decks."""
    return str(theme.macro("sources_page_link")(SOURCES_PAGE))


# --------------------------------------------------------------------------- the command


def _row_text(fact: Fact, audit: Audit) -> tuple[str, ...]:
    urls = [audit.sources[k].url or t("cli.facts.no_link", source=k) for k in fact.sources if k in audit.sources]
    symbol = (fact.symbol or "—") + (f" ({TO_CONFIRM})" if fact.symbol and fact.symbol_status == style.UNVERIFIED else "")
    return (fact.date_text().replace(NBSP, " ") or "—", fact.label.text().replace(NBSP, " "), symbol, fact.status, " ".join(urls))


def report(audit: Audit, fmt: str = "text") -> str:
    facts = audit.facts_of()
    counts = audit.counts()
    header = (t("cli.facts.date"), t("cli.facts.fact"), t("cli.facts.symbol"), t("cli.facts.status"), t("cli.facts.source"))
    rows = [_row_text(f, audit) for f in facts]
    lines = []
    if fmt == "markdown":
        lines.append(t("cli.facts.markdown_title", count=len(facts)) + "\n")
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for row in rows:
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        lines.append("")
    else:
        widths = [18, 48, 30, 10]
        def clip(text: str, width: int) -> str:
            return text if len(text) <= width else text[: width - 1] + "…"
        lines.append("  ".join(h.upper().ljust(w) for h, w in zip(header, widths)) + "  " + header[-1].upper())
        for row in rows:
            lines.append("  ".join(clip(c, w).ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])
        lines.append("")
    by_kind = Counter(f.kind for f in facts)
    lines.append(t(
        "cli.facts.summary", count=len(facts), events=by_kind.get("event", 0), bodies=by_kind.get("body", 0),
        signatories=by_kind.get("signatory", 0), statuses=", ".join(f"{status} {n}" for status, n in counts.items()),
    ))
    unsure = [f for f in facts if any(f.needs_flag(s.how) for s in audit.shown if s.fact == f.key)]
    flagged = sum(1 for f in unsure if all(s.flagged for s in audit.shown if s.fact == f.key and f.needs_flag(s.how)))
    lines.append(t(
        "cli.facts.unsure", unsure=len(unsure), flag=TO_CONFIRM, flagged=flagged, symbols=len(audit.unsure_symbols()),
        mentions=len(audit.mentions), missing=sum(1 for m in audit.mentions if not m.facts),
    ))
    return "\n".join(lines) + "\n"


def main(fmt: str = "text", out: Path | None = None) -> int:
    """`python -m wto_ecommerce_deck facts`: print the audit; exit 1 on invalid data or a problem."""
    audit = build_audit()
    sys.stdout.write(report(audit, fmt))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        path = write_sources_page(out, audit)
        say(t("cli.facts.wrote", path=path))
    if audit.problems:
        raise DeckError(audit.problems)
    return 0
