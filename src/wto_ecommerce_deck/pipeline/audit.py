"""The fact audit: every fact the decks show, with its date, WTO symbol, source and status.

A fact is shown in two ways, and the audit reads both from the sources of the decks (the notebooks
and `assets/data/`), without executing anything:

* by a one-line call of a code cell (`timeline.programme()`, `timeline.moratorium_after_2018()`,
  `timeline.participation()`, `structure.chart()`, `members.map()`, `explorer.timeline("momentum")`,
  `quiz.show("q-…")`): `audit_calls.py` builds the same figure with the same pure builders and reads
  the records it carries, or the events of the explorer's table, or the facts a quiz rests on;
* by the text of a slide (every markdown cell that is not speaker notes, and the texts of the
  quizzes shown there): each WTO document symbol, French date and count of members that
  `audit_text.py` finds must match a record of `assets/data/`; a mention that rests only on
  unverified records must be flagged « à confirmer » on the same slide. Anything else is a problem,
  one line each, naming the notebook, the cell and what is wrong.

`build_audit()` returns the `Audit`: the facts shown, where and how, the mentions and the problems.
What is made of it: the « Sources » slide of each deck and `build/sources.html` (`sources.py`), the
table of `python -m wto_ecommerce_deck facts` (`facts_command.py`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import calls, conventions, data, messages, paths
from ..conventions import FULL_DECK
from ..data.records import STATUSES, Event, Facts, Localized, Source
from ..figures import style
from .audit_calls import READERS, cell_calls, read_quiz
from .audit_text import NBSP, RANK, TO_CONFIRM, Index, mentions_in, plain
from .glossary import SLIDE_ID as GLOSSARY_SLIDE_ID

# How a deck shows a fact (the words: `sources_page.how` of the message catalogue).
HOWS = ("frise", "organigramme", "carte", "tableau", "quiz", "texte", "graphique")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Fact:
    """One record of assets/data that a deck shows."""

    key: str  # "event:mc4", "body:gc", "signatory:FRA", "participation:davos-2019", "provision:data-flows"
    kind: str  # "event", "body", "signatory", "participation"; "comparison", "provision", "argument" (teach.py)
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
    # What the deck teaches beyond the timelines (teach.py): rows with no date nor symbol.
    taught = (("term", facts.glossary, "term"), ("comparison", facts.comparison, "aspect"),
              ("provision", facts.agreement, "topic"), ("argument", facts.arguments, "text"))
    for rank, (kind, rows, field) in enumerate(taught, start=4):
        for number, row in enumerate(rows):
            label = getattr(row, field)
            found[f"{kind}:{row.id}"] = Fact(
                key=f"{kind}:{row.id}", kind=kind, record_id=row.id, date=_no_date(label), sort_key=(rank, f"{number:04d}", row.id),
                label=label, symbol=None, symbol_status=None, status=row.status, sources=row.sources,
            )
    return found


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
    index = Index(facts)
    audit = Audit(facts={}, shown=[], mentions=[], problems=[], sources=dict(facts.sources), sections=[])
    for path in conventions.notebook_paths(folder):
        label = conventions.label(path)
        nb = _read(path, label)
        section = Section(path.stem, nb.metadata.get("title", path.stem), label)
        audit.sections.append(section)
        _audit_notebook(audit, nb, section, facts, all_facts, index)
        _audit_glossary(audit, section, facts)
    for shown in audit.shown:
        audit.facts[shown.fact] = all_facts[shown.fact]
    for fact_key in audit.facts:
        fact = audit.facts[fact_key]
        unflagged = [s for s in audit.shown if s.fact == fact_key and s.how != "texte" and fact.needs_flag(s.how) and not s.flagged]
        for s in unflagged:
            audit.problems.append(f"{s.where}: {fact.label['fr']!r} ({fact.record_id}) is unverified but its {messages.group('sources_page.how')[s.how]} does not say « {TO_CONFIRM} »")
    return audit


def _audit_glossary(audit: Audit, section: Section, facts: Facts) -> None:
    """Every deck ends with the glossary slide, then « Sources » (the build adds both:
    pipeline/glossary.py, sources.py): its terms are facts the deck shows, in a table, and their
    sources are counted and named with the others. A term that is not verified writes its status
    after its definition (`glossary_slide.md.j2`)."""
    where = f"{section.label}: {GLOSSARY_SLIDE_ID} (added by the build)"
    audit.shown.extend(
        Shown(f"term:{term.id}", section.name, where, "tableau", term.status == style.UNVERIFIED) for term in facts.glossary
    )


def _audit_notebook(audit: Audit, nb, section: Section, facts: Facts, all_facts, index: Index) -> None:
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
    found = cell_calls(cell.source)
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
                how, shown, question = read_quiz(facts, args)
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
    audit: Audit, texts, section: Section, heading: str, flagged: bool, index: Index, all_facts, listed: bool = True
) -> None:
    """Check the dates, symbols and numbers of a slide's texts; `listed`: record them as what the
    slide shows (False for speaker notes: checked, not shown)."""
    found = []
    for where, text, about in texts:
        for kind, written, events, symbol_status, precision in mentions_in(text, index):
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
            status = min(statuses, key=RANK.__getitem__) if statuses else None
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
