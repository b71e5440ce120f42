"""The rules every data file of `assets/data/` obeys, public: the YAML reader, the field checks,
the French typography rules and the checker of one file against its schema.

The loader (`data/__init__.py`) declares each file's schema with these field checks and adds the
rules that cross entries or files; tests and other modules call these functions, never copies.
Each field check takes a YAML value and returns it normalised, or raises ValueError with the
message that the error line shows after `field 'name': `.

Every problem is one line naming the file, the entry (by id and YAML line) and the field:

    assets/data/events.yaml: entry 'mc4' (line 31): field 'date': not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '2001-13-09'
"""

from __future__ import annotations

import functools
import math
import re
import reprlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

import pycountry
import yaml

from ..errors import DeckError
from .records import Localized, PartialDate, Source

# WTO members that are customs territories rather than countries. pycountry knows these codes
# today; the allow-list keeps the data valid should a pycountry release rename or drop one.
WTO_TERRITORIES = frozenset({"HKG", "MAC", "TWN"})

# A WTO document symbol: a series (WT, JOB, INF, G, S, IP, TN…), then at least two segments, a
# segment being capitals with an optional two-digit year in brackets (MIN(98)) or a number without
# a leading zero; optional Rev./Add./Corr./Suppl. tails. Accepts WT/MIN(98)/DEC/2, WT/L/274,
# JOB/GC/174, INF/ECOM/87, S/C/54, G/C/60, WT/GC/W/747, WT/MIN(05)/DEC, WT/L/274/Rev.1.
SYMBOL_SERIES = ("WT", "JOB", "INF", "IP", "TN", "PC", "RD", "G", "S")
_SEGMENT = r"(?:[A-Z]+(?:\(\d{2}\))?|[1-9]\d*)"
SYMBOL_RE = re.compile(
    rf"(?:{'|'.join(SYMBOL_SERIES)})(?:/{_SEGMENT}){{2,}}(?:/(?:Rev|Add|Corr|Suppl)\.[1-9]\d*)*"
)
ID_RE = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
ISO3_RE = re.compile(r"[A-Z]{3}")

EARLIEST_YEAR = 1995  # the WTO was established on 1 January 1995

