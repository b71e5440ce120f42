"""One call that every notebook makes first: `deck.setup()`.

It registers the `deck` plotly renderer, whose output works in the three places a
figure is shown:

* live in JupyterLab (and RISE): the `application/vnd.plotly.v1+json` bundle, drawn
  by plotly's own JupyterLab renderer;
* in the exported decks: a `text/html` placeholder, a `<div class="deck-plot">`
  plus the figure as inert JSON, that the deck's lifecycle script draws when the
  slide is shown (nbconvert drops the plotly mimetype and keeps the HTML);
* nowhere does it emit a `<script src=…>` or MathJax tag, so no CDN is ever reached.

The ids are derived from the figure's content and its rank in the kernel session,
so that the same notebook always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import json

import plotly.io as pio
from plotly.io._base_renderers import MimetypeRenderer

PLOTLY_MIME = "application/vnd.plotly.v1+json"

# Options of plotly.js shared by live and exported figures.
PLOT_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "locale": "fr",
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
}


def figure_payload(fig_dict: dict) -> str:
    """The figure as JSON that is safe inside `<script type="application/json">`."""
    text = json.dumps(
        {"data": fig_dict.get("data", []), "layout": fig_dict.get("layout", {}), "config": PLOT_CONFIG},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    # `</script` would end the element early and `<!--` would open a comment in it:
    # no `<` may appear raw (JSON.parse reads the escape back).
    return text.replace("<", "\\u003c")


def plot_html(fig_dict: dict, plot_id: str) -> str:
    meta = fig_dict.get("layout", {}).get("meta") or {}
    label = meta.get("title_fr") if isinstance(meta, dict) else None
    label = html.escape(label or "Graphique interactif")
    return (
        f'<div class="deck-plot" id="{plot_id}" role="figure" aria-label="{label}"></div>\n'
        f'<script type="application/json" class="deck-plot-data" data-for="{plot_id}">'
        f"{figure_payload(fig_dict)}</script>\n"
    )


class DeckRenderer(MimetypeRenderer):
    """plotly renderer giving the live mimetype and the export's HTML placeholder."""

    def __init__(self) -> None:
        self.count = 0

    def to_mimebundle(self, fig_dict: dict) -> dict:
        self.count += 1
        # plotly's encoder turns numpy arrays, dates and NaN into plain JSON values.
        fig_dict = json.loads(pio.to_json(fig_dict, validate=False))
        digest = hashlib.sha1(figure_payload(fig_dict).encode("utf-8")).hexdigest()[:10]
        plot_id = f"plot-{self.count}-{digest}"
        live = dict(fig_dict)
        live["config"] = PLOT_CONFIG
        return {PLOTLY_MIME: live, "text/html": plot_html(fig_dict, plot_id)}


def setup() -> None:
    """Make every figure of the notebook render with the `deck` renderer."""
    pio.renderers["deck"] = DeckRenderer()
    pio.renderers.default = "deck"
