"""`build/index.html`: the page a trainer opens from the USB stick."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import theme
from ..conventions import slide_count
from .audit import SOURCES_PAGE

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


def index_html(entries: list[DeckEntry], lang: str | None = None) -> str:
    """The page: `assets/theme/templates/index.html.j2`, its words from the message catalogue."""
    return theme.render("index.html.j2", lang, entries=entries, sources_page=SOURCES_PAGE)
