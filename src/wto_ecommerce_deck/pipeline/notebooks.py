"""The deck's notebooks: finding them, reading them strictly, chaining them into the full deck."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import conventions
from ..conventions import FULL_DECK_TITLE, SLIDE_TYPES, cell_name
from ..errors import BuildError


@dataclass(frozen=True)
class Section:
    name: str  # file stem, e.g. "02_programme_de_travail"
    path: Path
    title: str

    @property
    def label(self) -> str:
        return conventions.label(self.path)


def read(path: Path, label: str | None = None) -> nbformat.NotebookNode:
    """Read a notebook and check what the build relies on; raise BuildError naming the problem."""
    label = label or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BuildError(f"{label}: not a notebook: the file is not UTF-8 text") from None
    except OSError as exc:
        raise BuildError(f"{label}: cannot read: {exc.strerror}") from None
    try:
        # Parsed here first: nbformat's own error hides where the JSON breaks.
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise BuildError(f"{label}: invalid notebook JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several types for a JSON that is not a notebook
        raise BuildError(f"{label}: not a notebook: {str(exc).splitlines()[0][:120]}") from None
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        raise BuildError(f"{label}: invalid notebook: {exc.message.splitlines()[0][:160]}") from None
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if not kernel:
        raise BuildError(f"{label}: metadata: kernelspec missing (expected name 'python3')")
    if not nb.metadata.get("title"):
        raise BuildError(f"{label}: metadata: title missing (the section's French title)")
    for index, cell in enumerate(nb.cells):
        slide_type = conventions.slide_type(cell, None)
        if slide_type is None:
            raise BuildError(f"{label}: {cell_name(cell, index)}: slideshow.slide_type missing")
        if slide_type not in SLIDE_TYPES:
            raise BuildError(
                f"{label}: {cell_name(cell, index)}: slideshow.slide_type {slide_type!r} is not one of {', '.join(SLIDE_TYPES)}"
            )
    return nb


def discover(folder: Path) -> list[Section]:
    """The section notebooks, in file-name order (`NN_name.ipynb`)."""
    sections = []
    for path in conventions.notebook_paths(folder):
        nb = read(path, conventions.label(path))
        sections.append(Section(path.stem, path, nb.metadata["title"]))
    if not sections:
        raise BuildError(f"{folder}: no notebook named NN_name.ipynb")
    return sections


def chain(executed: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """The full deck: the executed sections one after the other (their outputs reused, not re-run)."""
    full = nbformat.v4.new_notebook()
    full.metadata = json.loads(json.dumps(executed[0].metadata))
    full.metadata["title"] = FULL_DECK_TITLE
    for nb in executed:
        for cell in nb.cells:
            full.cells.append(cell)
    return full


def notes_outside_fragments(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy whose notes cells come right after the first cell of their slide.

    reveal.js shows in the speaker view only the notes outside fragments (or those of
    the current fragment), and nbconvert puts a notes cell that follows a fragment
    inside that fragment: the notes of a slide with bullets would show only at its
    last bullet. Where notes sit in a slide does not change what the slide shows.
    """
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    groups = conventions.slides(copy.cells)
    copy.cells = []
    for group in groups:
        notes = [c for _, c in group if conventions.is_notes(c)]
        others = [c for _, c in group if not conventions.is_notes(c)]
        copy.cells.extend(others[:1] + notes + others[1:])
    return copy
