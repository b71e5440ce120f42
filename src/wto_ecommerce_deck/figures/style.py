"""Shared look of the deck's figures: fonts, colours, French labels, hover text.

Every figure is drawn for a 1280×720 slide (plots of about 1200×540 px) shown
on a projector, so text is large and colours keep WCAG AA contrast on white.
Nothing here reads files but the message catalogue (the words, read once, at import):
builders stay pure and deterministic.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from typing import Iterable, Mapping, Sequence

from .. import messages
from ..data.records import Source
from ..messages import t

# Quoted: unquoted, "Source Sans 3" ends with a number, which makes the whole CSS
# font-family value invalid; the browser then ignores it and plotly mis-measures text.
FONT_FAMILY = '"Source Sans 3", "Source Sans Pro", Arial, sans-serif'
BASE_FONT_SIZE = 18
# The smallest text a figure writes (ticks, labels, legends, keys): at 1280×720 reveal draws the
# slide at 0.96, so 17 px stays at 16 px or more as projected (tests/test_presenting.py measures it).
TEXT_SIZE = 17
LABEL_FONT_SIZE = TEXT_SIZE  # labels written on the chart next to the points
HOVER_FONT_SIZE = TEXT_SIZE

TEXT_COLOUR = "#1a1a1a"
MUTED_TEXT_COLOUR = "#4d4d4d"  # 8.5:1 on white
GRID_COLOUR = "#d9d9d9"
LANE_BAND_COLOUR = "#f4f4f4"
NBSP = "\u00a0"

# Okabe–Ito palette (colour-blind safe), yellow left out (too pale on white) and
# orange/sky blue darkened so that every colour reaches 3:1 against white
# (WCAG 1.4.11 for graphics); texts on the chart stay dark, not coloured.
KIND_COLOURS = {
    "conference": "#0072B2",  # blue
    "declaration": "#C85A00",  # vermilion, darkened
    "decision": "#009E73",  # bluish green
    "workshop": "#B07800",  # orange, darkened
    "group": "#CC3F8C",  # reddish purple, darkened
    "communication": "#2B8CC4",  # sky blue, darkened
    "meeting": "#5B4B9A",  # violet
    "review": "#4D4D4D",  # dark grey
}

# Marker shapes double the colour so kinds stay apart in grey print and for
# colour-blind readers. Unverified items use the `-open` variant.
KIND_SYMBOLS = {
    "conference": "circle",
    "declaration": "star",
    "decision": "diamond",
    "workshop": "square",
    "group": "triangle-up",
    "communication": "circle",
    "meeting": "hexagon",
    "review": "square",
}

# The words (lane titles, filter buttons, statuses, month abbreviations, the status key) are the
# message catalogue's (assets/i18n/<lang>.json: kind_lane, kind_button, status, month_short, figure.*).
# Looked up when used, in the current language (`deck.setup(lang=…)`): a module imported before
# the notebook chose its language still speaks that language. The old constant names stay
# readable as module attributes (`style.STATUS_FR`), computed on each access (`__getattr__` below).
UNVERIFIED = "unverified"
SECONDARY = "secondary"
SECONDARY_SUFFIX = " *"


def kind_lanes() -> dict[str, str]:
    """The lane titles at the left of the timelines and in the legend (plural)."""
    return messages.group("kind_lane")


def kind_buttons() -> dict[str, str]:
    """The short names of the filter buttons."""
    return messages.group("kind_button")


def statuses() -> dict[str, str]:
    """One vocabulary for statuses, wherever the decks show one (hovers, tables, keys, notes, the
    sources page): the words of the data README."""
    return messages.group("status")


def to_confirm() -> str:
    """« à confirmer », "to be confirmed", « por confirmar »."""
    return statuses()[UNVERIFIED]


def symbol_to_confirm() -> str:
    """« cote à confirmer »."""
    return t("figure.symbol_to_confirm", flag=to_confirm())


def unverified_suffix() -> str:
    return f" ({to_confirm()})"


def month_abbreviations() -> tuple[str, ...]:
    """« janv. » … « déc. »."""
    return tuple(messages.group("month_short").values())


_LOOKED_UP = {
    "KIND_LANES_FR": kind_lanes, "KIND_BUTTONS_FR": kind_buttons, "STATUS_FR": statuses,
    "TO_CONFIRM_FR": to_confirm, "SYMBOL_TO_CONFIRM_FR": symbol_to_confirm,
    "UNVERIFIED_SUFFIX": unverified_suffix,
    "MONTH_ABBREVIATIONS_FR": month_abbreviations,
    "OUTCOME_FR": lambda: outcomes(), "OUTCOME_SHORT_FR": lambda: outcomes_short(),
    "OUTCOME_LEGEND_TITLE_FR": lambda: outcome_title(),
}


def __getattr__(name: str):
    if name in _LOOKED_UP:
        return _LOOKED_UP[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Status on the slide itself, without hovering, on screen and on paper: how sure the FACT is
# changes its marker (solid: verified or 2018 presentation; pale with a centre dot: secondary
# source; hollow: to confirm), which each figure's key explains with the same marks
# (`figures/timelines.py`, `_key_traces`); how sure its WTO SYMBOL is never changes the marker
# (a sure conference with an unsure symbol does not look doubtful): the symbol, with « cote à
# confirmer », is in the hover and the tables, not on the chart. The structure chart, whose boxes
# have no marker, frames a body that is not verified in dashes and writes its marks after its name
# (`status_label`).
SECONDARY_FILL_ALPHA = 0.3


def fact_mark(status: str) -> str:
    """How a fact's marker is drawn: "solid", "secondary" or "unverified"."""
    if status == UNVERIFIED:
        return "unverified"
    return "secondary" if status == SECONDARY else "solid"


