"""Load and validate the facts of `assets/data/*.yaml` into the records of `records.py`.

Every data file, the quizzes included, goes through the same loader, with the same rules
(`validation.py`). Every problem of every file is reported at once, one line each, naming the
file, the entry (by id and YAML line) and the field, so that a maintainer can fix a data file
without reading this code:

    assets/data/events.yaml: entry 'mc4' (line 31): field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2001-13-09'
    assets/data/quizzes.yaml: entry 'q-elan-2' (line 81): field 'facts': 'feds-2016' is unverified: a quiz must not rest on it

What is checked, beyond the shape of each file (required fields, types, no unknown or duplicate keys,
no duplicate ids): ISO dates that exist and fall in the WTO's lifetime, conferences as day ranges,
WTO document symbols in their real shape, ISO 3166-1 alpha-3 codes (pycountry, plus the WTO's
customs territories), statuses and source keys, https links only, and text that a slide can show
as it is: UTF-8 in composed (NFC) form, no markup, no control or invisible characters, and French
typography in the French prose (« » with non-breaking spaces, a non-breaking space before : ; ! ?).

Texts in every language: each text a deck shows (an event's `label` and `detail`, a body's or a
signatory's `name`, a source's `title`, a question's `prompt`, `choices` and `feedback`) is a mapping
`{fr: "…", en: "…", es: "…"}`, French (the original) first. Every text must be in every language of
the interface catalogues (`assets/i18n/<lang>.json`, `messages.languages()`) and in any language
that most texts of the data give (translated before its catalogue exists); a missing one is one line,
`…: entry 'mc4' (line 131): field 'label': no 'es' text`, and a language that only a few texts give
is reported where it is (a typo: `eb`). French typography applies to `fr` only; every language gets
the other rules (no markup, no control or invisible characters…), named `field 'label.en': …`.
The records hold these texts as `records.Localized` (`.text(lang=None)`: the current language).

Quizzes (`quizzes.yaml`, `questions:` list): `id` (`q-<name>`); `section`, the stem of the notebook
that asks the question, 2 to 4 questions per section that has any; `kind`, `single` (one right
choice) or `order` (steps to put back in order); `prompt` and `feedback`, texts in each language;
`choices`, for `single` texts in each language plus one `{text: {fr: …, en: …, es: …}, correct: true}`,
shown in this order, for `order` 3 to 6 texts in the right order, shown shuffled; `sources`, keys of `sources.yaml`; `facts`, ids
of the events or bodies the answer rests on, none unverified, and every WTO symbol quoted in the
question must be the symbol of one of them, with a status other than unverified.

The loader never prints: it raises `DataError`, and the CLI prints its lines.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from .. import messages, paths
from ..conventions import SECTION_RE
from .records import (
    KINDS,
    MORATORIUM_OUTCOMES,
    QUESTION_KINDS,
    STATUSES,
    TRACKS,
    Body,
    Event,
    Facts,
    Participation,
    Question,
    SeedStatement,
    Signatory,
    Source,
)
from .validation import (
    SYMBOL_RE,
    TYPOGRAPHY_RULES,
    WTO_HOST,
    DataError,
    Entry,
    Field,
    FileCheck,
    Localized,
    SubfieldError,
    Schema,
    check_bool,
    check_date,
    check_id,
    check_iso3,
    check_keys,
    check_localized,
    check_match,
    check_one_of,
    check_order,
    check_symbol,
    check_text,
    check_text_fr,
    check_url,
    decode,
    display_name,
    got,
    is_wto_host,
    safe_href,
    typography_problem,
)

__all__ = [
    "FILES", "SYMBOL_RE", "TYPOGRAPHY_RULES", "DataError", "Facts", "load_facts", "safe_href", "typography_problem",
]

FILES = ("sources.yaml", "events.yaml", "bodies.yaml", "signatories.yaml", "seed_statements.yaml", "quizzes.yaml", "participation.yaml")

CONFERENCE_MAX_DAYS = 31  # a Ministerial Conference lasts days: more is a typo in a year or month
SEED_SLIDES = 8  # slides of the 2018 presentation (seed_statements.yaml)
SEED_SOURCE = "seed"  # the source key of the 2018 presentation itself
UNVERIFIED = STATUSES[-1]

# Quizzes: questions per section that has any, choices of a single-choice question, steps of an
# order question.
QUESTIONS_PER_SECTION = (2, 4)
SINGLE_CHOICES = (2, 6)
ORDER_ITEMS = (3, 6)


# --- Fields of these files -------------------------------------------------------------------

def check_slide(value: Any) -> int:
    value = check_order(value)
    if value > SEED_SLIDES:
        raise ValueError(f"the 2018 presentation has {SEED_SLIDES} slides, got {value!r}")
    return value


def check_question_id(value: Any) -> str:
    value = check_id(value)
    if not value.startswith("q-"):
        raise ValueError(f"a question id starts with 'q-': {value!r}")
    return value


# The name only: the data stays valid in a project that holds some of the notebooks; the
# notebook tests check that each section asks its questions.
check_section = check_match(SECTION_RE, "not a section notebook name (NN_name, as notebooks/NN_name.ipynb)")


def check_fact_ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of event or body ids, got {got(value)}")
    return tuple(check_id(v) for v in value)


def check_choices(value: Any) -> tuple[tuple[Localized, bool | None], ...]:
    """(text, correct) pairs; `correct` is None for a plain choice. A choice is a text in each
    language (`{fr: …, en: …, es: …}`), or `{text: {fr: …, …}, correct: true}`."""
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of choices, got {got(value)}")
    items = []
    for number, item in enumerate(value, start=1):
        try:
            if isinstance(item, dict) and ("text" in item or "correct" in item):
                unknown = sorted(set(item) - {"text", "correct"})
                if unknown:
                    raise ValueError(f"unknown key {unknown[0]!r} (a choice is {{fr: …, en: …}} or {{text, correct}})")
                if "text" not in item:
                    raise ValueError("'text' missing")
                correct = check_bool(item["correct"]) if "correct" in item else None
                items.append((check_localized(item["text"]), correct))
            else:
                items.append((check_localized(item), None))
        except SubfieldError as exc:
            raise ValueError(f"choice {number}: '{exc.part}': {exc}") from None
        except ValueError as exc:
            raise ValueError(f"choice {number}: {exc}") from None
    for lang in dict.fromkeys(lang for text, _ in items for lang in text):
        texts = [text.get(lang) for text, _ in items]
        for number, text in enumerate(texts, start=1):
            if text is not None and texts.index(text) != number - 1:
                raise ValueError(f"choice {number}: same '{lang}' text as choice {texts.index(text) + 1}: {text!r}")
    return tuple(items)


MAX_MEMBERS = 200  # the WTO has 166 Members (2024): a count above this is a typo


def check_count(value: Any) -> int:
    """A number of WTO Members (participants in an initiative)."""
    count = check_order(value)
    if count > MAX_MEMBERS:
        raise ValueError(f"more participants than WTO Members could be: {count!r}")
    return count


# Schema of each file: top-level key, the field that names an entry (None: entries are named by
# their number), the fields.
SCHEMAS: dict[str, Schema] = {
    # `url: null`: no public copy was consulted (the 2018 presentation itself, a source not found);
    # the decks then show the title without a link, and the title must say so.
    "sources.yaml": ("sources", "key", (Field("key", check_id), Field("url", check_url, nullable=True), Field("title", check_localized))),
    "events.yaml": (
        "events",
        "id",
        (
            Field("id", check_id),
            Field("track", check_one_of(TRACKS, "track")),
            Field("kind", check_one_of(KINDS, "kind")),
            Field("date", check_date),
            Field("end", check_date, required=False, nullable=True),
            Field("label", check_localized),
            Field("detail", check_localized),
            Field("symbol", check_symbol, required=False, nullable=True),
            Field("symbol_status", check_one_of(STATUSES, "status"), required=False, nullable=True),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
            Field("moratorium", check_one_of(MORATORIUM_OUTCOMES, "moratorium outcome"), required=False, nullable=True),
        ),
    ),
    "participation.yaml": (
        "participation",
        "id",
        (
            Field("id", check_id),
            Field("date", check_date),
            Field("participants", check_count),
            Field("label", check_localized),
            Field("detail", check_localized),
            Field("event", check_id, required=False, nullable=True),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
        ),
    ),
    "bodies.yaml": (
        "bodies",
        "id",
        (
            Field("id", check_id),
            Field("name", check_localized),
            Field("parent", check_id, nullable=True),
            Field("capacity_of", check_id, required=False, nullable=True),
            Field("work_programme", check_bool),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
        ),
    ),
    "signatories.yaml": (
        "signatories",
        "id",
        (
            Field("id", check_id),
            Field("name", check_localized),
            Field("iso3", check_iso3, nullable=True),
            Field("order", check_order),
            Field("eu_member", check_bool),
            Field("status", check_one_of(STATUSES, "status")),
            Field("sources", check_keys),
        ),
    ),
    # `text` is what our slides show (French typography); `seed` is the 2018 wording, verbatim.
    "seed_statements.yaml": (
        "statements",
        None,
        (Field("slide", check_slide), Field("text", check_text_fr), Field("seed", check_text)),
    ),
    # Quiz text is French prose shown on a slide: the same typography as the facts.
    "quizzes.yaml": (
        "questions",
        "id",
        (
            Field("id", check_question_id),
            Field("section", check_section),
            Field("kind", check_one_of(QUESTION_KINDS, "kind")),
            Field("prompt", check_localized),
            Field("choices", check_choices),
            Field("feedback", check_localized),
            Field("sources", check_keys),
            Field("facts", check_fact_ids),
        ),
    ),
}


# --- Rules across entries --------------------------------------------------------------------

def _check_statuses(check: FileCheck, sources: Mapping[str, Source]) -> None:
    """A status must be backed by its kind of source: `verified` by a WTO page, `seed` by the seed."""
    for entry in check.entries:
        status, keys = entry.values.get("status"), entry.values.get("sources")
        if not status or not keys or any(key not in sources for key in keys):
            continue  # an unknown key was reported already
        if status == "verified" and not any(is_wto_host(urlsplit(sources[k].url or "").hostname or "") for k in keys):
            check.field_error(entry, "sources", f"status 'verified' needs a WTO page ({WTO_HOST}) among its sources")
        if status == "seed" and SEED_SOURCE in sources and SEED_SOURCE not in keys:
            check.field_error(entry, "sources", f"status 'seed' needs the source key '{SEED_SOURCE}' (the 2018 presentation)")


def _check_events(check: FileCheck) -> None:
    for entry in check.entries:
        values = entry.values
        if values.get("symbol_status") is not None and "symbol" in values and values["symbol"] is None:
            check.field_error(entry, "symbol_status", "given without a symbol")
        start, end = values.get("date"), values.get("end")
        if values.get("kind") == "conference" and start is not None and "end" in values:
            if end is None:
                check.field_error(entry, "end", "required for a conference (its last day: a date range)")
                continue
            if start.day is None or end.day is None:
                check.field_error(entry, "end", f"a conference runs from day to day (YYYY-MM-DD): '{start.iso()}' → '{end.iso()}'")
                continue
        if start is None or end is None:
            continue
        # Compare at the coarser precision of the two, so that "2018-03-15" → "2018-03" is fine.
        a = (start.year, start.month, start.day)
        b = (end.year, end.month, end.day)
        n = min(sum(x is not None for x in a), sum(x is not None for x in b))
        if b[:n] < a[:n]:
            check.field_error(entry, "end", f"ends before it starts: '{end.iso()}' < '{start.iso()}'")
            continue
        if values.get("kind") == "conference":
            days = (end.first_day() - start.first_day()).days + 1
            if days > CONFERENCE_MAX_DAYS:
                check.field_error(
                    entry, "end", f"a conference of {days} days ('{start.iso()}' → '{end.iso()}'): a typo in the year or month?"
                )


def _unique_names(check: FileCheck) -> None:
    """Two entries may not share a name, in any language."""
    langs = dict.fromkeys(lang for e in check.entries for lang in e.values.get("name") or ())
    for lang in langs:
        first: dict[str, Entry] = {}
        for entry in check.entries:
            name = (entry.values.get("name") or {}).get(lang)
            if name is None:
                continue
            if name in first:
                check.field_error(entry, f"name.{lang}", f"same name as {first[name].label}: {name!r}")
            else:
                first[name] = entry


# Fields that hold a text in each language, per file (the quiz choices are checked apart).
LOCALIZED = {
    "sources.yaml": ("title",), "events.yaml": ("label", "detail"), "bodies.yaml": ("name",),
    "signatories.yaml": ("name",), "quizzes.yaml": ("prompt", "choices", "feedback"),
    "participation.yaml": ("label", "detail"),
}


def _texts_of(entry: Entry, field: str) -> list[tuple[str, Localized]]:
    """(where, text) of one field of an entry: ("", text), or ("choice N: ", text) for the choices."""
    value = entry.values.get(field)
    if value is None:
        return []
    if field == "choices":
        return [(f"choice {number}: ", text) for number, (text, _) in enumerate(value, start=1)]
    return [("", value)]


def data_languages(checks: list[FileCheck], catalogues: tuple[str, ...]) -> list[str]:
    """The languages every text must be in: those of the interface catalogues (`assets/i18n`,
    French first), and a language that most texts of the data give (translated before its
    catalogue exists). A language that only a few texts give is a typo, reported where it is."""
    counts: dict[str, int] = {}
    total = 0
    for c in checks:
        for entry in c.entries:
            for field in LOCALIZED.get(c.display.rsplit("/", 1)[-1], ()):
                for _, text in _texts_of(entry, field):
                    total += 1
                    for lang in text:
                        counts[lang] = counts.get(lang, 0) + 1
    langs = dict.fromkeys(catalogues)
    langs.update(dict.fromkeys(lang for lang, count in counts.items() if 2 * count > total))
    return list(langs)


def _check_languages(check: FileCheck, langs: list[str]) -> None:
    """Every text of every record in every language: a missing one is one line per language."""
    for entry in check.entries:
        for field in LOCALIZED.get(check.display.rsplit("/", 1)[-1], ()):
            for where, text in _texts_of(entry, field):
                for lang in langs:
                    if lang not in text:
                        check.field_error(entry, field, f"{where}no '{lang}' text")
                for lang in text:
                    if lang not in langs:
                        check.field_error(
                            entry, field, f"{where}'{lang}' is not a language of the decks ({', '.join(langs)}; "
                            f"a language is added with its catalogue assets/i18n/{lang}.json)"
                        )


def _check_bodies(check: FileCheck) -> None:
    _unique_names(check)
    parents = {e.values["id"]: e.values.get("parent") for e in check.entries if e.values.get("id")}
    # A root is an entry whose parent is a valid null (not a missing or invalid parent field).
    roots = [e.values.get("id") or "?" for e in check.entries if "parent" in e.values and e.values["parent"] is None]
    cyclic: set[str] = set()  # bodies on a parent cycle: reported once, as the cycle
    for entry in check.entries:
        parent = entry.values.get("parent")
        if parent is not None and parent not in parents:
            check.field_error(entry, "parent", f"unknown body {parent!r}")
            continue
        # Walk up: a chain that comes back to itself would never reach the Ministerial Conference.
        # Only the bodies on the cycle report it; those that merely hang below it are fine once it is.
        own, chain, current = entry.values.get("id"), [entry.values.get("id")], parent
        while current is not None and current in parents and current not in chain:
            chain.append(current)
            current = parents[current]
        if current is not None and current == own:
            check.field_error(entry, "parent", f"cycle: {' → '.join(chain + [own])}")
            cyclic.add(own)
    # A body that is another body meeting in another capacity (the General Council as the Dispute
    # Settlement Body) names it, and sits beside it: same parent.
    valid_parents = {e.values["id"]: e.values["parent"] for e in check.entries if e.values.get("id") and "parent" in e.values}
    for entry in check.entries:
        same, own = entry.values.get("capacity_of"), entry.values.get("id")
        if same is None:
            continue
        if same not in parents or same == own:
            check.field_error(entry, "capacity_of", f"unknown body {same!r}" if same != own else "a body cannot be itself in another capacity")
        elif same in valid_parents and same not in cyclic and "parent" in entry.values and valid_parents[same] != entry.values["parent"]:
            check.field_error(entry, "capacity_of", f"'{same}' has parent {valid_parents[same]!r}: the same body in another capacity has the same parent")
    if len(roots) != 1:
        found = ", ".join(repr(r) for r in roots) or "none"
        check.file_error(f"expected exactly one root body (parent: null), found {found}")


def _check_signatories(check: FileCheck) -> None:
    _unique_names(check)
    for entry in check.entries:
        iso3, entry_id = entry.values.get("iso3"), entry.values.get("id")
        # Members are named by their code, so that figures can join on either.
        if iso3 is not None and entry_id is not None and entry_id != iso3:
            check.field_error(entry, "id", f"must equal iso3 {iso3!r}, got {entry_id!r}")
    # Only the European Union's own entry has no code; its member states share its order.
    unions = [e for e in check.entries if "iso3" in e.values and e.values["iso3"] is None]
    for entry in unions:
        if entry.values.get("eu_member") is True:
            check.field_error(entry, "iso3", "an EU member state needs its ISO 3166-1 alpha-3 code")
    union = next((e for e in unions if e.values.get("eu_member") is False), None)
    for entry in unions:
        if entry is not union and entry.values.get("eu_member") is False:
            check.field_error(entry, "iso3", f"only the European Union's entry has no code ({union.label} has none already)")
    orders: dict[int, Entry] = {}
    for entry in check.entries:
        order, member = entry.values.get("order"), entry.values.get("eu_member")
        if order is None or member is None:
            continue
        if member is True:
            expected = union.values.get("order") if union else None
            if expected is not None and order != expected:
                check.field_error(entry, "order", f"an EU member state takes the order of the EU's entry ({expected}), got {order}")
        elif order in orders:
            check.field_error(entry, "order", f"order {order} already taken by {orders[order].label}")
        else:
            orders[order] = entry


def _check_questions(check: FileCheck, statuses: Mapping[str, tuple[str, str | None, str | None]] | None) -> None:
    """`statuses`: for each event or body id, its status, its symbol and the symbol's status; None
    when events.yaml or bodies.yaml has errors (then what a quiz rests on is not checked)."""
    per_section: dict[str, list[str]] = {}
    for entry in check.entries:
        values = entry.values
        kind, choices = values.get("kind"), values.get("choices")
        if kind is not None and choices is not None:
            _check_choices(check, entry, kind, choices)
        cited = values.get("facts") or ()
        if statuses is None:
            cited = ()
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
        texts = [values.get("prompt"), values.get("feedback"), *(t for t, _ in choices or ())]
        every = [text for localized in filter(None, texts) for text in localized.values()]
        quoted = dict.fromkeys(m.group(0) for text in every for m in SYMBOL_RE.finditer(text))
        for symbol in quoted if statuses is not None else ():
            if symbol not in sure_symbols:
                check.field_error(
                    entry, "facts", f"symbol {symbol!r} is quoted but is not the symbol of a cited fact that is not unverified"
                )
        if values.get("section") and values.get("id"):
            per_section.setdefault(values["section"], []).append(values["id"])
    low, high = QUESTIONS_PER_SECTION
    for section, ids in per_section.items():
        if not low <= len(ids) <= high:
            check.file_error(f"section '{section}': {len(ids)} question(s), expected {low} to {high}")


def _check_choices(check: FileCheck, entry: Entry, kind: str, choices) -> None:
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


# --- The whole folder -------------------------------------------------------------------------


def _check_participation(check: FileCheck, event_ids: set[str] | None) -> None:
    """Counts name an event of events.yaml when they belong to one (`event_ids` None: events.yaml unreadable)."""
    check.unique("date", "date")
    if event_ids is None:
        return
    for entry in check.entries:
        event = entry.values.get("event")
        if event is not None and event not in event_ids:
            check.field_error(entry, "event", f"unknown event {event!r} (not in events.yaml)")


def _check_file(
    folder: Path,
    name: str,
    texts: dict[str, str | None],
    extra: Callable[[FileCheck], None] | None = None,
    known: set[str] | None = None,
) -> FileCheck:
    """Check one file (schema, source keys, its own cross-entry rules); its errors in `.errors`."""
    check = FileCheck(display_name(folder, name), SCHEMAS[name])
    text = texts[name]
    if text is None:
        check.file_error("file missing")
    elif check.run(text):
        if known is not None:
            check.check_sources(known)
        if extra is not None:
            extra(check)
    return check


def _in_file_order(folder: Path, others: list[str], checks: list[FileCheck]) -> list[str]:
    """Every error line, file by file in FILES order: `others` (lines of files not in `checks`:
    encoding, seed statements) and each check's own lines."""
    by_file = {c.display: c.errors for c in checks}
    lines = []
    for name in FILES:
        shown = display_name(folder, name)
        lines += [line for line in others if line.split(":", 1)[0] == shown]
        lines += by_file.get(shown, [])
    return lines + [line for line in others if line.split(":", 1)[0] not in {display_name(folder, n) for n in FILES}]


