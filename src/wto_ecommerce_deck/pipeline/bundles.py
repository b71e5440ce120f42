"""The smallest pinned plotly.js bundle that draws every figure of the decks.

The bundle of the `plotly` wheel has every trace type (4.8 MB); the browser parses all of it
before reveal.js starts. plotly.js also publishes partial bundles with the same core
(layout, shapes, annotations, menus, sliders, locales) and fewer trace types: the decks draw
`scatter`, `choropleth` and `scattergeo`, all in the `geo` bundle (1.4 MB). The build uses a
partial bundle only when it is pinned in `package.json`, is the very version of the wheel's
bundle, and registers every trace type the executed notebooks use; otherwise the full one.
A new kind of chart in a notebook thus falls back to the full bundle by itself.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

# npm package, file: smallest first.
PARTIAL_BUNDLES = (("plotly.js-geo-dist-min", "plotly-geo.min.js"),)
PLOTLY_MIME = "application/vnd.plotly.v1+json"

_VERSION = re.compile(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+)")
_TRACE = re.compile(r'moduleType:"trace",name:"(\w+)"')


def trace_types(notebooks) -> set[str]:
    """Every trace type of the figures in the executed notebooks (frames included)."""
    used: set[str] = set()
    for nb in notebooks:
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                figure = output.get("data", {}).get(PLOTLY_MIME)
                if not isinstance(figure, dict):
                    continue
                traces = list(figure.get("data", []))
                for frame in figure.get("frames", []) or []:
                    traces += list(frame.get("data", []))
                used.update(trace.get("type", "scatter") for trace in traces)
    return used


def _head(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        return handle.read(400)


def choose(full: Path, node_modules: Path, used: set[str]) -> Path:
    """The bundle to ship: the first partial one that can draw everything, else `full`."""
    version = _VERSION.search(_head(full))
    for package, name in PARTIAL_BUNDLES:
        candidate = node_modules / package / name
        if not candidate.is_file() or not version:
            continue
        text = candidate.read_text(encoding="utf-8")
        same = _VERSION.search(text[:400])
        if same and same.group(1) == version.group(1) and used <= set(_TRACE.findall(text)):
            return candidate
    return full


def install(target: Path, node_modules: Path, used: set[str]) -> Path:
    """Replace the full bundle at `target` (vendor/plotly/plotly.min.js) by the smallest one that fits."""
    chosen = choose(target, node_modules, used)
    if chosen != target:
        shutil.copyfile(chosen, target)
    return chosen