def status_label(label: str, status: str) -> str:
    """A name with the marks of its status, for a chart that has no marker to carry them (the
    structure chart's boxes): « * » for a secondary source, « (à confirmer) » (plain text, not escaped)."""
    suffix = {"unverified": unverified_suffix(), "secondary": SECONDARY_SUFFIX}.get(fact_mark(status), "")
    return f"{label}{suffix}"


def tint(colour: str, alpha: float = SECONDARY_FILL_ALPHA) -> str:
    """`#rrggbb` as a pale rgba fill."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def marker_style(shape: str, colour: str, status: str) -> dict:
    """Plotly marker symbol, fill, outline colour and width of one point, from its fact's status:
    solid (verified, 2018 presentation), pale with a centre dot (secondary), hollow (to confirm)."""
    mark = fact_mark(status)
    if mark == "unverified":
        return dict(symbol=f"{shape}-open", color=colour, line_color=colour, line_width=3)
    if mark == "secondary":
        return dict(symbol=f"{shape}-dot", color=tint(colour), line_color=colour, line_width=2)
    return dict(symbol=shape, color=colour, line_color="white", line_width=1)


HOVER_WRAP_CHARS = 60  # plotly never wraps hover text itself


def escape(text: str) -> str:
    """Make data text inert in plotly's HTML subset.

    `quote=False`: plotly decodes `&lt;`, `&gt;`, `&amp;` and numeric entities
    but shows `&quot;` literally, and quotes cannot open a tag once `<` is escaped.
    """
    return html.escape(text, quote=False)


def wrap(text: str, width: int = HOVER_WRAP_CHARS) -> str:
    """Escape, then break long text into `<br>`-separated lines."""
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(escape(line) for line in lines)


def status_fr(status: str) -> str:
    return statuses()[status]


def source_titles(keys: Sequence[str], sources: Mapping[str, Source]) -> list[str]:
    """Titles of the cited sources; an unknown key shows as itself, never vanishes."""
    return [sources[key].title.text() if key in sources else key for key in keys]


def hover_block(
    *,
    title: str,
    date_fr: str | None,
    detail: str | None,
    symbol: str | None,
    symbol_status: str | None,
    status: str,
    source_keys: Sequence[str],
    sources: Mapping[str, Source],
    extra_lines: Iterable[str] = (),
) -> str:
    """The hover text of one item, escaped, as one string for `customdata`.

    Order: what (bold), when, details, the WTO symbol with its own status,
    the status of the fact, the sources. Unverified facts or symbols say
    « à confirmer » next to what is unsure.
    """
    lines = [f"<b>{escape(title)}</b>"]
    if date_fr:
        lines.append(escape(date_fr))
    if detail:
        lines.append(wrap(detail))
    lines.extend(extra_lines)
    if symbol:
        if symbol_status == UNVERIFIED:
            lines.append(escape(t("figure.symbol_unsure", symbol=symbol, flag=symbol_to_confirm())))
        else:
            lines.append(escape(t("figure.symbol", symbol=symbol)))
    status_line = escape(t("figure.status", status=status_fr(status)))
    if status == UNVERIFIED:
        status_line = f"<b>{status_line}</b>"
    lines.append(status_line)
    titles = source_titles(source_keys, sources)
    if titles:
        lines.append(wrap(t("common.sources_label", count=len(titles)) + t("common.colon") + t("common.list_separator").join(titles)))
    return "<br>".join(lines)


# One field of customdata holds the whole hover; `<extra></extra>` drops the trace name box.
HOVER_TEMPLATE = "%{customdata[0]}<extra></extra>"


def is_unsure(status: str, symbol_status: str | None = None) -> bool:
    """Whether a fact or its symbol needs « à confirmer » somewhere (hover, table, label)."""
    return status == UNVERIFIED or symbol_status == UNVERIFIED


def month_tick_fr(day: dt.date) -> str:
    """« janv. 2016 », « mars 2018 » (in the current language): built here, not by plotly, so that
    live and exported ticks read the same."""
    return f"{month_abbreviations()[day.month - 1]} {day.year}"


def base_layout(name: str, source_keys: Iterable[str], **overrides) -> dict:
    """Layout shared by every figure: no title (slides have headings), no fixed size.

    `meta` names the figure and lists the source keys it shows, for tests and the fact audit.
    """
    layout = dict(
        template="none",
        autosize=True,
        font=dict(family=FONT_FAMILY, size=BASE_FONT_SIZE, color=TEXT_COLOUR),
        separators=t("figure.separators"),  # plotly's decimal and thousands marks: French « , » and a space
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=10, b=10, pad=0),
        hoverlabel=dict(
            font=dict(family=FONT_FAMILY, size=HOVER_FONT_SIZE, color=TEXT_COLOUR),
            bgcolor="white",
            align="left",
        ),
        hovermode="closest",
        legend=dict(orientation="h", x=0, xanchor="left", y=-0.12, yanchor="top", font=dict(size=TEXT_SIZE)),
        meta=dict(figure=name, sources=sorted(set(source_keys))),
    )
    layout.update(overrides)
    return layout


# ---------------------------------------------------------------- the moratorium, conference after conference
# What each conference did with the moratorium (records.MORATORIUM_OUTCOMES), read on the slide
# without hovering: a marker of its own (shape and colour, both, for grey print and colour-blind
# readers), a short word after the label, and a legend. The status keeps its own encoding (open
# marker for « à confirmer »), so the two never mix.
OUTCOME_SYMBOLS = {
    "instituted": "star",
    "renewed": "circle",
    "no-decision": "square",
    "failed": "x",
    "programme-only": "diamond",
    "extended": "triangle-right",
    "lapsed": "triangle-down",
}
OUTCOME_COLOURS = {
    "instituted": "#0072B2",  # blue
    "renewed": "#009E73",  # bluish green
    "no-decision": "#4D4D4D",  # dark grey
    "failed": "#B07800",  # orange, darkened
    "programme-only": "#5B4B9A",  # violet
    "extended": "#2B8CC4",  # sky blue, darkened
    "lapsed": "#C85A00",  # vermilion, darkened
}
# The legend's words, and the short word written after the label on the chart: the catalogue's
# `outcome`, `outcome_short` and `figure.outcome_title`, in the current language.
def outcomes() -> dict[str, str]:
    return messages.group("outcome")


def outcomes_short() -> dict[str, str]:
    return messages.group("outcome_short")


def outcome_title() -> str:
    """« Moratoire : », the legend's title."""
    return t("figure.outcome_title")


def outcome_label(label: str, outcome: str | None) -> str:
    """« CM4 Doha · renouvelé »: the label on the chart says what the conference decided."""
    return f"{label} · {outcomes_short()[outcome]}" if outcome else label


def outcome_line(outcome: str) -> str:
    """The hover's line on the moratorium: « Moratoire : moratoire renouvelé » reads twice, so the short word."""
    return f"{escape(outcome_title())} {escape(outcomes()[outcome])}"
