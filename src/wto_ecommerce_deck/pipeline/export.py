"""An executed notebook → one reveal.js HTML deck that loads only `build/vendor/`."""

from __future__ import annotations

import functools
import re

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

from . import notebooks
from .. import conventions
from ..errors import BuildError
from .. import messages
from ..messages import group, t
from ..paths import notebooks_dir, theme_dir
from ..widgets_export import FALLBACK_CLASS, WIDGET_VIEW_MIME

REVEAL_CONFIG = {
    "width": conventions.SLIDE_WIDTH,
    "height": conventions.SLIDE_HEIGHT,
    "margin": 0.04,
    "center": False,
    "hash": True,
    "controls": True,
    "progress": True,
    "slideNumber": "c/t",
    "transition": "none",  # a projector shows no half-faded slides; plots measure a settled slide
    "backgroundTransition": "none",  # white backgrounds: nothing to fade (and no animation that blurs, omc.css)
    "pdfMaxPagesPerSlide": 1,
    "pdfSeparateFragments": False,
}

_GEO_TRACE = re.compile(r'"type":"(choropleth|scattergeo)"')

# An exported deck has no kernel, so it never shows a live widget: an output's static HTML wins
# over its widget view (nbconvert would otherwise prefer the view), and no widget manager is loaded.
DISPLAY_PRIORITY = [
    "text/html",
    WIDGET_VIEW_MIME,
    "application/javascript",
    "text/markdown",
    "image/svg+xml",
    "text/vnd.mermaid",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
]
INTERACTIVE_CSS = "interactive.css"  # the look of the static fallbacks, inlined in decks that have one


