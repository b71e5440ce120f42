"""Load and validate the facts of `assets/data/*.yaml` into the records of `records.py`.

Every problem of a file is reported at once, one line each, naming the file, the entry (by id and
YAML line) and the field, so that a maintainer can fix a data file without reading this code:

    assets/data/events.yaml: entry 'mc4' (line 31): field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2001-13-09'

The loader never prints: it raises `DataError`, and the CLI prints its lines.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

import pycountry
import yaml

from . import paths
from .records import KINDS, STATUSES, TRACKS, Body, Event, Facts, PartialDate, Signatory, Source

FILES = ("sources.yaml", "events.yaml", "bodies.yaml", "signatories.yaml")

# WTO members that are customs territories rather than countries. pycountry knows these codes
# today; the allow-list keeps the data valid should a pycountry release rename or drop one.
WTO_TERRITORIES = frozenset({"HKG", "MAC", "TWN"})

# A WTO document symbol: upper-case segments separated by slashes, a segment being letters with an
# optional two-digit year in brackets (MIN(98)) or a number; optional Rev./Add./Corr. tails.
# Accepts WT/MIN(98)/DEC/2, WT/L/274, JOB/GC/174, INF/ECOM/87, S/C/54, WT/MIN(05)/DEC.
SYMBOL_RE = re.compile(r"[A-Z]+(?:/(?:[A-Z]+(?:\(\d{2}\))?|\d+))+(?:/(?:Rev|Add|Corr|Suppl)\.\d+)*")
ID_RE = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
ISO3_RE = re.compile(r"[A-Z]{3}")


class DataError(Exception):
    """Invalid data files; `.errors` holds one line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# --- YAML reading -----------------------------------------------------------------------------


class _Rules:
    """Loader rules: dates stay strings, only true/false are booleans, duplicate keys are refused.

    Dates stay strings so that PartialDate validates them with one message; `yes`/`no`/`on`/`off`
    stay strings so that a typo is not silently a boolean; a duplicate key would silently drop data.
    """

    def construct_mapping(self, node, deep=False):
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_TIMESTAMP, _BOOL = "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"


class _PyLoader(_Rules, yaml.SafeLoader):
    pass


# libyaml parses about ten times faster; without it, the pure-Python loader does everything.
class _FastLoader(_Rules, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


for _cls in (_PyLoader, _FastLoader):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_TIMESTAMP, _BOOL)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_implicit_resolver(
        _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )


def _parse(loader_class: type, text: str) -> tuple[Any, yaml.Node | None]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError:
        raise
    except Exception as exc:  # noqa: BLE001
        # Explicit tags can make PyYAML's constructors fail outside YAMLError (`!!int abc` is a
        # ValueError, `!!timestamp x` an AttributeError, deep nesting a RecursionError): all of
        # them mean the file cannot be read, so report them as malformed YAML, not as a crash.
        raise yaml.YAMLError(f"cannot read a value ({type(exc).__name__}: {exc})") from None
    finally:
        loader.dispose()
    return data, node


def _read_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """The document and its node tree (the nodes give the line numbers).

    A file that libyaml refuses is read again by the pure-Python parser, so that the error
    message is the same whether or not libyaml is installed.
    """
    try:
        return _parse(_FastLoader, text)
    except yaml.YAMLError:
        return _parse(_PyLoader, text)


