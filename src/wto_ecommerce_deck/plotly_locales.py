"""plotly.js's locales (dates, number marks, mode bar tooltips) from the npm package `plotly.js-locales`.

English is plotly.js's own default; every other interface language takes `node_modules/
plotly.js-locales/<lang>.js` (pinned in package.json). Those files are CommonJS modules
(`module.exports = {…}`): `locale(lang)` reads one into a dict, with the standard library only
(the live kernel calls it), and `browser_script(lang)` writes it as the `Plotly.register(…)` call
the exported decks load from `build/vendor/plotly/locale-<lang>.js`. Both go through the same
reading, so live and exported figures format alike.

One adjustment to the package: French and Spanish write the names of months and days in lower
case (« 20 mai 1998 », « 20 de mayo de 1998 »); the package capitalizes them.

Standard library only.
"""

from __future__ import annotations

import functools
import json
import re

from . import paths

BUILT_IN = "en"  # plotly.js's own language: no locale file
PACKAGE = "plotly.js-locales"
LOWER_CASE_NAMES = {"fr", "es"}
_NAMES = ("days", "shortDays", "months", "shortMonths")


class LocaleError(ValueError):
    pass


def source(lang: str):
    return paths.repo_root() / "node_modules" / PACKAGE / f"{lang}.js"


def _to_json(text: str) -> str:
    """The object literal of a plotly.js-locales module as JSON: quotes, comments, bare keys."""
    start = text.index("module.exports")
    text = text[text.index("{", start):]
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in "'\"":
            j, chars = i + 1, []
            while text[j] != c:
                if text[j] == "\\":
                    chars.append(text[j + 1])
                    j += 2
                else:
                    chars.append(text[j])
                    j += 1
            out.append(json.dumps("".join(chars), ensure_ascii=False))
            i = j + 1
        elif text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
        elif c.isalpha() or c in "_$":
            m = re.match(r"[A-Za-z_$][\w$]*", text[i:])
            out.append(json.dumps(m.group(0)))
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    body = "".join(out).strip().rstrip(";").strip()
    return re.sub(r",(\s*[}\]])", r"\1", body)


@functools.lru_cache(maxsize=None)
def _read(path_text: str, lang: str) -> dict:
    from pathlib import Path

    path = Path(path_text)
    try:
        locale = json.loads(_to_json(path.read_text(encoding="utf-8")))
    except (ValueError, IndexError, AttributeError) as exc:
        raise LocaleError(f"{path}: not a plotly.js locale module ({exc})") from None
    if lang in LOWER_CASE_NAMES:
        fmt = locale.get("format", {})
        for key in _NAMES:
            if key in fmt:
                fmt[key] = [name.lower() for name in fmt[key]]
    return {"name": lang, "dictionary": locale.get("dictionary", {}), "format": locale.get("format", {})}


def locale(lang: str) -> dict | None:
    """`{"name", "dictionary", "format"}` of `lang`; None for plotly's built-in English.

    Raises OSError when the package is not installed (`npm ci`)."""
    if lang == BUILT_IN:
        return None
    return _read(str(source(lang)), lang)


def browser_script(lang: str) -> str:
    """The locale as a script for the exported decks (after plotly.min.js)."""
    data = locale(lang)
    payload = json.dumps({"moduleType": "locale", **data}, ensure_ascii=False, indent=1, sort_keys=True)
    return (
        f"/* plotly.js locale '{lang}', from the npm package {PACKAGE} (see plotly_locales.py). */\n"
        f"if (window.Plotly) window.Plotly.register({payload});\n"
    )
