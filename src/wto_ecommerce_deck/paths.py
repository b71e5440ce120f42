"""Where the project's folders are, whether the package is installed editable or run from a clone."""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """The folder that holds `assets/` and `notebooks/`.

    `WTO_DECK_ROOT` wins; then the clone the package was installed from (editable
    install, `src/` layout); then the current folder or one of its parents, which is
    what a notebook started from `notebooks/` sees; last, the project files bundled
    inside the package by `make lite` (`_bundle/`), which the browser's Python reads.
    """
    env = os.environ.get("WTO_DECK_ROOT")
    if env:
        return Path(env).resolve()
    candidates = [Path(__file__).resolve().parents[2], *Path.cwd().resolve().parents]
    candidates.insert(1, Path.cwd().resolve())
    candidates.append(Path(__file__).resolve().parent / "_bundle")
    for folder in candidates:
        if (folder / "assets" / "data").is_dir():
            return folder
    raise FileNotFoundError(
        "cannot find the project folder (one with assets/data/): run from the clone or set WTO_DECK_ROOT"
    )


# Where the theme's Jinja templates are kept compiled (`theme.py`), when set: the build sets it
# for itself and its kernels, so that a template is compiled once per build and not once per
# notebook (a kernel imports the package anew for each notebook, `pipeline/execute.py`).
TEMPLATE_CACHE_ENV = "WTO_DECK_TEMPLATE_CACHE"


def template_cache_dir() -> Path | None:
    folder = os.environ.get(TEMPLATE_CACHE_ENV)
    return Path(folder) if folder else None


def data_dir() -> Path:
    return repo_root() / "assets" / "data"


def theme_dir() -> Path:
    return repo_root() / "assets" / "theme"


def i18n_dir() -> Path:
    """The message catalogues, one per language (`fr.json`): the project's, or else those of the
    clone the package comes from (a project folder given by `WTO_DECK_ROOT` may hold only its data;
    the interface's words belong to the program)."""
    own = repo_root() / "assets" / "i18n"
    if own.is_dir():
        return own
    clone = Path(__file__).resolve().parents[2] / "assets" / "i18n"
    return clone if clone.is_dir() else own


def notebooks_dir() -> Path:
    return repo_root() / "notebooks"


def lite_dir() -> Path:
    """What the JupyterLite site is made from besides the notebooks: the browser's wheel lock, the
    banners, the interface's settings (`make lite`)."""
    return repo_root() / "assets" / "lite"
