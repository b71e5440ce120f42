"""The conventions of the deck's notebooks, written once: what a notebook is, how its cells are
tagged and typed, how they group into slides, and the names of the decks.

Every reader of a notebook uses this module (the build, the export, the fact audit, the student
copies, the index page, the live deck, the tests), so a new slide type, tag or deck name is one
edit here. It sits at the top of the package, not in `pipeline/`, because the live side
(`live/present.py`) and the notebook-facing modules need it too and must not import the build
pipeline; it imports nothing but the standard library (and `messages`, which reads one JSON file), so
importing it costs nothing.

A cell is anything with a `metadata` mapping (an `nbformat.NotebookNode` or the plain dict of a
notebook read as JSON).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, Sequence, TypeVar

from .messages import t  # standard library only, like this module

# --- Notebooks ---------------------------------------------------------------------------------

# A section notebook is `notebooks/NN_name.ipynb`; the sections are read in file-name order.
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
SECTION_RE = re.compile(r"\d{2}_[a-z0-9_]+")  # a section's name: the notebook's stem
NOTEBOOKS_FOLDER = "notebooks"
# A notebook's title in its catalogue (notebooks/locale/LANG/NAME.po): the entry of this context.
TITLE_CONTEXT = "metadata:title"

# The decks: the six sections chained into the full deck, under the series' title (the titles are
# words of the interface: the message catalogue's, assets/i18n/).
FULL_DECK = "00_presentation_complete"
FULL_DECK_TITLE = t("deck.full_deck_title")  # « Présentation complète »
SERIES_TITLE = t("deck.series_title")  # « Le commerce électronique à l'OMC »

# Every deck is drawn for a 1280×720 slide (reveal's size, the PDF page, the RISE slideshow).
# The live deck's kernel finds the map's topojson at this URL (set by `make present`, live/present.py,
# read by deck.live_config): the server's own /files/ route to node_modules/, not plotly's CDN.
TOPOJSON_URL_ENV = "WTO_DECK_TOPOJSON_URL"

SLIDE_WIDTH = 1280
SLIDE_HEIGHT = 720

# The letters of a quiz's choices as shown (A, B, …): on the slide, in the live widget and on the
# room's phones (`classroom/`); the data allows at most six choices or steps.
LETTERS = "ABCDEF"

# --- Cells -------------------------------------------------------------------------------------

# RISE / nbconvert slide types; `-` continues the current slide.
SLIDE = "slide"
SUBSLIDE = "subslide"
FRAGMENT = "fragment"
CONTINUE = "-"
SKIP = "skip"
NOTES = "notes"
SLIDE_TYPES = (SLIDE, SUBSLIDE, FRAGMENT, CONTINUE, SKIP, NOTES)
STARTS_SLIDE = (SLIDE, SUBSLIDE)

# Cell tags.
SETUP_TAG = "setup"  # the code cell that imports the deck's modules (first cell of a section)
HIDE_INPUT_TAG = "hide-input"  # the export shows the output only
REMOVE_CELL_TAG = "remove-cell"  # the export drops the cell
EXERCISE_TAG = "exercise"  # a quiz or explorer that students run


def notebook_paths(folder: Path) -> list[Path]:
    """The section notebooks of a folder, in file-name order."""
    return sorted(Path(folder).glob(NOTEBOOK_GLOB))


def section_names(folder: Path) -> list[str]:
    """The stems of the section notebooks (`02_programme_de_travail`)."""
    return [path.stem for path in notebook_paths(folder)]


def label(path: Path) -> str:
    """How messages name a section notebook: `notebooks/02_programme_de_travail.ipynb`."""
    return f"{NOTEBOOKS_FOLDER}/{Path(path).name}"


def slide_type(cell: Any, default: str | None = CONTINUE) -> str | None:
    """The cell's `slideshow.slide_type`; `default` when it has none."""
    return (cell.get("metadata") or {}).get("slideshow", {}).get("slide_type", default)


def tags(cell: Any) -> list[str]:
    return list((cell.get("metadata") or {}).get("tags", []))


def has_tag(cell: Any, tag: str) -> bool:
    return tag in tags(cell)


def is_notes(cell: Any) -> bool:
    return slide_type(cell) == NOTES


def is_skipped(cell: Any) -> bool:
    return slide_type(cell) == SKIP


def reaches_deck(cell: Any) -> bool:
    """Whether the export shows the cell (skipped and removed cells do not)."""
    return not is_skipped(cell) and not has_tag(cell, REMOVE_CELL_TAG)


def slide_metadata(kind: str) -> dict:
    """The metadata of a new cell of that slide type."""
    return {"slideshow": {"slide_type": kind}}


def cell_name(cell: Any, index: int) -> str:
    """How an error names a cell: its position (1-based) and its id when it has one."""
    cell_id = cell.get("id")
    return f"cell {index + 1}" + (f" (id {cell_id!r})" if cell_id else "")


Cell = TypeVar("Cell")


def slides(cells: Iterable[Cell], skip: bool = False) -> list[list[tuple[int, Cell]]]:
    """The cells grouped into slides, as reveal shows them: a `slide` or `subslide` cell starts a
    new one, any other cell joins the current one (the first cell always starts one). Each cell
    comes with its index in the notebook. `skip`: leave out skipped cells, which reveal never shows.
    """
    groups: list[list[tuple[int, Cell]]] = []
    for index, cell in enumerate(cells):
        kind = slide_type(cell)
        if skip and kind == SKIP:
            continue
        if kind in STARTS_SLIDE or not groups:
            groups.append([])
        groups[-1].append((index, cell))
    return groups


def slide_count(cells: Sequence[Any]) -> int:
    """How many reveal sections (slides and subslides) a deck has: notes and skipped cells never
    start one."""
    return len(slides((c for c in cells if slide_type(c) not in (SKIP, NOTES)), skip=True))
