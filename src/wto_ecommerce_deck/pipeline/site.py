"""`build/index.html`: the page a trainer opens from the USB stick."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import theme
from ..messages import DEFAULT_LANG
from .audit import SOURCES_PAGE


@dataclass(frozen=True)
class DeckEntry:
    name: str
    title: str
    slides: int
    html_path: str  # relative to build/
    notebook_path: str  # relative to build/
    pdf_path: str | None = None  # the slides, one per page, once `make pdf` has run
    handout_path: str | None = None  # the slides with their speaker notes


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


def entries_in(build: Path) -> list[DeckEntry]:
    """The decks of a finished build, read back from it (the full deck first)."""
    entries = []
    for notebook in sorted((build / "notebooks").glob("*.ipynb")):
        name = notebook.stem
        nb = nbformat.read(str(notebook), as_version=4)
        pdf = build / "pdf" / f"{name}.pdf"
        handout = build / "pdf" / f"{name}-notes.pdf"
        entries.append(
            DeckEntry(
                name,
                nb.metadata.get("title", name),
                slide_count(nb),
                f"slides/{name}.html",
                f"notebooks/{name}.ipynb",
                f"pdf/{name}.pdf" if pdf.is_file() else None,
                f"pdf/{name}-notes.pdf" if handout.is_file() else None,
            )
        )
    return entries


def refresh_index(build: Path) -> Path:
    """Rewrite `build/index.html` from what the build holds (after `make pdf`, say)."""
    index = build / "index.html"
    index.write_text(index_html(entries_in(build)), encoding="utf-8")
    return index


def index_html(entries: list[DeckEntry], lang: str = DEFAULT_LANG) -> str:
    """The page: `assets/theme/templates/index.html.j2`, its words from the message catalogue."""
    return theme.render("index.html.j2", lang, entries=entries, sources_page=SOURCES_PAGE)