@functools.lru_cache(maxsize=8)
def _load(folder_str: str, contents: tuple[bytes | None, ...], catalogues: tuple[str, ...]) -> Facts:
    folder = Path(folder_str)
    texts: dict[str, str | None] = {}
    errors: list[str] = []
    for name, raw in zip(FILES, contents):
        try:
            texts[name] = decode(folder, name, raw)
        except DataError as exc:
            errors.extend(exc.errors)
            texts[name] = None

    def check(name: str, extra=None, known=None) -> FileCheck:
        if texts[name] is None and any(line.startswith(display_name(folder, name) + ":") for line in errors):
            return FileCheck(display_name(folder, name), SCHEMAS[name])  # not UTF-8: reported already
        result = _check_file(folder, name, texts, extra, known)
        errors.extend(result.errors)
        return result

    # sources.yaml first: the other files cite its keys. Every file is checked, so that one run
    # reports every problem; a sources.yaml that cannot be read leaves the keys unchecked.
    src = check("sources.yaml")
    sources = {
        e.values["key"]: Source(e.values["key"], e.values["url"], e.values["title"])
        for e in src.entries
        if {"key", "url", "title"} <= set(e.values)
    }
    sources_ok = not any(line.startswith(display_name(folder, "sources.yaml") + ":") for line in errors)
    known = set(sources) if sources_ok else None  # keys of a broken sources.yaml prove nothing

    def with_statuses(rules: Callable[[FileCheck], None]) -> Callable[[FileCheck], None]:
        def run(c: FileCheck) -> None:
            rules(c)
            if known is not None:
                _check_statuses(c, sources)

        return run

    ev = check("events.yaml", with_statuses(_check_events), known)
    bo = check("bodies.yaml", with_statuses(_check_bodies), known)
    si = check("signatories.yaml", with_statuses(_check_signatories), known)
    st = check("seed_statements.yaml")
    # A quiz rests on events and bodies: their statuses and symbols (ids of a broken file prove nothing).
    statuses = {
        e.values["id"]: (e.values.get("status"), e.values.get("symbol"), e.values.get("symbol_status") or e.values.get("status"))
        for e in (*ev.entries, *bo.entries)
        if e.values.get("id")
    }
    if any(line.startswith((display_name(folder, "events.yaml") + ":", display_name(folder, "bodies.yaml") + ":")) for line in errors):
        statuses = None
    qu = check("quizzes.yaml", lambda c: _check_questions(c, statuses), known)
    events_ok = not any(line.startswith(display_name(folder, "events.yaml") + ":") for line in errors)
    event_ids = {e.values["id"] for e in ev.entries if e.values.get("id")} if events_ok else None
    pa = check("participation.yaml", with_statuses(lambda c: _check_participation(c, event_ids)), known)
    checks = [src, ev, bo, si, qu, pa]
    langs = data_languages(checks, catalogues)
    before = [len(c.errors) for c in checks]
    for c in checks:
        _check_languages(c, langs)
    if [len(c.errors) for c in checks] != before:
        # A missing translation is reported in its file, in line order, with the file's other errors.
        shown = {c.display for c in checks}
        errors = _in_file_order(folder, [line for line in errors if line.split(":", 1)[0] not in shown], checks)
    if errors:
        raise DataError(errors)

    events = tuple(
        Event(
            id=v["id"], track=v["track"], kind=v["kind"], start=v["date"], end=v["end"],
            label=v["label"], detail=v["detail"], symbol=v["symbol"],
            symbol_status=v["symbol_status"], status=v["status"], sources=v["sources"],
            moratorium=v["moratorium"],
        )
        for v in (e.values for e in ev.entries)
    )
    bodies = tuple(Body(**e.values) for e in bo.entries)
    signatories = tuple(Signatory(**e.values) for e in si.entries)
    statements = tuple(SeedStatement(**e.values) for e in st.entries)
    questions = []
    for v in (e.values for e in qu.entries):
        answer = next((i for i, (_, correct) in enumerate(v["choices"]) if correct), None)
        questions.append(
            Question(
                id=v["id"], section=v["section"], kind=v["kind"], prompt=v["prompt"],
                choices=tuple(t for t, _ in v["choices"]), answer=answer if v["kind"] == "single" else None,
                feedback=v["feedback"], sources=v["sources"], facts=v["facts"],
            )
        )
    return Facts(
        sources=sources, events=events, bodies=bodies, signatories=signatories,
        seed_statements=statements, questions=tuple(questions),
        participation=tuple(sorted((Participation(**e.values) for e in pa.entries), key=lambda p: p.date.first_day())),
    )


def load_facts(data_dir: Path | None = None) -> Facts:
    """Validate and load the data folder (default: the project's `assets/data/`); raise DataError.

    Every text is required in every language of the interface catalogues (`messages.languages()`).
    Cached on the folder, the files' contents and those languages: a notebook can call it in every cell, and an edit
    to a file is seen at the next call (mtimes can be too coarse to notice quick rewrites).
    """
    folder = (Path(data_dir) if data_dir is not None else paths.data_dir()).resolve()
    contents = tuple(
        (folder / name).read_bytes() if (folder / name).is_file() else None for name in FILES
    )
    facts = _load(str(folder), contents, tuple(messages.languages()))
    # The cached Facts is shared; hand each caller its own dicts so one cannot alter another's.
    return dataclasses.replace(facts, sources=dict(facts.sources))
