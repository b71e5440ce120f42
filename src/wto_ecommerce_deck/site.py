"""`build/index.html`: the page a trainer opens from the USB stick."""

from __future__ import annotations

import html
from dataclasses import dataclass

import nbformat

from .export import SERIES_TITLE


@dataclass(frozen=True)
class DeckEntry:
    name: str
    title: str
    slides: int
    html_path: str  # relative to build/
    notebook_path: str  # relative to build/


def slide_count(nb: nbformat.NotebookNode) -> int:
    """How many reveal sections (slides and subslides) the deck has."""
    count = 0
    started = False
    for cell in nb.cells:
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if slide_type in ("skip", "notes"):
            continue
        if slide_type in ("slide", "subslide") or not started:
            count += 1
        started = True
    return count


def index_html(entries: list[DeckEntry]) -> str:
    rows = "\n".join(
        "<li>"
        f'<a href="{html.escape(e.html_path)}">{html.escape(e.title)}</a>'
        f' <span class="count">{e.slides}\u00a0diapositive{"s" if e.slides > 1 else ""}</span>'
        f' · <a href="{html.escape(e.notebook_path)}" download>notebook</a>'
        "</li>"
        for e in entries
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(SERIES_TITLE)}</title>
<link rel="stylesheet" href="vendor/fonts/fonts.css">
<style>
body {{ font-family: "Source Sans 3", Arial, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem;
       color: #1a1a1a; font-size: 1.25rem; line-height: 1.5; }}
h1 {{ color: #00467f; }}
li {{ margin: 0.4rem 0; }}
a {{ color: #0b5cad; }}
.count {{ color: #4a4a4a; }}
</style>
</head>
<body>
<main>
<h1>{html.escape(SERIES_TITLE)}</h1>
<p>Diapositives de formation (OMC, 2018), reconstruites en notebooks Jupyter. Elles s\u2019ouvrent sans réseau\u00a0:
touches fléchées pour avancer, <kbd>S</kbd> pour la vue présentateur, <kbd>Échap</kbd> pour la vue d\u2019ensemble.</p>
<ul class="decks">
{rows}
</ul>
</main>
</body>
</html>
"""
