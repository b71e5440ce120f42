"""`--single-file`: one self-contained HTML file per deck, to send a deck by e-mail.

The deck as exported links its assets from `build/vendor/`; here every local stylesheet and
script it links is put inside the page, and the fonts become `data:` URIs. Only what the deck
links is inlined (the export links plotly and the map's topojson only in decks that draw them),
and of the font files only the subsets whose characters the deck contains.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from ..errors import DeckError

# Tags as the exporter writes them, whatever the order of their attributes.
_LINK = re.compile(r"<link\b(?P<attrs>[^>]*?)/?>")
_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>\s*</script>")
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_CSS_URL = re.compile(r'url\(\s*"?(?P<url>[^":)]+)"?\s*\)')
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}\s*")
_UNICODE_RANGE = re.compile(r"unicode-range:\s*([^;}]+)")
# Inside a <script> element the HTML parser ends the element at `</script` and changes state at
# `<!--` and `<script`; in the libraries' code these appear only in strings and regular
# expressions, where `\x3C` means the same `<`.
_SCRIPT_HAZARD = re.compile(r"<(?=/script|script|!--)", re.IGNORECASE)

_MIME = {".woff2": "font/woff2", ".woff": "font/woff", ".svg": "image/svg+xml", ".png": "image/png"}


class InlineError(DeckError):
    """An asset that a deck links cannot be inlined; the message is one line."""


def _ranges(spec: str) -> list[tuple[int, int]]:
    ranges = []
    for part in spec.split(","):
        part = part.strip().upper().removeprefix("U+")
        low, _, high = part.partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    return ranges


def _used_faces(css: str, chars: set[int]) -> str:
    """Drop the `@font-face` rules whose unicode-range no character of the deck falls into."""

    def keep(match: re.Match) -> str:
        found = _UNICODE_RANGE.search(match.group(0))
        if not found:
            return match.group(0)
        ranges = _ranges(found.group(1))
        used = any(low <= c <= high for c in chars for low, high in ranges)
        return match.group(0) if used else ""

    return _FONT_FACE.sub(keep, css)


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix, "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _read(base: Path, ref: str) -> tuple[Path, str]:
    path = (base / ref).resolve()
    if not path.is_file():
        raise InlineError(f"{ref}: linked by the deck but missing ({path})")
    return path, path.read_text(encoding="utf-8")


def single_file(html: str, base: Path) -> str:
    """`html` with every local stylesheet and script it links inlined; `base` is the deck's folder."""
    chars = {ord(c) for c in html if ord(c) > 0x7F}

    def local(url: str | None) -> bool:
        return bool(url) and not re.match(r"^[a-z][a-z0-9+.-]*:|^//", url)

    def style(match: re.Match) -> str:
        attrs = dict(_ATTR.findall(match.group("attrs")))
        if attrs.get("rel") != "stylesheet" or not local(attrs.get("href")):
            return match.group(0)
        path, css = _read(base, attrs["href"])
        if "@font-face" in css:
            css = _used_faces(css, chars | {ord("a")})
        css = _CSS_URL.sub(lambda m: f'url("{_data_uri((path.parent / m.group("url")).resolve())}")', css)
        kept = "".join(f' {k}="{v}"' for k, v in attrs.items() if k not in ("rel", "href"))
        return f"<style{kept}>\n{css}\n</style>"

    def script(match: re.Match) -> str:
        attrs = dict(_ATTR.findall(match.group("attrs")))
        if not local(attrs.get("src")):
            return match.group(0)
        _path, code = _read(base, attrs["src"])
        return f"<script>\n{_SCRIPT_HAZARD.sub(lambda _m: chr(92) + 'x3C', code)}\n</script>"

    return _SCRIPT.sub(script, _LINK.sub(style, html))
