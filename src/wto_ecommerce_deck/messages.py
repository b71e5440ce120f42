"""The interface's words, looked up by key in one catalogue per language: `assets/i18n/<lang>.json`.

    from wto_ecommerce_deck.messages import t
    t("quiz.check")                                # « Vérifier »
    t("quiz.number", number=2, total=3)            # « Question 2 sur 3 »
    t("explorer.count", count=4, total=9)          # « 4 événements sur 9 » (plural chosen by `count`)

Every string a trainer or a student reads in the decks, the pages (`build/index.html`,
`build/sources.html`), the quizzes, the explorers, the figures' legends and hovers and the command
line comes from here; the code and the templates hold keys. A second language is a second file
beside `fr.json` with the same keys, no code change.

Why JSON, and not YAML like `assets/data/` or gettext `.po`:

* `check-env` must answer before anything is installed, with the standard library alone (a student
  runs it as a plain script), and its lines are in the catalogue: `json` is in the standard
  library, PyYAML is not. A browser (deck.js, JupyterLite) can read the same file as it is.
* Nested JSON keyed by message is a native format of translation platforms (Weblate, Crowdin,
  i18next tools), key for key; its nesting groups the keys by the part of the interface (`quiz`,
  `explorer`, `sources_page`).
* gettext keys on the French text itself: every rewording of the original would orphan the other
  languages' entries, and it needs a compile step (`msgfmt`); its plural machinery is more than
  three languages need. JSON has no comments: keys starting with `_` are notes for translators,
  skipped by the lookup.

The format:

* `"meta": {"language": "fr", "plural_one": [0, 1]}`: the counts that take the singular (`one`)
  form (French: 0 and 1; English or Spanish would say `[1]`).
* Nested objects of keys; a key's path is its dotted name (`quiz.check`).
* A leaf is a string with `str.format` placeholders (`{count}`), or a plural: an object
  `{"one": …, "other": …}` chosen by the `count` parameter.
* A key ending in `_html` holds markup (`<kbd>S</kbd>`): `t` returns it as `markupsafe.Markup`, its
  parameters escaped; every other text is plain and escaped wherever it lands in HTML (Jinja
  autoescape, or `html.escape` in the few fragments a widget builds).
* `group("status")` returns every plain key under `status.` as a dict (for lookups by a data value:
  a status, an event kind, a timeline track); the test counts the whole group as used.
  `group("room.join", raw=True)` leaves their `{placeholders}` for a browser script to fill.

A missing key, a missing placeholder, a plural without `count`: `MessageError`, one line naming the
catalogue file and the key. `tests/test_messages.py` checks that every key the code and the templates
use exists, and that every key of the catalogue is used.

Standard library only at import (check-env imports this module before anything is installed).
"""

from __future__ import annotations

import functools
import json
import os
import string
from pathlib import Path
from typing import Any, Mapping

from . import paths
from .errors import BuildError

DEFAULT_LANG = "fr"
PLURAL_FORMS = ("one", "other")
HTML_SUFFIX = "_html"


