"""Where each thing lives in `build/`: the pages of each language, each deck's slides, executed
notebook and PDFs, and each notebook's link into the JupyterLite site.

The build, the index (`site.py`), the sources page (`sources.py`), `make pdf` (`pdf.py`) and
`make lite` (`lite.py`) all name these places, and read them here rather than from one another:
the index links the JupyterLite site, and `make lite` rewrites the index, so neither may import the
other to learn a path. Names only (and whether a built file is there); nothing is written here.
"""

from __future__ import annotations

from pathlib import Path

from ..messages import DEFAULT_LANG

INDEX_PAGE = "index.html"  # the French page; another language's is `index.<lang>.html` (page_name)
SOURCES_PAGE = "sources.html"  # the same
PDF_DIR = "pdf"  # where `make pdf` prints the decks, inside build/ (one folder per language)
LITE_FOLDER = "lite"  # where `make lite` writes the JupyterLite site, inside build/
LITE_APP = "notebooks"  # what `build/index.html` opens: the notebook alone, with its menus
VENDOR = "vendor"  # the pinned local assets every deck loads (pipeline/vendor.py)
SINGLE = "single"  # `--single-file`: one self-contained page per deck, by language


def page_name(page: str, lang: str = DEFAULT_LANG) -> str:
    """A page of build/ in `lang`: « sources.html » in French (the original), « sources.en.html »…"""
    if lang == DEFAULT_LANG:
        return page
    stem, dot, suffix = page.rpartition(".")
    return f"{stem}.{lang}.{suffix}"


def slides_path(lang: str, name: str) -> str:
    """A deck's page, relative to build/."""
    return f"slides/{lang}/{name}.html"


def notebook_path(lang: str, name: str) -> str:
    """A deck's executed notebook, relative to build/."""
    return f"notebooks/{lang}/{name}.ipynb"


def pdf_paths(lang: str, name: str) -> tuple[str, str]:
    """A deck's PDF and handout, relative to build/."""
    return f"{PDF_DIR}/{lang}/{name}.pdf", f"{PDF_DIR}/{lang}/{name}-notes.pdf"


def lite_link(build_dir: Path, name: str, language: str = DEFAULT_LANG) -> str | None:
    """`lite/notebooks/index.html?path=fr/NAME.ipynb` when the site holds that notebook."""
    if (build_dir / LITE_FOLDER / "files" / language / f"{name}.ipynb").is_file():
        return f"{LITE_FOLDER}/{LITE_APP}/index.html?path={language}/{name}.ipynb"
    return None