def _item_lines(node: yaml.Node | None, top: str, count: int) -> list[int | None]:
    """YAML line of each entry of the top-level list (None where the node tree does not say)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == top and isinstance(value_node, yaml.SequenceNode):
                if len(value_node.value) == count:
                    return [item.start_mark.line + 1 for item in value_node.value]
    return [None] * count


def _yaml_problem(name: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if context:
        problem = f"{context}: {problem}"
    problem = " ".join(problem.split())
    where = f"line {mark.line + 1}: " if mark is not None else ""
    return f"{name}: {where}malformed YAML: {problem}"


# --- Field checks: each returns the normalised value or raises ValueError(message) ------------


def _got(value: Any) -> str:
    """How an error names a wrong value: `null` for an empty YAML value, else its type and repr."""
    return "null" if value is None else f"{type(value).__name__}: {value!r}"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_got(value)}")
    if not value.strip():
        raise ValueError("must not be empty")
    # The deck renders these strings as text; markup in the data is a mistake or an injection.
    if "<" in value or ">" in value:
        raise ValueError(f"HTML is not allowed (contains '<' or '>'): {value!r}")
    return value


def _ident(value: Any) -> str:
    value = _text(value)
    if not ID_RE.fullmatch(value):
        raise ValueError(f"not an id (letters, digits and single hyphens): {value!r}")
    return value


def _one_of(options: tuple[str, ...], what: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        value = _text(value)
        if value not in options:
            raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(options)}")
        return value

    return check


def _date(value: Any) -> PartialDate:
    # An unquoted year is an int in YAML; accept it as the year it plainly means.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    value = _text(value)
    malformed = ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    # PartialDate.parse would read non-ASCII digits (Arabic-Indic, superscripts) as numbers.
    if not value.isascii():
        raise malformed
    try:
        return PartialDate.parse(value)
    except ValueError:
        # A month outside 1..12 is a malformed date; a day past the month's end is a real-looking
        # but impossible one (2017-02-30), worth its own message.
        parts = value.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
            raise ValueError(f"impossible date: {value!r} (no such day in that month)") from None
        raise malformed from None


def _symbol(value: Any) -> str:
    value = _text(value)
    if not SYMBOL_RE.fullmatch(value):
        raise ValueError(f"not a WTO document symbol: {value!r}")
    return value


def _url(value: Any) -> str:
    value = _text(value)
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.netloc or any(c.isspace() for c in value):
        raise ValueError(f"not an https:// URL: {value!r}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_got(value)}")
    return value


def _order(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {_got(value)}")
    if value < 1:
        raise ValueError(f"must be 1 or more: {value!r}")
    return value


def _iso3(value: Any) -> str:
    value = _text(value)
    if not ISO3_RE.fullmatch(value) or (
        value not in WTO_TERRITORIES and pycountry.countries.get(alpha_3=value) is None
    ):
        raise ValueError(f"not an ISO 3166-1 alpha-3 code: {value!r}")
    return value


def _keys(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of source keys, got {_got(value)}")
    return tuple(_ident(v) for v in value)


@dataclass(frozen=True)
class _Field:
    name: str
    check: Callable[[Any], Any]
    required: bool = True  # the key must be present
    nullable: bool = False  # null is a valid value (then None)


# Schema of each file: top-level key, the field that names an entry, the fields.
_SCHEMAS: dict[str, tuple[str, str, tuple[_Field, ...]]] = {
    "sources.yaml": ("sources", "key", (_Field("key", _ident), _Field("url", _url), _Field("title", _text))),
    "events.yaml": (
        "events",
        "id",
        (
            _Field("id", _ident),
            _Field("track", _one_of(TRACKS, "track")),
            _Field("kind", _one_of(KINDS, "kind")),
            _Field("date", _date),
            _Field("end", _date, required=False, nullable=True),
            _Field("label_fr", _text),
            _Field("detail_fr", _text),
            _Field("symbol", _symbol, required=False, nullable=True),
            _Field("symbol_status", _one_of(STATUSES, "status"), required=False, nullable=True),
            _Field("status", _one_of(STATUSES, "status")),
            _Field("sources", _keys),
        ),
    ),
    "bodies.yaml": (
        "bodies",
        "id",
        (
            _Field("id", _ident),
            _Field("name_fr", _text),
            _Field("parent", _ident, nullable=True),
            _Field("work_programme", _bool),
            _Field("status", _one_of(STATUSES, "status")),
            _Field("sources", _keys),
        ),
    ),
    "signatories.yaml": (
        "signatories",
        "id",
        (
            _Field("id", _ident),
            _Field("name_fr", _text),
            _Field("iso3", _iso3, nullable=True),
            _Field("order", _order),
            _Field("eu_member", _bool),
            _Field("status", _one_of(STATUSES, "status")),
            _Field("sources", _keys),
        ),
    ),
}


# --- One file ---------------------------------------------------------------------------------


@dataclass
class _Entry:
    label: str  # "entry 'mc4' (line 31)"
    line: int
    values: dict[str, Any]  # checked fields only


class _FileCheck:
    """Checks one file against its schema, collecting every error line."""

    def __init__(self, name: str, display: str):
        self.display = display
        self.top, self.id_field, self.fields = _SCHEMAS[name]
        self._found: list[tuple[float, str]] = []  # (line for sorting, error line)
        self.entries: list[_Entry] = []

    @property
    def errors(self) -> list[str]:
        """Error lines in file order (the checks run field by field, then across entries)."""
        return [text for _, text in sorted(self._found, key=lambda found: found[0])]

    def file_error(self, message: str) -> None:
        self._found.append((math.inf, f"{self.display}: {message}"))

    def entry_error(self, entry: _Entry, message: str) -> None:
        self._found.append((entry.line, f"{self.display}: {entry.label}: {message}"))

    def field_error(self, entry: _Entry, field: str, message: str) -> None:
        self.entry_error(entry, f"field '{field}': {message}")

    def run(self, text: str) -> bool:
        """Check the entries; False when a file-level problem stopped the reading."""
        try:
            data, node = _read_yaml(text)
        except yaml.YAMLError as exc:
            self._found.append((0, _yaml_problem(self.display, exc)))
            return False
        if not isinstance(data, dict) or self.top not in data:
            self.file_error(f"top-level key '{self.top}' missing")
            return False
        for key in data:
            if key != self.top:
                self.file_error(f"unknown top-level key '{key}'")
        items = data[self.top]
        if not isinstance(items, list):
            self.file_error(f"top-level key '{self.top}' must hold a list of entries")
            return False
        lines = _item_lines(node, self.top, len(items))
        for index, (item, line) in enumerate(zip(items, lines), start=1):
            self._entry(index, item, line)
        self._unique_ids()
        return True

    def _entry(self, index: int, item: Any, line: int | None) -> None:
        raw_id = item.get(self.id_field) if isinstance(item, dict) else None
        name = f"'{raw_id}'" if isinstance(raw_id, str) and ID_RE.fullmatch(raw_id) else f"#{index}"
        entry = _Entry(f"entry {name} (line {line if line is not None else '?'})", line or 0, {})
        if not isinstance(item, dict):
            self.entry_error(entry, f"expected a mapping of fields, got {_got(item)}")
            return
        known = {f.name for f in self.fields}
        for f in self.fields:
            if f.name not in item:
                if f.required:
                    self.field_error(entry, f.name, "required field missing")
                else:
                    entry.values[f.name] = None
                continue
            value = item[f.name]
            if value is None and f.nullable:
                entry.values[f.name] = None
                continue
            try:
                entry.values[f.name] = f.check(value)
            except ValueError as exc:
                self.field_error(entry, f.name, str(exc))
        for key in item:
            if key not in known:
                self.field_error(entry, str(key), "unknown field")
        self.entries.append(entry)

    def _unique_ids(self) -> None:
        first: dict[str, int] = {}
        for entry in self.entries:
            entry_id = entry.values.get(self.id_field)
            if entry_id is None:
                continue
            if entry_id in first:
                self.field_error(entry, self.id_field, f"duplicate id {entry_id!r} (first at line {first[entry_id]})")
            else:
                first[entry_id] = entry.line

    def check_sources(self, known: set[str]) -> None:
        for entry in self.entries:
            for key in entry.values.get("sources") or ():
                if key not in known:
                    self.field_error(entry, "sources", f"unknown source key {key!r} (not in sources.yaml)")


def _check_events(check: _FileCheck) -> None:
    for entry in check.entries:
        if entry.values.get("symbol_status") is not None and "symbol" in entry.values and entry.values["symbol"] is None:
            check.field_error(entry, "symbol_status", "given without a symbol")
        start, end = entry.values.get("date"), entry.values.get("end")
        if start is None or end is None:
            continue
        # Compare at the coarser precision of the two, so that "2018-03-15" → "2018-03" is fine.
        a = (start.year, start.month, start.day)
        b = (end.year, end.month, end.day)
        n = min(sum(x is not None for x in a), sum(x is not None for x in b))
        if b[:n] < a[:n]:
            check.field_error(entry, "end", f"ends before it starts: '{end.iso()}' < '{start.iso()}'")


def _check_bodies(check: _FileCheck) -> None:
    parents = {e.values["id"]: e.values.get("parent") for e in check.entries if e.values.get("id")}
    # A root is an entry whose parent is a valid null (not a missing or invalid parent field).
    roots = [e.values.get("id") or "?" for e in check.entries if "parent" in e.values and e.values["parent"] is None]
    for entry in check.entries:
        parent = entry.values.get("parent")
        if parent is not None and parent not in parents:
            check.field_error(entry, "parent", f"unknown body {parent!r}")
            continue
        # Walk up: a chain that comes back to itself would never reach the Ministerial Conference.
        seen, current = {entry.values.get("id")}, parent
        while current is not None and current in parents:
            if current in seen:
                check.field_error(entry, "parent", f"cycle through {current!r}")
                break
            seen.add(current)
            current = parents[current]
    if len(roots) != 1:
        found = ", ".join(repr(r) for r in roots) or "none"
        check.file_error(f"expected exactly one root body (parent: null), found {found}")


def _check_signatories(check: _FileCheck) -> None:
    for entry in check.entries:
        iso3, entry_id = entry.values.get("iso3"), entry.values.get("id")
        # Members are named by their code, so that figures can join on either.
        if iso3 is not None and entry_id is not None and entry_id != iso3:
            check.field_error(entry, "id", f"must equal iso3 {iso3!r}, got {entry_id!r}")


# --- The whole folder -------------------------------------------------------------------------


def _display_name(folder: Path, name: str) -> str:
    # Named from the repo root (the data folder is <root>/assets/data): `assets/data/events.yaml`.
    return (folder / name).relative_to(folder.parent.parent).as_posix()


def _checked(
    folder: Path,
    name: str,
    texts: dict[str, str | None],
    extra: Callable[[_FileCheck], None] | None = None,
    known: set[str] | None = None,
) -> _FileCheck:
    """Check one file (schema, source keys, its own cross-entry rules); raise all its errors."""
    check = _FileCheck(name, _display_name(folder, name))
    text = texts[name]
    if text is None:
        check.file_error("file missing")
    elif check.run(text):
        if known is not None:
            check.check_sources(known)
        if extra is not None:
            extra(check)
    if check.errors:
        raise DataError(check.errors)
    return check


@functools.lru_cache(maxsize=8)
def _load(folder_str: str, contents: tuple[bytes | None, ...]) -> Facts:
    folder = Path(folder_str)
    texts: dict[str, str | None] = {}
    for name, raw in zip(FILES, contents):
        if raw is None:
            texts[name] = None
            continue
        try:
            texts[name] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError([f"{_display_name(folder, name)}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None

    # sources.yaml first: the other files cite its keys.
    src = _checked(folder, "sources.yaml", texts)
    sources = {e.values["key"]: Source(e.values["key"], e.values["url"], e.values["title"]) for e in src.entries}
    known = set(sources)
    ev = _checked(folder, "events.yaml", texts, _check_events, known)
    bo = _checked(folder, "bodies.yaml", texts, _check_bodies, known)
    si = _checked(folder, "signatories.yaml", texts, _check_signatories, known)

    events = tuple(
        Event(
            id=v["id"], track=v["track"], kind=v["kind"], start=v["date"], end=v["end"],
            label_fr=v["label_fr"], detail_fr=v["detail_fr"], symbol=v["symbol"],
            symbol_status=v["symbol_status"], status=v["status"], sources=v["sources"],
        )
        for v in (e.values for e in ev.entries)
    )
    bodies = tuple(Body(**e.values) for e in bo.entries)
    signatories = tuple(Signatory(**e.values) for e in si.entries)
    return Facts(sources=sources, events=events, bodies=bodies, signatories=signatories)


def load_facts(data_dir: Path | None = None) -> Facts:
    """Validate and load the data folder (default: the project's `assets/data/`); raise DataError.

    Cached on the folder and the files' contents: a notebook can call it in every cell, and an edit
    to a file is seen at the next call (mtimes can be too coarse to notice quick rewrites).
    """
    folder = (Path(data_dir) if data_dir is not None else paths.data_dir()).resolve()
    contents = tuple(
        (folder / name).read_bytes() if (folder / name).is_file() else None for name in FILES
    )
    facts = _load(str(folder), contents)
    # The cached Facts is shared; hand each caller its own dicts so one cannot alter another's.
    return dataclasses.replace(facts, sources=dict(facts.sources), extras=dict(facts.extras))