class MessageError(BuildError, KeyError):
    """A key or a placeholder the catalogue does not have; str() is one line naming the file and the key."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class Catalogue:
    """One language's messages, flattened to dotted keys."""

    def __init__(self, path: Path, lang: str):
        self.path = path
        self.lang = lang
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except OSError:
            raise MessageError(f"{self.name}: missing (the interface strings of language '{lang}')") from None
        except ValueError as exc:  # not UTF-8, or not JSON (JSONDecodeError gives line and column)
            raise MessageError(f"{self.name}: not valid JSON: {exc}") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("meta"), dict):
            raise MessageError(f"{self.name}: expected an object with a 'meta' entry (language, plural_one)")
        meta = raw.pop("meta")
        if meta.get("language") != lang:
            raise MessageError(f"{self.name}: meta.language is {meta.get('language')!r}, expected {lang!r}")
        one = meta.get("plural_one")
        if not isinstance(one, list) or not all(isinstance(n, int) for n in one):
            raise MessageError(f"{self.name}: meta.plural_one: expected a list of counts, e.g. [0, 1]")
        self.plural_one = frozenset(one)
        self.messages: dict[str, str | dict[str, str]] = {}
        self._groups: dict[tuple[str, bool], dict[str, str]] = {}
        self._flatten(raw, "")

    @property
    def name(self) -> str:
        return _relative(self.path)

    def _flatten(self, node: Mapping, prefix: str) -> None:
        for key, value in node.items():
            if key.startswith("_"):  # a note for translators
                continue
            dotted = f"{prefix}{key}"
            if isinstance(value, str):
                self.messages[dotted] = value
            elif isinstance(value, dict) and set(value) == set(PLURAL_FORMS) and all(isinstance(v, str) for v in value.values()):
                self.messages[dotted] = dict(value)
            elif isinstance(value, dict) and value:
                self._flatten(value, dotted + ".")
            else:
                raise MessageError(
                    f'{self.name}: key \'{dotted}\': expected a string, a {{"one", "other"}} plural or an object of keys'
                )

    def text(self, key: str, params: Mapping[str, Any]) -> str:
        try:
            message = self.messages[key]
        except KeyError:
            raise MessageError(f"{self.name}: no key '{key}'") from None
        if isinstance(message, dict):
            count = params.get("count")
            if not isinstance(count, int):
                raise MessageError(f"{self.name}: key '{key}' is a plural: give it an integer 'count'")
            message = message["one" if count in self.plural_one else "other"]
        if key.endswith(HTML_SUFFIX):
            from markupsafe import Markup  # not at import: check-env runs on the standard library

            message = Markup(message)
            params = {k: v if isinstance(v, Markup) else Markup.escape(v) for k, v in params.items()}
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(message) if f is not None}
        except ValueError as exc:  # a lone { or }
            raise MessageError(f"{self.name}: key '{key}': {exc}") from None
        missing = sorted(f for f in fields if f not in params)
        if missing:
            raise MessageError(f"{self.name}: key '{key}': placeholder {{{missing[0]}}} not given")
        return message.format(**params) if fields else message


    def group(self, prefix: str, raw: bool = False) -> dict[str, str]:
        """Every plain message under `prefix.`, by the rest of its key (computed once). `raw`: as
        written, `{placeholders}` left for a browser script to fill (the room's pages)."""
        if (prefix, raw) not in self._groups:
            head = prefix + "."
            found = {
                key[len(head):]: message if raw else self.text(key, {})
                for key, message in self.messages.items()
                if key.startswith(head) and isinstance(message, str)
            }
            if not found:
                raise MessageError(f"{self.name}: no keys under '{prefix}.'")
            self._groups[(prefix, raw)] = found
        return self._groups[(prefix, raw)]


def _relative(path: Path) -> str:
    """The file as the user knows it: relative to the project when it is inside."""
    try:
        return str(path.relative_to(paths.repo_root()))
    except (ValueError, FileNotFoundError):
        return str(path)


def catalogue_path(lang: str) -> Path:
    return paths.i18n_dir() / f"{lang}.json"


@functools.lru_cache(maxsize=None)
def _catalogue(lang: str, root: str | None, cwd: str) -> Catalogue:
    return Catalogue(catalogue_path(lang), lang)


def catalogue(lang: str | None = None) -> Catalogue:
    """The catalogue of `lang`, read once per project folder (what `paths.repo_root` depends on)."""
    return _catalogue(lang or _current, os.environ.get("WTO_DECK_ROOT"), os.getcwd())


# The language of this process (a notebook's kernel, a command): set once by `deck.setup(lang=…)`
# or by the build for the deck it writes; every lookup without an explicit `lang` uses it.
_current = DEFAULT_LANG


def languages() -> list[str]:
    """The languages of the interface, French (the original) first: one per catalogue file."""
    found = sorted(path.stem for path in paths.i18n_dir().glob("*.json"))
    return sorted(found, key=lambda lang: (lang != DEFAULT_LANG, lang))


def use(lang: str) -> None:
    """Make `lang` the language of every later lookup in this process."""
    global _current
    # A language without a catalogue fails here, naming the missing file. Only its existence is
    # checked: reading it would make every notebook depend on the catalogue in the build's cache
    # (a notebook that shows no interface word must not run again when a word changes).
    path = catalogue_path(lang)
    if not path.is_file():
        raise MessageError(f"{_relative(path)}: missing (the interface strings of language '{lang}')")
    _current = lang


def language() -> str:
    """The language lookups use when none is given."""
    return _current


def t(key: str, /, lang: str | None = None, **params: Any) -> str:
    """The message `key` in `lang` (default: the current language), placeholders filled (`Markup` for `…_html`)."""
    return catalogue(lang or _current).text(key, params)


def group(prefix: str, lang: str | None = None, raw: bool = False) -> dict[str, str]:
    """Every plain message under `prefix.`, by the rest of its key: `group("status")["verified"]`
    (`raw`: placeholders unfilled, for a script that fills them: `group("room.join", raw=True)`)."""
    return dict(catalogue(lang or _current).group(prefix, raw))
