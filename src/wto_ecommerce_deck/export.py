"""An executed notebook → one reveal.js HTML deck that loads only `build/vendor/`."""

from __future__ import annotations

import re

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets.config import Config

from .paths import theme_dir

SERIES_TITLE = "Le commerce électronique à l'OMC"

REVEAL_CONFIG = {
    "width": 1280,
    "height": 720,
    "margin": 0.04,
    "center": False,
    "hash": True,
    "controls": True,
    "progress": True,
    "slideNumber": "c/t",
    "transition": "none",  # a projector shows no half-faded slides; plots measure a settled slide
    "pdfMaxPagesPerSlide": 1,
    "pdfSeparateFragments": False,
}

_GEO_TRACE = re.compile(r'"type":"(choropleth|scattergeo)"')


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
    return {"uses_plotly": plotly, "uses_geo": plotly and bool(_GEO_TRACE.search(html))}


def exporter() -> SlidesExporter:
    config = Config()
    config.TagRemovePreprocessor.remove_input_tags = {"hide-input"}
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    config.TagRemovePreprocessor.enabled = True
    exp = SlidesExporter(
        config=config,
        template_name="omc-reveal",
        exclude_anchor_links=True,
        extra_template_basedirs=[str(theme_dir() / "templates")],
    )
    exp.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exp


def to_html(nb: nbformat.NotebookNode, title: str, vendor_prefix: str) -> str:
    deck = {
        "title": title,
        "series_title": SERIES_TITLE,
        "vendor_prefix": vendor_prefix,
        "reveal_config": REVEAL_CONFIG,
        **uses(nb),
    }
    body, _ = exporter().from_notebook_node(nb, resources={"deck": deck})
    return body