# Links: https only, to the WTO's sites or to the hosts of the sources listed in sources.yaml.
WTO_HOST = "wto.org"  # and its subdomains: www.wto.org, docs.wto.org
_HOST_RE = re.compile(r"(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_SCRIPT_SCHEMES = ("javascript", "vbscript", "data", "file", "blob")



class DataError(DeckError):
    """Invalid data files; `.errors` (`.lines`) holds one line per problem."""

    @property
    def errors(self) -> list[str]:
        return self.lines


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
_ALIAS_PROBLEM = "aliases (*name) are not allowed in the data files: write the value out"


_YAML_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(_YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map"))


def _tag_problem(tag: str | None, quoted: bool) -> str | None:
    """Explicit tags (`!!binary`, `!!set`, `!!python/…`, a `<<` merge key) are refused: a data file
    holds strings, numbers, booleans, lists and mappings, nothing a tag could turn into another type."""
    if tag is None or tag == "!" or (tag in _PLAIN_TAGS and not (quoted and tag != _YAML_TAG + "str")):
        return None
    if tag == _YAML_TAG + "merge":
        return "merge keys (<<) are not allowed in the data files: write the fields out"
    shown = "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag
    return f"explicit tag {shown} is not allowed in the data files"


class _PyLoader(_Rules, yaml.SafeLoader):
    # Aliases and explicit tags are refused where they are met, with their line: a data file has
    # no use for them, and nested aliases ("billion laughs") make a value exponentially large.
    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, _ALIAS_PROBLEM, event.start_mark)
        node = super().compose_node(parent, index)
        quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')
        problem = _tag_problem(node.tag, quoted)
        if problem:
            raise yaml.composer.ComposerError(None, None, problem, node.start_mark)
        return node


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


def _refused_nodes(node: yaml.Node) -> bool:
    """Whether the tree holds what the Python loader refuses: a node met twice (an alias) or an
    explicit tag. Walked without recursion: a deeply nested file must not overflow the stack."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            return True
        seen.add(id(current))
        quoted = isinstance(current, yaml.ScalarNode) and current.style in ("'", '"')
        if _tag_problem(current.tag, quoted):
            return True
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
    return False


def _parse(loader_class: type, text: str) -> tuple[Any, yaml.Node | None]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is not None and _refused_nodes(node):
            # Only libyaml gets here (the Python loader refuses these as it meets them):
            # the caller reads the file again with the Python loader, which names the line.
            raise yaml.composer.ComposerError(None, None, _ALIAS_PROBLEM, None)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError:
        raise
    except Exception as exc:  # noqa: BLE001
        # Explicit tags can make PyYAML's constructors fail outside YAMLError (`!!int abc` is a
        # ValueError, `!!timestamp x` an AttributeError, deep nesting a RecursionError): all of
        # them mean the file cannot be read, so report them as malformed YAML, not as a crash.
        raise yaml.YAMLError(f"cannot read a value ({type(exc).__name__}: {clip(str(exc))})") from None
    finally:
        loader.dispose()
    return data, node


@functools.lru_cache(maxsize=16)
def _read_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """The document and its node tree (the nodes give the line numbers); never modified by the
    checks, so cached on the text: an edit to one file does not parse the others again.

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

_REPR = reprlib.Repr()
_REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict, _REPR.maxlevel = 80, 80, 6, 6, 3


def clip(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value: str) -> str:
    """A string as an error quotes it: its repr, cut short (an error line stays one short line)."""
    return repr(clip(value))


def got(value: Any) -> str:
    """How an error names a wrong value: `null` for an empty YAML value, else its type and repr."""
    if value is None:
        return "null"
    return f"{type(value).__name__}: {_shown(value) if isinstance(value, str) else _REPR.repr(value)}"


# Characters that a slide cannot show as they are, or that hide what a text says: bidirectional
# overrides (U+202E reverses what follows), zero-width characters, the byte-order mark.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff") | frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xFFF9, 0xFFFC))
)
# Text decoded with the wrong encoding: « Ã© » for « é », « â€™ » for « ’ ».
_MOJIBAKE_RE = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def _character_problem(value: str) -> str | None:
    # Fast path (the loader checks every text of every file): printable ASCII, or a few distinct
    # characters that are all fine. Only a text with a problem is scanned in order.
    if value.isascii() and value.isprintable():
        return None
    if all(_char_problem(char) is None for char in set(value)):
        return None
    for char in value:
        problem = _char_problem(char)
        if problem:
            return problem
    return None


@functools.lru_cache(maxsize=4096)
def _char_problem(char: str) -> str | None:
    """What is wrong with one character of a text, or None."""
    code = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category == "Cs":
        return f"invalid character {code} (a lone surrogate, not UTF-8 text)"
    if category == "Cc":
        what = "a line break or tab" if char in "\n\r\t" else "a control character"
        return f"{what} ({code}) is not allowed: write the text on one line"
    if char in _INVISIBLE:
        return f"invisible formatting character {code} is not allowed"
    if char == "\ufffd":
        return f"replacement character {code}: the text was damaged by a wrong encoding"
    if category in ("Co", "Cn"):
        return f"unassigned or private-use character {code} is not allowed"
    return None


def check_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {got(value)}")
    if not value.strip():
        raise ValueError("must not be empty")
    problem = _character_problem(value)
    if problem:
        raise ValueError(problem)
    # The deck renders these strings as text; markup in the data is a mistake or an injection.
    if "<" in value or ">" in value:
        raise ValueError(f"HTML is not allowed (contains '<' or '>'): {_shown(value)}")
    if value != value.strip():
        raise ValueError(f"leading or trailing space: {_shown(value)}")
    if unicodedata.normalize("NFC", value) != value:
        raise ValueError(f"not in composed Unicode form (NFC; an accent typed apart from its letter?): {_shown(value)}")
    match = _MOJIBAKE_RE.search(value)
    if match:
        raise ValueError(f"looks like UTF-8 read with the wrong encoding ({match.group(0)!r}): {_shown(value)}")
    return value


