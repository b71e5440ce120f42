"""The notebooks of `build/lite/`: the student copies of every language, each opened by a first
cell that says what to do and how long the first start takes (`assets/lite/banner-<lang>.md`), with
the Pyodide kernel as their kernelspec.

French comes from `notebooks/` (`student.py`); every other language from what `make student` wrote
into `build/student/<lang>/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..paths import lite_dir, notebooks_dir

SOURCE_LANGUAGE = "fr"
LANGUAGE_LOCALES = {"fr": "fr_FR", "es": "es_ES", "en": "en"}


def languages(build: Path) -> dict[str, list[Path] | None]:
    """Each language's student notebooks: None for French (made here from notebooks/), the files
    `make student` (or a translation) wrote into `build/student/<lang>/` for the others."""
    found: dict[str, list[Path] | None] = {SOURCE_LANGUAGE: None}
    student = build / "student"
    if student.is_dir():
        for folder in sorted(p for p in student.iterdir() if p.is_dir() and p.name in LANGUAGE_LOCALES):
            if folder.name != SOURCE_LANGUAGE:
                notebooks = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
                if notebooks:
                    found[folder.name] = notebooks
    return found


def banner_text(language: str) -> str:
    path = lite_dir() / f"banner-{language}.md"
    if not path.is_file():
        path = lite_dir() / f"banner-{SOURCE_LANGUAGE}.md"
    return path.read_text(encoding="utf-8").strip()


def write_contents(contents: Path, build: Path) -> dict[str, list[str]]:
    """The notebooks of the site, each with the banner as its first cell; {language: [names]}."""
    import nbformat

    from . import student

    written: dict[str, list[str]] = {}
    for language, notebooks in languages(build).items():
        folder = contents / language
        if notebooks is None:
            paths = student.write_copies(contents / ".tmp", notebooks_dir(), langs=[language])
        else:
            paths = notebooks
        folder.mkdir(parents=True, exist_ok=True)
        banner = banner_text(language)
        for path in paths:
            nb = nbformat.read(str(path), as_version=4)
            cell = nbformat.v4.new_markdown_cell(banner, id="lite-00")
            cell.metadata["slideshow"] = {"slide_type": "skip"}
            cell.metadata["tags"] = ["lite-banner"]
            nb.cells.insert(0, cell)
            nb.metadata["kernelspec"] = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
            nbformat.write(nb, str(folder / path.name))
            written.setdefault(language, []).append(path.name)
        shutil.rmtree(contents / ".tmp", ignore_errors=True)
    return written
