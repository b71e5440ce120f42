"""`load_facts()`: every file of `assets/data/` read, checked against its schema (`schemas.py`) and
the rules across entries (`consistency.py`), every problem of every file reported at once, and the
records of `records.py` returned; cached on the files' contents.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Callable

from .. import messages, paths
from .records import Argument, Body, Comparison, Event, Facts, Participation, Provision, Question, SeedStatement, Signatory, Source, Term
from .validation import DataError, FileCheck, decode, display_name
from .consistency import (
    check_bodies,
    check_events,
    check_languages,
    check_participation,
    check_questions,
    check_signatories,
    check_sources,
    check_statuses,
    data_languages,
)
from .schemas import FILES, SCHEMAS


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


# The files of what the deck teaches beyond the timelines, and the record of each of their rows.
TAUGHT = {"glossary.yaml": Term, "comparison.yaml": Comparison, "agreement.yaml": Provision, "arguments.yaml": Argument}


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
        e.values["key"]: Source(e.values["key"], e.values["url"], e.values["title"], tuple((e.values.get("url_by_lang") or {}).items()))
        for e in src.entries
        if {"key", "url", "title"} <= set(e.values)
    }
    sources_ok = not any(line.startswith(display_name(folder, "sources.yaml") + ":") for line in errors)
    known = set(sources) if sources_ok else None  # keys of a broken sources.yaml prove nothing

    def with_statuses(rules: Callable[[FileCheck], None]) -> Callable[[FileCheck], None]:
        def run(c: FileCheck) -> None:
            rules(c)
            if known is not None:
                check_statuses(c, sources)

        return run

    ev = check("events.yaml", with_statuses(check_events), known)
    bo = check("bodies.yaml", with_statuses(check_bodies), known)
    si = check("signatories.yaml", with_statuses(check_signatories), known)
    st = check("seed_statements.yaml")
    # A quiz rests on events and bodies: their statuses and symbols (ids of a broken file prove nothing).
    statuses = {
        e.values["id"]: (e.values.get("status"), e.values.get("symbol"), e.values.get("symbol_status") or e.values.get("status"))
        for e in (*ev.entries, *bo.entries)
        if e.values.get("id")
    }
    if any(line.startswith((display_name(folder, "events.yaml") + ":", display_name(folder, "bodies.yaml") + ":")) for line in errors):
        statuses = None
    qu = check("quizzes.yaml", lambda c: check_questions(c, statuses), known)
    events_ok = not any(line.startswith(display_name(folder, "events.yaml") + ":") for line in errors)
    event_ids = {e.values["id"] for e in ev.entries if e.values.get("id")} if events_ok else None
    pa = check("participation.yaml", with_statuses(lambda c: check_participation(c, event_ids)), known)
    # What the deck teaches beyond the timelines: rows of a table, each with its status and sources
    # (no rule across rows beyond the schema's: unique ids, known sources, statuses backed).
    taught = {name: check(name, with_statuses(lambda c: None), known) for name in TAUGHT}
    checks = [src, ev, bo, si, qu, pa, *taught.values()]
    langs = data_languages(checks, catalogues)
    before = [len(c.errors) for c in checks]
    for c in checks:
        check_languages(c, langs)
    check_sources(src, langs)
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
            moratorium=v["moratorium"], process=v["process"],
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
    rows = {name: tuple(TAUGHT[name](**e.values) for e in taught[name].entries) for name in TAUGHT}
    return Facts(
        glossary=rows["glossary.yaml"], comparison=rows["comparison.yaml"], agreement=rows["agreement.yaml"],
        arguments=rows["arguments.yaml"],
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
