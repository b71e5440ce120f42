"""The rules that tie the entries of the data together, within a file and across files: a status
backed by its kind of source, a source's pages in other languages that are versions of its url, conferences as day ranges that end after they start, one root body and
no parent cycle, one code and one order per signatory, unique names, quizzes that rest on facts
that are not unverified, counts that name a known event, and every text in every language of the
decks. Each rule adds its one-line errors to the file's `FileCheck`; `loader.py` runs them.
"""

from __future__ import annotations

from typing import Mapping
from urllib.parse import urlsplit

from .records import STATUSES, Source
from .validation import SYMBOL_RE, WTO_HOST, Entry, FileCheck, Localized, is_wto_host
from .schemas import LOCALIZED

CONFERENCE_MAX_DAYS = 31  # a Ministerial Conference lasts days: more is a typo in a year or month
SEED_SOURCE = "seed"  # the source key of the 2018 presentation itself
UNVERIFIED = STATUSES[-1]

# Quizzes: questions per section that has any, choices of a single-choice question, steps of an
# order question.
QUESTIONS_PER_SECTION = (2, 4)
SINGLE_CHOICES = (2, 6)
ORDER_ITEMS = (3, 6)


def check_statuses(check: FileCheck, sources: Mapping[str, Source]) -> None:
    """A status must be backed by its kind of source: `verified` by a WTO page, `seed` by the seed."""
    for entry in check.entries:
        status, keys = entry.values.get("status"), entry.values.get("sources")
        if not status or not keys or any(key not in sources for key in keys):
            continue  # an unknown key was reported already
        if status == "verified" and not any(is_wto_host(urlsplit(sources[k].url or "").hostname or "") for k in keys):
            check.field_error(entry, "sources", f"status 'verified' needs a WTO page ({WTO_HOST}) among its sources")
        if status == "seed" and SEED_SOURCE in sources and SEED_SOURCE not in keys:
            check.field_error(entry, "sources", f"status 'seed' needs the source key '{SEED_SOURCE}' (the 2018 presentation)")


def check_sources(check: FileCheck, langs: list[str]) -> None:
    """A source's pages in other languages (`url_by_lang`) are versions of its `url`: they need one,
    each is in a language of the decks, and none repeats `url`."""
    for entry in check.entries:
        by_lang = entry.values.get("url_by_lang")
        if not by_lang:
            continue
        if "url" in entry.values and entry.values["url"] is None:
            check.field_error(entry, "url_by_lang", "given without a url (a source with no public copy has no page in another language)")
        for lang, url in by_lang.items():
            if lang not in langs:
                check.field_error(entry, f"url_by_lang.{lang}", f"'{lang}' is not a language of the decks ({', '.join(langs)})")
            elif url == entry.values.get("url"):
                check.field_error(entry, f"url_by_lang.{lang}", f"the same page as url: {url!r} (give a page once, as url)")


def check_events(check: FileCheck) -> None:
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


def check_languages(check: FileCheck, langs: list[str]) -> None:
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


def check_bodies(check: FileCheck) -> None:
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


def check_signatories(check: FileCheck) -> None:
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


def check_questions(check: FileCheck, statuses: Mapping[str, tuple[str, str | None, str | None]] | None) -> None:
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


def check_participation(check: FileCheck, event_ids: set[str] | None) -> None:
    """Counts name an event of events.yaml when they belong to one (`event_ids` None: events.yaml unreadable)."""
    check.unique("date", "date")
    if event_ids is None:
        return
    for entry in check.entries:
        event = entry.values.get("event")
        if event is not None and event not in event_ids:
            check.field_error(entry, "event", f"unknown event {event!r} (not in events.yaml)")