def _outputs_html(nb: nbformat.NotebookNode) -> str:
    return "".join(
        output.get("data", {}).get("text/html", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def uses(nb: nbformat.NotebookNode) -> dict[str, bool]:
    """Which of the big assets the deck needs, so that it loads only those."""
    html = _outputs_html(nb)
    plotly = 'class="deck-plot"' in html
    return {
        "uses_plotly": plotly,
        "uses_geo": plotly and bool(_GEO_TRACE.search(html)),
        "uses_fallbacks": f'class="{FALLBACK_CLASS}' in html,
    }


def _shown(cell) -> bool:
    """Whether the cell's outputs reach the deck (skipped and removed cells do not)."""
    return conventions.reaches_deck(cell)


def _where(cell, index: int, title: str) -> str:
    """`notebooks/NN_name.ipynb: cell N (id 'x')`: the source notebook of a cell of an executed deck
    (the full deck chains the sections), found by the cell's id and source."""
    for path in conventions.notebook_paths(notebooks_dir()):
        try:
            source = nbformat.read(str(path), as_version=4)
        except Exception:  # noqa: BLE001 - an unreadable notebook was reported before the export
            continue
        for number, candidate in enumerate(source.cells):
            if candidate.get("id") == cell.get("id") and candidate.source == cell.source:
                return f"{conventions.label(path)}: {conventions.cell_name(candidate, number)}"
    return f"deck « {title} »: {conventions.cell_name(cell, index)}"


def _what_the_deck_shows(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A shallow copy with only what the template may read: no widget state (it serves JupyterLab,
    not a deck without widgets), and of each output's data only the types of DISPLAY_PRIORITY
    (nbconvert picks one of those, `filter_data_type`, and reads no other). Plotly's figure JSON
    (`application/vnd.plotly.v1+json`, hundreds of nodes a figure; the deck draws the inert copy
    in its `text/html`) was otherwise copied twice per deck by nbconvert, for nothing."""
    shown = set(DISPLAY_PRIORITY)

    def output(out):
        if "data" not in out or shown.issuperset(out["data"]):
            return out
        copy = nbformat.NotebookNode(out)
        copy["data"] = nbformat.NotebookNode({k: v for k, v in out["data"].items() if k in shown})
        return copy

    copy = nbformat.NotebookNode(nb)
    copy.metadata = nbformat.NotebookNode({k: v for k, v in nb.metadata.items() if k != "widgets"})
    copy.cells = []
    for cell in nb.cells:
        if "outputs" in cell:
            cell = nbformat.NotebookNode(cell)
            cell["outputs"] = [output(out) for out in cell["outputs"]]
        copy.cells.append(cell)
    return copy


def _interactive_css() -> str:
    path = theme_dir() / INTERACTIVE_CSS
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise BuildError(f"{path}: missing (the look of the quiz and explorer fallbacks)") from None


def check_kernel_free(nb: nbformat.NotebookNode, title: str) -> None:
    """Refuse a deck that would show a dead control: a widget output without a static fallback.

    A widget needs a kernel (or an embedded widget manager, which these decks do not load); its
    output must also carry `text/html` that stands in for it (see widgets_export.py)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not _shown(cell):
            continue
        for output in cell.get("outputs", []):
            bundle = output.get("data", {})
            if WIDGET_VIEW_MIME in bundle and "text/html" not in bundle:
                raise BuildError(
                    f"{_where(cell, index, title)}: shows a widget with no static fallback, a dead control in an "
                    "exported deck (no kernel there): display it through widgets_export.WithFallback, "
                    "or tag the cell remove-cell"
                )


def exporter() -> SlidesExporter:
    """The decks' exporter, made once per process (per template folder) and used for every deck of
    every language: its Jinja environment then parses and compiles the template once, not once per
    deck (that was about half of a deck's export). A call keeps no state for the next one: the
    notebook, its resources and its code highlighter are given to each call (nbconvert's
    `from_notebook_node`)."""
    return _exporter(str(theme_dir() / "templates"))


@functools.lru_cache(maxsize=None)
def _exporter(templates: str) -> SlidesExporter:
    config = Config()
    config.TagRemovePreprocessor.remove_input_tags = {conventions.HIDE_INPUT_TAG}
    config.TagRemovePreprocessor.remove_cell_tags = {conventions.REMOVE_CELL_TAG}
    config.TagRemovePreprocessor.enabled = True
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    # The notebook is validated once, after the preprocessors, not after each of the 14 (most of
    # them disabled): an eighth of a deck's export. nbconvert's own option; the same pages.
    config.Exporter.optimistic_validation = True
    exp = SlidesExporter(
        config=config,
        template_name="omc-reveal",
        exclude_anchor_links=True,
        extra_template_basedirs=[templates],
    )
    exp.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exp


def to_html(
    nb: nbformat.NotebookNode,
    title: str,
    vendor_prefix: str,
    lang: str | None = None,
    other_languages: list[dict] | None = None,
) -> str:
    """The deck's page in `lang` (default: the current language; `<html lang>`, chrome, plotly's
    locale); `other_languages` are links to the same deck in the other languages:
    `{"lang", "name", "href"}` each."""
    from .. import plotly_locales
    from .vendor import locale_target

    lang = lang or messages.language()
    deck = {
        "title": title,
        "series_title": t("deck.series_title", lang=lang),
        "lang": lang,
        "t": functools.partial(t, lang=lang),  # the template's words: deck.t("deck.menu")
        "group": functools.partial(group, lang=lang),  # deck.group("deck.help"): a dict for deck.js
        "vendor_prefix": vendor_prefix,
        "plotly_locale": None if lang == plotly_locales.BUILT_IN else locale_target(lang),
        "other_languages": other_languages or [],
        "reveal_config": REVEAL_CONFIG,
        **uses(nb),
    }
    check_kernel_free(nb, title)
    if deck["uses_fallbacks"]:
        deck["interactive_css"] = _interactive_css()
    nb = notebooks.notes_outside_fragments(_what_the_deck_shows(nb))
    body, _ = exporter().from_notebook_node(nb, resources={"deck": deck})
    return body