# French typography (the same rules as the notebooks' test): « » with non-breaking spaces inside,
# a non-breaking space (U+00A0, or the narrow U+202F) before : ; ! ? %, no straight double quotes.
_NB = "\u00a0\u202f"
TYPOGRAPHY_RULES = (
    (re.compile('"'), "straight double quote (use « » or “ ”)"),
    (re.compile(f"«(?![{_NB}])"), "« not followed by a non-breaking space (U+00A0)"),
    (re.compile(f"(?<![{_NB}])»"), "» not preceded by a non-breaking space (U+00A0)"),
    (re.compile(r"[ \t][:;!?%]"), "plain space before : ; ! ? % (use a non-breaking space, U+00A0)"),
    (re.compile(rf"[^\s{_NB}?!][:;!?](?=\s|$)"), "no space before : ; ! ? (add a non-breaking space, U+00A0)"),
    (re.compile(r"\.\.\."), "three dots (use …)"),
    (re.compile(r"  "), "two spaces in a row"),
)
# An English title quoted in French text keeps its English punctuation: « Moratorium …: need… ».
_ENGLISH_QUOTE = re.compile(f"«[{_NB}][A-Z][^»]*?[a-z]: [^»]*»")


def typography_problem(text: str) -> str | None:
    """The first French typography problem of a text, with where it is; None when there is none."""
    english = [m.span() for m in _ENGLISH_QUOTE.finditer(text)]
    for pattern, problem in TYPOGRAPHY_RULES:
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in english):
                continue
            around = text[max(0, match.start() - 20) : match.end() + 20]
            return f"French typography: {problem}: {around!r}"
    return None


def check_text_fr(value: Any) -> str:
    """French prose shown on a slide: `check_text`, plus French typography."""
    value = check_text(value)
    problem = typography_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# A text in several languages: a mapping of ISO 639-1 codes to texts, French (the original) first.
LANG_RE = re.compile(r"[a-z]{2}")
FRENCH = "fr"


class SubfieldError(ValueError):
    """A problem in one part of a field (`label` → `label.en`): the error line names that part."""

    def __init__(self, part: str, message: str):
        super().__init__(message)
        self.part = part


def per_language(value: Mapping[Any, Any], check: Callable[[str, Any], Any]) -> dict[str, Any]:
    """`{lang: check(lang, item)}` of a mapping keyed by language codes (`fr`, `en`, `es`); a problem
    with one item names its language (`SubfieldError`: `field 'label.en'`, `field 'url_by_lang.es'`)."""
    checked = {}
    for lang, item in value.items():
        if not isinstance(lang, str) or not LANG_RE.fullmatch(lang):
            raise ValueError(f"{clip(str(lang), 20)!r} is not a language code (ISO 639-1, two letters: fr, en, es)")
        try:
            checked[lang] = check(lang, item)
        except ValueError as exc:
            raise SubfieldError(lang, str(exc)) from None
    return checked


def check_localized(value: Any) -> Localized:
    """A text in each language, `{fr: "…", en: "…", es: "…"}`: `check_text` for every language,
    French typography for `fr` only. Which languages must be there is checked across the files
    (the loader: every language of the catalogues and of the data, in every record)."""
    if isinstance(value, str):
        raise ValueError(f"expected a text in each language ({{fr: …, en: …, es: …}}), got {got(value)}")
    if not isinstance(value, dict) or not value:
        raise ValueError(f"expected a mapping of languages to texts ({{fr: …, en: …, es: …}}), got {got(value)}")
    texts = per_language(value, lambda lang, text: check_text_fr(text) if lang == FRENCH else check_text(text))
    if FRENCH not in texts:  # the original: every other language translates it
        raise ValueError(f"no '{FRENCH}' text")
    return Localized(texts)


