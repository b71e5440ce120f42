"""The timelines of the deck, as plotly figures built from `Event` records.

Layout: the two tracks of the talks one above the other, each under its title (« Voie
multilatérale : Programme de travail, moratoire », « Voie plurilatérale : Déclaration conjointe »,
`Event.process`), so that "two tracks" is what the slide shows; in each track one horizontal lane
per kind of event (lane titles on the left), and inside a lane as many rows as needed so that the
short labels written next to the points never overlap at the slide's size (~1200×540 px). Details
live in the hover. Ticks are written from Python, in the current language (no plotly.js locale).

What a projected slide says without hovering, and how:

* where a fact sits in time: its marker, at its date (a conference of a few days, a date known
  to the day: a point);
* how precisely the date is known: a date known only to the month or the year, or a period whose
  ends are known only so (« 2016–2017 », « mars – septembre 2018 »), is drawn as a faded,
  hatched band over the whole window it may fall in, its marker in the middle: never a solid bar
  nor a point that would claim a day (`_window`). A period known to the day is a plain bar;
  a window too narrow to see at the axis' scale (a month on a 30-year axis) is a point;
* how sure the fact is: the marker's fill (solid: verified or 2018 presentation; pale with a
  centre dot: secondary source; hollow: to be confirmed), explained by the figure's key, a legend
  of the very marks it uses (`_key_traces`); the label itself carries no mark. A fact to be
  confirmed is also written in italics, so that it never reads as a fact even where its
  marker is small. The WTO symbol is not written on the chart: its status is in the hover,
  with the symbol, as in the tables.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Sequence

import plotly.graph_objects as go

from ..data.records import KINDS, MORATORIUM_OUTCOMES, PROCESSES, Event, PartialDate, Source
from . import style
from .. import messages
from ..messages import t

# Geometry assumed for label packing: the plot area (lane titles excluded) of a ~900 px
# wide notebook output; the 1200 px slide then has room to spare, never overlaps.
PLOT_WIDTH_PX = 820
CHAR_WIDTH_EM = 0.55  # average glyph width of Arial/Liberation Sans, wider than Source Sans
MARKER_SIZE = 15
LABEL_GAP_PX = 12  # free space kept between two labels of the same row
LANE_GAP_ROWS = 0.5
TRACK_TITLE_ROWS = 1.0  # rows: the band above a track's lanes that holds its title
BAND_HALF_HEIGHT = 0.3  # rows: a band is 0.6 of its row high
BAND_MIN_PX = 2 * MARKER_SIZE  # a window narrower than this at the axis' scale is drawn as a point
BAND_HATCH = dict(shape="/", size=9, solidity=0.12)  # plotly's fillpattern of a vague band
BAND_FILL_ALPHA = 0.10  # the band's own tint under the hatching: faded, text stays readable on it
HATCH_ALPHA = 0.6  # the hatching's lines
PERIOD_FILL_ALPHA = 0.30  # a period known to the day
MODEBAR_ROW_PX = 22  # px: the height of plotly's modebar (top right of the figure, shown on hover)
OUTCOMES_PER_ROW = 5  # the outcome legend holds five on a row; all seven (the whole track, in the explorer) take two
OUTCOME_ROW_PX = 30
SPARSE_EVENTS = 6  # a timeline of this many events or fewer draws larger markers
SPARSE_MARKER_SCALE = 1.5
KEY_ROW_PX = 34  # px kept at the bottom of a figure for one legend row (the key, the kinds)
KEY_COLOUR = style.MUTED_TEXT_COLOUR  # the key's markers: the marks, not a kind's colour
KEY_LEGEND = "legend2"  # plotly's second legend: the key, under the axis


@dataclass(frozen=True)
class _Placed:
    """Where one event sits: its marker's day, the window of its date if drawn as a band, its
    lane's row, how its label is anchored."""

    event: Event
    at: dt.date  # the marker
    band: tuple[dt.date, dt.date] | None  # first and last day of the band, if any
    vague: bool  # the band is a window the date may fall in (hatched), not a period known to the day
    row: int
    label_side: str  # "right" or "left" of the marker


