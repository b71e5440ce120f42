"""`build/index.html`: the page a trainer opens from the USB stick, one per language.

French (the original) is `build/index.html`, every other language `build/index.<lang>.html`
(`layout.page_name`); each page starts with the language picker (French first) and lists the
decks of its language: `slides/<lang>/<deck>.html`, `notebooks/<lang>/<deck>.ipynb` and the
PDFs that `make pdf` printed into `pdf/<lang>/`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import messages, theme
from ..conventions import slide_count
from ..messages import DEFAULT_LANG
from .layout import INDEX_PAGE, SOURCES_PAGE, lite_link, notebook_path, page_name, pdf_paths, slides_path


@dataclass(frozen=True)
class DeckEntry:
    name: str
    title: str
    slides: int
    html_path: str  # relative to build/
    notebook_path: str  # relative to build/
    pdf_path: str | None = None  # the slides, one per page, once `make pdf` has run
    handout_path: str | None = None  # the slides with their speaker notes
    lang: str = DEFAULT_LANG
    lite_path: str | None = None  # the student notebook in the browser, once `make lite` has run


def with_lite(entry: DeckEntry, build: Path) -> DeckEntry:
    """The entry with its « ouvrir dans le navigateur » link when `build/lite/` holds its notebook."""
    return dataclasses.replace(entry, lite_path=lite_link(build, entry.name, entry.lang))


def with_pdfs(entry: DeckEntry, build: Path) -> DeckEntry:
    """The entry with the links to its PDF and handout that `make pdf` wrote into `build/pdf/<lang>/`."""
    pdf, handout = pdf_paths(entry.lang, entry.name)
    return dataclasses.replace(
        entry,
        pdf_path=pdf if (build / pdf).is_file() else None,
        handout_path=handout if (build / handout).is_file() else None,
    )


def languages_in(build: Path) -> list[str]:
    """The languages a finished build holds, French first."""
    found = {p.name for p in (build / "notebooks").iterdir() if p.is_dir()} if (build / "notebooks").is_dir() else set()
    return [lang for lang in messages.languages() if lang in found]


def entries_in(build: Path, lang: str = DEFAULT_LANG) -> list[DeckEntry]:
    """The decks of a finished build in `lang`, read back from it (the full deck first), with their PDFs."""
    entries = []
    for notebook in sorted((build / "notebooks" / lang).glob("*.ipynb")):
        name = notebook.stem
        nb = nbformat.read(str(notebook), as_version=4)
        entry = DeckEntry(
            name, nb.metadata.get("title", name), slide_count(nb.cells), slides_path(lang, name),
            notebook_path(lang, name), lang=lang,
        )
        entries.append(with_lite(with_pdfs(entry, build), build))
    return entries


def refresh_index(build: Path) -> Path:
    """Rewrite the index pages from what the build holds: `make pdf` calls it once the PDFs are
    written, so that each page links its decks' PDFs and handouts. Returns the French page."""
    langs = languages_in(build)
    for lang in langs:
        (build / page_name(INDEX_PAGE, lang)).write_text(index_html(entries_in(build, lang), lang, langs), encoding="utf-8")
    return build / INDEX_PAGE


def language_links(langs: list[str], page: str, current: str | None = None, prefix: str = "") -> list[dict]:
    """`{"lang", "name", "href", "current"}` for each language (French first): the picker's links to
    `page` in each language, `prefix` before each (a path back to build/)."""
    return [
        dict(lang=lang, name=messages.group("language_name", lang)[lang], href=prefix + page_name(page, lang), current=lang == current)
        for lang in langs
    ]


def index_html(entries: list[DeckEntry], lang: str | None = None, langs: list[str] | None = None) -> str:
    """The page: `assets/theme/templates/index.html.j2`, its words from the message catalogue of
    `lang` (default: the current language); `langs`: the languages of the picker."""
    lang = lang or messages.language()
    langs = langs if langs is not None else [lang]
    return theme.render(
        "index.html.j2", lang, entries=entries, sources_page=page_name(SOURCES_PAGE, lang),
        languages=language_links(langs, INDEX_PAGE, lang) if len(langs) > 1 else [],
    )