def check_match(pattern: re.Pattern, problem: str) -> Callable[[Any], str]:
    """A text that the whole of `pattern` matches; else `problem: 'value'`."""

    def check(value: Any) -> str:
        value = check_text(value)
        if not pattern.fullmatch(value):
            raise ValueError(f"{problem}: {_shown(value)}")
        return value

    return check


check_id = check_match(ID_RE, "not an id (letters, digits and single hyphens)")
check_symbol = check_match(SYMBOL_RE, "not a WTO document symbol")


def check_one_of(options: tuple[str, ...], what: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        value = check_text(value)
        if value not in options:
            raise ValueError(f"unknown {what} {_shown(value)}; expected one of {', '.join(options)}")
        return value

    return check


def check_date(value: Any) -> PartialDate:
    # An unquoted year is an int in YAML; accept it as the year it plainly means.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    value = check_text(value)
    malformed = ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {_shown(value)}")
    # PartialDate.parse would read non-ASCII digits (Arabic-Indic, superscripts) as numbers.
    if not value.isascii():
        raise malformed
    try:
        date = PartialDate.parse(value)
    except ValueError:
        # A month outside 1..12 is a malformed date; a day past the month's end is a real-looking
        # but impossible one (2017-02-30), worth its own message.
        parts = value.split("-")
        if [len(p) for p in parts] == [4, 2, 2] and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
            raise ValueError(f"impossible date: {_shown(value)} (no such day in that month)") from None
        raise malformed from None
    if date.year < EARLIEST_YEAR:
        raise ValueError(f"impossible date: {_shown(value)} (before {EARLIEST_YEAR}, when the WTO was established)")
    return date


def is_wto_host(host: str) -> bool:
    return host == WTO_HOST or host.endswith("." + WTO_HOST)


def check_url(value: Any) -> str:
    value = check_text(value)
    scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
    if scheme in _SCRIPT_SCHEMES:
        raise ValueError(f"{scheme}: URLs are not allowed (a source is an https:// page): {_shown(value)}")
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError(f"not an https:// URL: {_shown(value)}")
    if not value.isascii() or any(c in value for c in "\"'`\\^{}|"):
        raise ValueError(f"quotes, backslashes or non-ASCII characters in a URL (percent-encode them): {_shown(value)}")
    if not _HOST_RE.fullmatch(parts.netloc):
        raise ValueError(f"the host must be a plain lower-case name, without user, password or port: {_shown(value)}")
    return value


def safe_href(url: str, sources: Mapping[str, Source] | None = None) -> str | None:
    """`url` when a page of the deck may link to it, else None (show the text, no link).

    A link is an https:// URL (checked as `sources.yaml` checks its URLs) to a WTO site
    (wto.org, www.wto.org, docs.wto.org) or to the host of one of the listed sources.
    """
    try:
        url = check_url(url)
    except ValueError:
        return None
    host = urlsplit(url).hostname or ""
    if is_wto_host(host):
        return url  # most links: no need to go through the sources' hosts
    return url if any(urlsplit(u).hostname == host for s in (sources or {}).values() for u in s.all_urls()) else None


def check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {got(value)}")
    return value


def check_order(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {got(value)}")
    if value < 1:
        raise ValueError(f"must be 1 or more: {value!r}")
    return value


def check_iso3(value: Any) -> str:
    value = check_text(value)
    if not ISO3_RE.fullmatch(value) or (
        value not in WTO_TERRITORIES and pycountry.countries.get(alpha_3=value) is None
    ):
        raise ValueError(f"not an ISO 3166-1 alpha-3 code: {_shown(value)}")
    return value


def check_keys(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a non-empty list of source keys, got {got(value)}")
    keys = tuple(check_id(v) for v in value)
    for number, key in enumerate(keys):
        if key in keys[:number]:
            raise ValueError(f"source key {key!r} given twice")
    return keys


@dataclass(frozen=True)
class Field:
    name: str
    check: Callable[[Any], Any]
    required: bool = True  # the key must be present
    nullable: bool = False  # null is a valid value (then None)


# A file's schema: its top-level key, the field that names an entry (None: entries are named by
# their number), and its fields.
Schema = tuple[str, "str | None", "tuple[Field, ...]"]


# --- One file ---------------------------------------------------------------------------------


@dataclass
class Entry:
    label: str  # "entry 'mc4' (line 31)"
    line: int
    values: dict[str, Any]  # checked fields only


class FileCheck:
    """Checks one file against its schema, collecting every error line."""

    def __init__(self, display: str, schema: Schema):
        self.display = display
        self.top, self.id_field, self.fields = schema
        self._found: list[tuple[float, str]] = []  # (line for sorting, error line)
        self.entries: list[Entry] = []

    @property
    def errors(self) -> list[str]:
        """Error lines in file order (the checks run field by field, then across entries)."""
        return [text for _, text in sorted(self._found, key=lambda found: found[0])]

    def file_error(self, message: str) -> None:
        self._found.append((math.inf, f"{self.display}: {message}"))

    def entry_error(self, entry: Entry, message: str) -> None:
        self._found.append((entry.line, f"{self.display}: {entry.label}: {message}"))

    def field_error(self, entry: Entry, field: str, message: str) -> None:
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
                self.file_error(f"unknown top-level key {clip(str(key), 40)!r}")
        items = data[self.top]
        if not isinstance(items, list):
            self.file_error(f"top-level key '{self.top}' must hold a list of entries, got {got(items)}")
            return False
        lines = _item_lines(node, self.top, len(items))
        for index, (item, line) in enumerate(zip(items, lines), start=1):
            self._entry(index, item, line)
        self._unique_ids()
        return True

    def _entry(self, index: int, item: Any, line: int | None) -> None:
        raw_id = item.get(self.id_field) if isinstance(item, dict) and self.id_field else None
        name = f"'{raw_id}'" if isinstance(raw_id, str) and ID_RE.fullmatch(raw_id) else f"#{index}"
        entry = Entry(f"entry {name} (line {line if line is not None else '?'})", line or 0, {})
        if not isinstance(item, dict):
            self.entry_error(entry, f"expected a mapping of fields, got {got(item)}")
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
            except SubfieldError as exc:
                self.field_error(entry, f"{f.name}.{exc.part}", str(exc))
            except ValueError as exc:
                self.field_error(entry, f.name, str(exc))
        for key in item:
            if key not in known:
                self.field_error(entry, clip(str(key), 40), "unknown field")
        self.entries.append(entry)

    def _unique_ids(self) -> None:
        if self.id_field is None:
            return
        first: dict[str, int] = {}
        for entry in self.entries:
            entry_id = entry.values.get(self.id_field)
            if entry_id is None:
                continue
            if entry_id in first:
                self.field_error(entry, self.id_field, f"duplicate id {entry_id!r} (first at line {first[entry_id]})")
            else:
                first[entry_id] = entry.line

    def unique(self, field: str, what: str) -> None:
        """Refuse two entries with the same value of `field` (names, orders)."""
        first: dict[Any, Entry] = {}
        for entry in self.entries:
            value = entry.values.get(field)
            if value is None:
                continue
            if value in first:
                self.field_error(entry, field, f"same {what} as {first[value].label}: {value!r}")
            else:
                first[value] = entry

    def check_sources(self, known: set[str]) -> None:
        for entry in self.entries:
            for key in entry.values.get("sources") or ():
                if key not in known:
                    self.field_error(entry, "sources", f"unknown source key {key!r} (not in sources.yaml)")


# --- Files ---------------------------------------------------------------------------------------

def display_name(folder: Path, name: str) -> str:
    # Named from the repo root (the data folder is <root>/assets/data): `assets/data/events.yaml`.
    return (folder / name).relative_to(folder.parent.parent).as_posix()


def decode(folder: Path, name: str, raw: bytes | None) -> str | None:
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(
            [f"{display_name(folder, name)}: line {line}: not UTF-8 text ({exc.reason} at byte {exc.start}): save the file as UTF-8"]
        ) from None