@dataclass(frozen=True)
class _Axis:
    start: dt.date
    end: dt.date
    ticks: tuple[tuple[dt.date, str], ...]

    def px(self, day: dt.date) -> float:
        return (day - self.start).days / (self.end - self.start).days * PLOT_WIDTH_PX


# ---------------------------------------------------------------- dates and ticks


def _last_day(date: PartialDate) -> dt.date:
    if date.day:
        return date.first_day()
    if date.month:
        return dt.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])
    return dt.date(date.year, 12, 31)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _year_axis(first: dt.date, last: dt.date) -> _Axis:
    """Years as ticks, every other year on long spans so they stay legible."""
    step = 1 if last.year - first.year <= 14 else 2
    years = range(first.year, last.year + 1, step)
    ticks = tuple((dt.date(year, 1, 1), str(year)) for year in years)
    # Padding at both ends: a conference in mid-December must not sit on the plot's edge.
    return _Axis(dt.date(first.year, 1, 1) - dt.timedelta(days=120), dt.date(last.year, 12, 31) + dt.timedelta(days=60), ticks)


def _month_axis(first: dt.date, last: dt.date) -> _Axis:
    """Month abbreviations as ticks (« janv. 2016 »), monthly or quarterly."""
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in (1, 2, 3, 6, 12) if span / s <= 10)
    tick = dt.date(first.year, (first.month - 1) // step * step + 1, 1)
    ticks = []
    while tick <= last:
        ticks.append((tick, style.month_tick_fr(tick)))
        tick = _add_months(tick, step)
    return _Axis(ticks[0][0] - dt.timedelta(days=10), last + dt.timedelta(days=20), tuple(ticks))


def _window(event: Event) -> tuple[dt.date, dt.date]:
    """The first and last day the event's date (or period) may cover: « 2016 » is the whole year,
    « juillet 2016 » the month, « 2016–2017 » both years, « 18–20 mai 1998 » those three days."""
    return event.start.first_day(), _last_day(event.end or event.start)


def _is_vague(event: Event) -> bool:
    """Whether the date stops short of the day at either end."""
    return not (event.start.day and (event.end is None or event.end.day))


def _extent(events: Sequence[Event]) -> tuple[dt.date, dt.date]:
    """First and last day a timeline must show: every event's whole window."""
    windows = [_window(e) for e in events]
    return min(first for first, _ in windows), max(last for _, last in windows)


# ---------------------------------------------------------------- label packing


def _label_width_px(text: str) -> float:
    return len(text) * CHAR_WIDTH_EM * style.LABEL_FONT_SIZE


def _lane(event: Event) -> tuple[str, str]:
    """An event's lane: its track of the talks, then its kind."""
    return event.process, event.kind


def _place(events: Sequence[Event], axis: _Axis) -> list[_Placed]:
    """Greedy row packing per lane, in date order: first row where the marker, its label and its
    band (if any) fit."""
    rows_by_lane: dict[tuple[str, str], list[list[tuple[float, float]]]] = {}
    placed = []
    radius = MARKER_SIZE / 2
    for event in events:
        first, last = _window(event)
        wide = axis.px(last) - axis.px(first) >= BAND_MIN_PX
        band = (first, last) if wide else None
        at = first + (last - first) / 2 if wide else event.start.midpoint()
        width = _label_width_px(_chart_label(event))
        x = axis.px(at)
        if x + radius + width <= PLOT_WIDTH_PX:
            side, extent = "right", (x - radius, x + radius + width)
        else:
            side, extent = "left", (x - radius - width, x + radius)
        if band:
            extent = (min(extent[0], axis.px(first)), max(extent[1], axis.px(last)))
        rows = rows_by_lane.setdefault(_lane(event), [])
        row = next(
            (i for i, taken in enumerate(rows) if all(extent[0] > b + LABEL_GAP_PX or extent[1] < a - LABEL_GAP_PX for a, b in taken)),
            len(rows),
        )
        if row == len(rows):
            rows.append([])
        rows[row].append(extent)
        placed.append(_Placed(event, at, band, _is_vague(event) if band else False, row, side))
    return placed


# ---------------------------------------------------------------- figure


def _hover(event: Event, sources: Mapping[str, Source]) -> str:
    return style.hover_block(
        extra_lines=[style.outcome_line(event.moratorium)] if event.moratorium else [],
        title=event.label.text(),
        date_fr=event.date_text(),
        detail=event.detail.text(),
        symbol=event.symbol,
        symbol_status=event.shown_symbol_status,
        status=event.status,
        source_keys=event.sources,
        sources=sources,
    )


def _chart_label(event: Event) -> str:
    """The label written next to the marker: what the event is, and for a conference what it did
    with the moratorium. No status mark: the marker carries the status, the key explains it."""
    return style.outcome_label(event.label.text(), event.moratorium)


def _lane_title(kind: str) -> str:
    """Lane titles on two lines when long, so the left margin stays narrow."""
    words = style.kind_lanes()[kind].split(" ")
    if len(words) == 1:
        return words[0]
    cut = max(1, len(words) // 2)
    return " ".join(words[:cut]) + "<br>" + " ".join(words[cut:])


def _band_look(colour: str, vague: bool) -> dict:
    """Fill and outline of a band: faded, hatched and dotted for a window the date may fall in;
    a plain tint for a period known to the day."""
    look = dict(
        fillcolor=style.tint(colour, BAND_FILL_ALPHA if vague else PERIOD_FILL_ALPHA),
        line=dict(color=style.tint(colour, 0.55), width=1, dash="dot" if vague else "solid"),
    )
    if vague:
        look["fillpattern"] = dict(BAND_HATCH, fgcolor=style.tint(colour, HATCH_ALPHA), bgcolor=style.tint(colour, BAND_FILL_ALPHA))
    return look


def _band_trace(kind: str, bands: Sequence[tuple[dt.date, dt.date, float]], vague: bool) -> go.Scatter:
    """The bands of one kind as closed shapes of one trace (each a rectangle, None between two):
    hatched and faded for a window the date may fall in, plain for a period known to the day.
    Drawn under the markers; the marker and the label answer the hover."""
    colour = style.KIND_COLOURS[kind]
    xs: list = []
    ys: list = []
    for first, last, y in bands:
        x0, x1 = first.isoformat(), (last + dt.timedelta(days=1)).isoformat()
        y0, y1 = y - BAND_HALF_HEIGHT, y + BAND_HALF_HEIGHT
        xs += [x0, x1, x1, x0, x0, None]
        ys += [y0, y0, y1, y1, y0, None]
    return go.Scatter(
        name=style.kind_lanes()[kind],
        legendgroup=kind,
        showlegend=False,
        x=xs,
        y=ys,
        mode="lines",
        fill="toself",
        hoverinfo="skip",
        meta=dict(bands="vague" if vague else "period"),
        **_band_look(colour, vague),
    )


def _kind_traces(
    kind: str, placed: Sequence[_Placed], row_y: Mapping[tuple[tuple[str, str], int], float], axis: _Axis, sources: Mapping[str, Source]
) -> list[go.Scatter]:
    """The marks of one kind (in either track), their labels and their bands, as traces of one
    legend group, so that the legend and the filter buttons act on kinds.

    Labels are a trace of their own (invisible markers, text): plotly.js culls the text of points inside
    a line trace (seen: the label of the second span of a trace was never drawn)."""
    colour = style.KIND_COLOURS[kind]
    shape = style.KIND_SYMBOLS[kind]
    xs, ys, symbols, fills, lines, widths, hovers = ([] for _ in range(7))
    label_x, label_y, labels, positions, label_styles = ([] for _ in range(5))
    bands: dict[bool, list[tuple[dt.date, dt.date, float]]] = {True: [], False: []}

    for p in placed:
        event = p.event
        y = row_y[(_lane(event), p.row)]
        # A moratorium outcome takes over the kind's shape and colour (the legend says which);
        # the fact's status keeps its own marks (fill, outline), as on every timeline.
        own_shape = style.OUTCOME_SYMBOLS[event.moratorium] if event.moratorium else shape
        own_colour = style.OUTCOME_COLOURS[event.moratorium] if event.moratorium else colour
        look = style.marker_style(own_shape, own_colour, event.status)
        hover = [_hover(event, sources)]
        xs.append(p.at.isoformat())
        ys.append(y)
        symbols.append(look["symbol"])
        fills.append(look["color"])
        lines.append(look["line_color"])
        widths.append(look["line_width"])
        hovers.append(hover)
        label_x.append(p.at.isoformat())
        label_y.append(y)
        labels.append(style.escape(_chart_label(event)))
        positions.append(f"middle {p.label_side}")
        label_styles.append("italic" if event.status == style.UNVERIFIED else "normal")
        if p.band:
            bands[p.vague].append((*p.band, y))

    traces = [_band_trace(kind, bands[vague], vague) for vague in (False, True) if bands[vague]]
    traces.append(
        go.Scatter(
            name=style.kind_lanes()[kind],
            legendgroup=kind,
            showlegend=False,  # the lanes name the kinds (and the filter buttons, where there are some)
            x=xs,
            y=ys,
            mode="markers",
            marker=dict(
                color=fills,
                opacity=1,
                symbol=symbols,
                size=MARKER_SIZE,
                line=dict(color=lines, width=widths),
            ),
            customdata=hovers,
            hovertemplate=style.HOVER_TEMPLATE,
            hoverlabel=dict(bordercolor=colour),
            cliponaxis=True,  # when zoomed, points off the range must not spill over the lane titles
        )
    )
    traces.append(
        go.Scatter(
            name=style.kind_lanes()[kind],
            legendgroup=kind,
            showlegend=False,
            x=label_x,
            y=label_y,
            # Invisible markers of the marks' size: plotly offsets a label from its point by
            # the point's marker, so a text-only trace would write over the visible marker.
            mode="markers+text",
            marker=dict(size=MARKER_SIZE, opacity=0),
            text=labels,
            textposition=positions,
            textfont=dict(size=style.LABEL_FONT_SIZE, color=style.TEXT_COLOUR, style=label_styles),
            customdata=hovers,
            hovertemplate=style.HOVER_TEMPLATE,
            hoverlabel=dict(bordercolor=colour),
            cliponaxis=True,
        )
    )
    return traces


def _key_traces(events: Sequence[Event], placed: Sequence[_Placed]) -> list[go.Scatter]:
    """The key of the marks the figure uses (only those), as entries of its second legend, drawn
    with the very marks of the chart: « ● vérifié · ◉ source secondaire · ○ à confirmer ·
    ▨ date au mois ou à l'année près ». No point of its own; a click on it does nothing."""
    words = style.statuses()
    statuses = {e.status for e in events}
    entries = []
    solid = [s for s in ("verified", "seed") if s in statuses]
    if solid:
        entries.append(("verified" if "verified" in solid else "seed", t("figure.key_or").join(words[s] for s in solid)))
    if style.SECONDARY in statuses:
        entries.append((style.SECONDARY, words[style.SECONDARY]))
    if style.UNVERIFIED in statuses:
        entries.append((style.UNVERIFIED, t("figure.key_fact_unsure", flag=style.to_confirm())))
    traces = []
    for status, text in entries:
        look = style.marker_style("circle", KEY_COLOUR, status)
        traces.append(
            go.Scatter(
                name=style.escape(text),
                legend=KEY_LEGEND,
                legendgroup=f"key-{status}",
                x=[None],
                y=[None],
                mode="markers",
                marker=dict(symbol=look["symbol"], color=look["color"], size=MARKER_SIZE, line=dict(color=look["line_color"], width=look["line_width"])),
                hoverinfo="skip",
                showlegend=True,
                meta=dict(key=status),
            )
        )
    if any(p.vague for p in placed):
        traces.append(
            go.Scatter(
                name=style.escape(t("figure.key_vague_date")),
                legend=KEY_LEGEND,
                legendgroup="key-vague",
                x=[None],
                y=[None],
                mode="lines",
                fill="toself",
                hoverinfo="skip",
                showlegend=True,
                meta=dict(key="vague"),
                **_band_look(KEY_COLOUR, vague=True),
            )
        )
    return traces


def _timeline(
    events: Sequence[Event],
    sources: Mapping[str, Source],
    *,
    name: str,
    axis: _Axis,
    kind_buttons: bool,
) -> go.Figure:
    events = sorted(events, key=lambda e: (e.start.midpoint(), e.id))
    kinds = [kind for kind in KINDS if any(e.kind == kind for e in events)]
    placed = _place(events, axis)

    # From the top (y grows downwards, axis reversed), one unit per row: each track of the talks
    # under its title, a rule between the two; in a track, its lanes.
    row_y: dict[tuple[tuple[str, str], int], float] = {}
    lane_ticks, lane_bands, track_titles, top = [], [], [], 0.0
    for process in (p for p in PROCESSES if any(e.process == p for e in events)):
        if track_titles:
            lane_bands.append(_track_rule(top - LANE_GAP_ROWS / 2))
        track_titles.append(_track_title(process, top + TRACK_TITLE_ROWS / 2))
        top += TRACK_TITLE_ROWS
        lanes = [(process, kind) for kind in KINDS if any(_lane(e) == (process, kind) for e in events)]
        for index, lane in enumerate(lanes):
            rows = 1 + max(p.row for p in placed if _lane(p.event) == lane)
            for row in range(rows):
                row_y[(lane, row)] = top + 0.5 + row
            lane_ticks.append((top + rows / 2, _lane_title(lane[1])))
            if index % 2 == 0:
                lane_bands.append(_lane_band(top - LANE_GAP_ROWS / 2, top + rows + LANE_GAP_ROWS / 2))
            top += rows + LANE_GAP_ROWS
    bottom = top - LANE_GAP_ROWS

    outcomes = [o for o in MORATORIUM_OUTCOMES if any(e.moratorium == o for e in events)]
    by_outcome = bool(outcomes) and not kind_buttons
    traces = []
    for kind in kinds:
        of_kind = [p for p in placed if p.event.kind == kind]
        if not by_outcome:
            traces += _kind_traces(kind, of_kind, row_y, axis, sources)
            continue
        # The legend is a key of the outcomes that also filters: each outcome's points (and their
        # labels) are traces of the outcome's legend group, shown in the legend by `_outcome_key`.
        for outcome in dict.fromkeys(p.event.moratorium for p in of_kind):
            group = _kind_traces(kind, [p for p in of_kind if p.event.moratorium == outcome], row_y, axis, sources)
            for trace in group:
                if outcome:
                    trace.legendgroup = f"outcome-{outcome}"
            traces += group
    if by_outcome:
        traces += [_outcome_key(outcome) for outcome in outcomes]
    key = _key_traces(events, placed)
    fig = go.Figure(traces + key)
    keys = [key for e in events for key in e.sources]
    fig.update_layout(
        style.base_layout(name, keys),
        showlegend=True,
        # Room on top for the filter buttons (they name the kinds: no legend of the kinds) or the
        # outcome legend, below for the key. The outcome legend runs across the figure (past
        # 1100 px in English and Spanish): it gets a row of its own under plotly's modebar,
        # which otherwise covers its last entry on hover.
        margin=dict(
            l=10,
            r=20,
            t=(56 + MODEBAR_ROW_PX + (OUTCOME_ROW_PX if len(outcomes) > OUTCOMES_PER_ROW else 0) if by_outcome else 56)
            if kind_buttons or outcomes else 12,
            b=10 + (KEY_ROW_PX if key else 0),
        ),
        shapes=lane_bands,
        dragmode="zoom",
    )
    fig.layout.meta["events"] = [e.id for e in events]
    fig.layout.meta["rows"] = bottom  # rows of labels, track titles and gaps: what a figure's height must hold
    fig.layout.meta["tracks"] = [title["name"].removeprefix("track-") for title in track_titles]
    for title in track_titles:
        fig.add_annotation(title)
    fig.update_xaxes(
        type="date",
        range=[axis.start.isoformat(), axis.end.isoformat()],
        tickvals=[day.isoformat() for day, _ in axis.ticks],
        ticktext=[text for _, text in axis.ticks],
        tickfont=dict(size=style.TEXT_SIZE),
        showgrid=True,
        gridcolor=style.GRID_COLOUR,
        zeroline=False,
        showline=True,
        linecolor=style.MUTED_TEXT_COLOUR,
        ticks="outside",
        automargin=True,
    )
    fig.update_yaxes(
        range=[bottom + 0.15, -0.15],  # reversed: the first track on top
        tickvals=[y for y, _ in lane_ticks],
        ticktext=[text for _, text in lane_ticks],
        tickfont=dict(size=style.TEXT_SIZE),
        showgrid=False,
        zeroline=False,
        fixedrange=True,  # zoom along time only
        automargin=True,
    )
    # The key, bottom left, under the tick labels: the top right belongs to plotly's modebar,
    # which would hide it on hover.
    fig.update_layout(
        {
            KEY_LEGEND: dict(
                orientation="h", x=0, xanchor="left", yref="container", y=0, yanchor="bottom",
                font=dict(size=style.TEXT_SIZE), itemclick=False, itemdoubleclick=False, bgcolor="rgba(255,255,255,0)",
            )
        }
    )
    if kind_buttons:
        fig.update_layout(updatemenus=[_kind_buttons([trace.legendgroup for trace in fig.data], key_groups={k.legendgroup for k in key})])
    elif outcomes:
        fig.layout.meta["outcomes"] = outcomes
        fig.update_layout(
            legend=dict(
                orientation="h", x=0, xanchor="left", y=1.01, yanchor="bottom", font=dict(size=style.TEXT_SIZE),
                title=dict(text=style.outcome_title(), font=dict(size=style.TEXT_SIZE)),
            )
        )
    return fig


def _outcome_key(outcome: str) -> go.Scatter:
    """The legend entry of one moratorium outcome: no point of its own (so that its icon is the
    outcome's plain marker, whatever the statuses of its points); a click on it hides or shows the
    points of its legend group."""
    return go.Scatter(
        name=style.outcomes()[outcome],
        legendgroup=f"outcome-{outcome}",
        x=[None],
        y=[None],
        mode="markers",
        marker=dict(symbol=style.OUTCOME_SYMBOLS[outcome], color=style.OUTCOME_COLOURS[outcome], size=MARKER_SIZE),
        hoverinfo="skip",
        showlegend=True,
    )


def _track_title(process: str, y: float) -> dict:
    """A track's title, at the top left of its lanes, in the band kept for it."""
    return dict(
        text=f"<b>{style.escape(messages.group('process')[process])}</b>",
        xref="paper",
        x=0,
        xanchor="left",
        xshift=4,
        yref="y",
        y=y,
        yanchor="middle",
        showarrow=False,
        font=dict(size=style.TEXT_SIZE, color=style.TEXT_COLOUR),
        name=f"track-{process}",
    )


def _track_rule(y: float) -> dict:
    """The line between the two tracks, across the plot and its lane titles."""
    return dict(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        yref="y",
        y0=y,
        y1=y,
        line=dict(color=style.MUTED_TEXT_COLOUR, width=2),
        layer="above",
        name="track-rule",
    )


def _lane_band(y0: float, y1: float) -> dict:
    return dict(
        type="rect",
        xref="paper",
        x0=0,
        x1=1,
        yref="y",
        y0=y0,
        y1=y1,
        fillcolor=style.LANE_BAND_COLOUR,
        line=dict(width=0),
        layer="below",
    )


def _kind_buttons(trace_kinds: Sequence[str], key_groups: set[str] = frozenset()) -> dict:
    """« Tout » plus one button per kind (`legendonly` hides the others; « Tout » brings them
    back). Plain plotly: works in an exported page, no kernel.
    `trace_kinds` is the legend group of each trace, in trace order (a kind has several traces);
    the key's entries (`key_groups`) stay shown."""
    kinds = [k for k in dict.fromkeys(trace_kinds) if k not in key_groups]

    def only(kind: str | None) -> list:
        return [True if kind in (None, k) or k in key_groups else "legendonly" for k in trace_kinds]

    buttons = [dict(label=t("figure.all_kinds"), method="restyle", args=[{"visible": only(None)}])]
    buttons += [dict(label=style.kind_buttons()[k], method="restyle", args=[{"visible": only(k)}]) for k in kinds]
    return dict(
        type="buttons",
        direction="right",
        buttons=buttons,
        active=0,
        showactive=True,
        x=0,
        xanchor="left",
        y=1.02,
        yanchor="bottom",
        pad=dict(l=0, r=0, t=0, b=0),
        font=dict(size=style.TEXT_SIZE),
        bgcolor="white",
        bordercolor=style.MUTED_TEXT_COLOUR,
    )


# ---------------------------------------------------------------- public builders


@dataclass(frozen=True)
class Period:
    """The years a timeline shows, both included; None: open-ended."""

    first: int | None = None
    last: int | None = None
    moratorium_only: bool = False  # only the events that did something with the moratorium

    def holds(self, event: Event) -> bool:
        year = event.start.year
        if self.moratorium_only and not event.moratorium:
            return False
        return (self.first is None or year >= self.first) and (self.last is None or year <= self.last)

    @property
    def name(self) -> str:
        return f"{self.first or ''}-{self.last or ''}" + (":moratorium" if self.moratorium_only else "")


# The 2018 presentation's moratorium timeline stops at CM11 (December 2017); what follows is the
# epilogue's continuation (« Et depuis 2018 ? »).
SEED_PERIOD = Period(last=2017)
AFTER_SEED_PERIOD = Period(first=2018)
# The whole moratorium, 1998 to its lapse in 2026, on one axis: its decisions only (section 08).
MORATORIUM_PERIOD = Period(moratorium_only=True)
PERIODS = {"SEED_PERIOD": SEED_PERIOD, "AFTER_SEED_PERIOD": AFTER_SEED_PERIOD, "MORATORIUM_PERIOD": MORATORIUM_PERIOD}  # by name, for calls.py


def build_programme_timeline(events: Sequence[Event], sources: Mapping[str, Source], period: Period | None = None) -> go.Figure:
    """Timeline A: the 1998 Declaration, the Work Programme and the Ministerial
    Conferences that renewed the moratorium, or not, each marked with its outcome. Conferences
    last a few days: on a 30-year axis they are points, their dates in the hover.

    `period` keeps the events of those years only: the seed's slide (to 2017) and the epilogue's
    continuation (from 2018) are the same figure over two periods."""
    name = "programme"
    if period is not None:
        events = [e for e in events if period.holds(e)]
        name = f"programme:{period.name}"
    if not events:
        raise ValueError(f"no event of the programme timeline in the period {period.name if period else ''}")
    fig = _timeline(events, sources, name=name, axis=_year_axis(*_extent(events)), kind_buttons=False)
    if len(events) <= SPARSE_EVENTS:
        # A few points on a slide-wide axis (the epilogue's continuation): larger markers, read
        # from the back of the room; the labels' invisible markers grow too, so labels keep clear.
        # The keys' markers (no point of their own) keep the legend's size.
        for trace in fig.data:
            if trace.customdata and trace.marker.size:
                trace.marker.size = trace.marker.size * SPARSE_MARKER_SCALE
    return fig


def build_momentum_timeline(events: Sequence[Event], sources: Mapping[str, Source]) -> go.Figure:
    """Timeline B: 2016–2017, filterable by kind (legend and buttons)."""
    return _timeline(events, sources, name="momentum", axis=_month_axis(*_extent(events)), kind_buttons=True)


def build_meetings_2018_timeline(events: Sequence[Event], sources: Mapping[str, Source]) -> go.Figure:
    """Timeline C: 2018, the Joint Statement group's span and the General Council's work."""
    return _timeline(events, sources, name="meetings2018", axis=_month_axis(*_extent(events)), kind_buttons=False)


# The builder of each track's figure (records.TRACKS): the one map from a track to its timeline,
# read by the deck's timelines (`timeline.py`), the explorer and the fact audit. The epilogue, shown
# only as context, is drawn on a year axis like timeline A.
BUILDERS = {
    "programme": build_programme_timeline,
    "momentum": build_momentum_timeline,
    "meetings2018": build_meetings_2018_timeline,
    "epilogue": build_programme_timeline,
}


def build_track_timeline(
    track: str, events: Sequence[Event], sources: Mapping[str, Source], period: str | Period | None = None
) -> go.Figure:
    """The timeline of one track's events (all of them, or a filtered selection); `period`, a
    `Period` or the name of one of this module (`SEED_PERIOD`), keeps the events of its years."""
    if period is None:
        return BUILDERS[track](events, sources)
    if isinstance(period, str):
        period = PERIODS[period]
    return BUILDERS[track](events, sources, period)
