"""`build/index.html`: the page a trainer opens from the USB stick."""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..conventions import SERIES_TITLE, slide_count
from .audit import index_link_html

PDF_DIR = "pdf"  # where `make pdf` prints the decks, inside build/


@dataclass(frozen=True)
class DeckEntry:
    name: str
    title: str
    slides: int
    html_path: str  # relative to build/
    notebook_path: str  # relative to build/
    pdf_path: str | None = None  # the slides, one per page, once `make pdf` has run
    handout_path: str | None = None  # the slides with their speaker notes
    lite_path: str | None = None  # the student notebook in the browser, once `make lite` has run


def with_lite(entry: DeckEntry, build: Path) -> DeckEntry:
    """The entry with its « ouvrir dans le navigateur » link when `build/lite/` holds its notebook."""
    from .lite import notebook_link

    return dataclasses.replace(entry, lite_path=notebook_link(build, entry.name))


def _row(entry: DeckEntry) -> str:
    count = f"{entry.slides}\u00a0diapositive{'s' if entry.slides > 1 else ''}"
    links = [f'<a href="{html.escape(entry.notebook_path)}" download>notebook</a>']
    if entry.lite_path:
        links.append(f'<a class="lite" href="{html.escape(entry.lite_path)}">ouvrir dans le navigateur</a>')
    if entry.pdf_path:
        links.append(f'<a href="{html.escape(entry.pdf_path)}">PDF</a>')
    if entry.handout_path:
        links.append(f'<a href="{html.escape(entry.handout_path)}">PDF avec notes</a>')
    return (
        "<li>"
        f'<a class="deck" href="{html.escape(entry.html_path)}">{html.escape(entry.title)}</a>'
        f' <span class="count">{count}</span> · '
        + " · ".join(links)
        + "</li>"
    )


def with_pdfs(entry: DeckEntry, build: Path) -> DeckEntry:
    """The entry with the links to its PDF and handout that `make pdf` wrote into `build/pdf/`."""
    pdf, handout = f"{PDF_DIR}/{entry.name}.pdf", f"{PDF_DIR}/{entry.name}-notes.pdf"
    return dataclasses.replace(
        entry,
        pdf_path=pdf if (build / pdf).is_file() else None,
        handout_path=handout if (build / handout).is_file() else None,
    )


def entries_in(build: Path) -> list[DeckEntry]:
    """The decks of a finished build, read back from it (the full deck first), with their PDFs."""
    entries = []
    for notebook in sorted((build / "notebooks").glob("*.ipynb")):
        name = notebook.stem
        nb = nbformat.read(str(notebook), as_version=4)
        entry = DeckEntry(
            name, nb.metadata.get("title", name), slide_count(nb.cells), f"slides/{name}.html", f"notebooks/{name}.ipynb"
        )
        entries.append(with_lite(with_pdfs(entry, build), build))
    return entries


def refresh_index(build: Path) -> Path:
    """Rewrite `build/index.html` from what the build holds: `make pdf` calls it once the PDFs are
    written, so that the page links each deck's PDF and handout."""
    index = build / "index.html"
    index.write_text(index_html(entries_in(build)), encoding="utf-8")
    return index


def index_html(entries: list[DeckEntry]) -> str:
    rows = "\n".join(_row(e) for e in entries)
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
{index_link_html()}
</main>
</body>
</html>
"""
