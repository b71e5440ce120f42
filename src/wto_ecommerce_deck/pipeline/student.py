"""Student copies of the decks: `make student` writes `build/student/NN_section.ipynb`.

One source, two audiences: a student copy is the section notebook itself, minus what belongs to
the presenter (its speaker notes), with no outputs, so that the quizzes
and explorers are left to do. It runs top to bottom in a fresh kernel, and a test checks that the
copies keep every other cell of the decks, in order.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat

from . import notebooks
from .. import conventions
from ..errors import say
from ..messages import t
from ..paths import notebooks_dir, repo_root

FOLDER = "student"
INTRO_ID = "etudiant-00"
INTRO_FR = t("student.intro")  # the first cell of a student notebook (markdown)


def is_presenter_only(cell: nbformat.NotebookNode) -> bool:
    return conventions.is_notes(cell)


def student_copy(nb: nbformat.NotebookNode, source_label: str) -> nbformat.NotebookNode:
    """The notebook without the presenter's cells, outputs or widget state, with a short intro."""
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    cells = []
    for cell in copy.cells:
        if is_presenter_only(cell):
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cells.append(cell)
    intro = nbformat.v4.new_markdown_cell(INTRO_FR, id=INTRO_ID)
    intro.metadata.update(conventions.slide_metadata(conventions.SKIP))
    setup = 1 if cells and conventions.has_tag(cells[0], conventions.SETUP_TAG) else 0
    cells.insert(setup, intro)
    copy.cells = cells
    copy.metadata.pop("widgets", None)
    copy.metadata["wto_ecommerce_deck"] = {"student_copy": True, "source": source_label}
    return copy


def write_copies(out_dir: Path, source_dir: Path | None = None) -> list[Path]:
    """Write `<out_dir>/student/NN_section.ipynb` for every section notebook; return the paths.

    The build calls it on its temporary folder; `main` on a temporary folder inside `build/`."""
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for section in notebooks.discover(source_dir or notebooks_dir()):
        nb = notebooks.read(section.path, section.label)
        target = folder / section.path.name
        nbformat.write(student_copy(nb, section.label), str(target))
        written.append(target)
    return written


def write_into_build(out: Path | None = None) -> Path:
    """`make student`: replace `build/student/` only, atomically; the rest of `build/` stays."""
    out = (Path(out) if out is not None else repo_root() / "build").resolve()
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{FOLDER}-tmp-{os.getpid()}"
    old = out / f".{FOLDER}-old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        write_copies(tmp)
        target = out / FOLDER
        if target.exists():
            target.rename(old)
        (tmp / FOLDER).rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return out / FOLDER


def main(out: Path | None = None) -> int:
    folder = write_into_build(out)
    count = len(list(folder.glob("*.ipynb")))
    say(t("cli.student.wrote", count=count, folder=folder))
    return 0
