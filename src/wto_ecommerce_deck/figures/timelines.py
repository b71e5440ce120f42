"""The three timelines of the deck, as plotly figures built from `Event` records.

Layout: one horizontal lane per kind of event (lane titles on the left), and
inside a lane as many rows as needed so that the short labels written next to
the points never overlap at the slide's size (~1200×540 px). Details live in
the hover. Ticks are written in French from Python (no plotly.js locale).
"""

from __future__ import annotations

import calendar
import math
import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Sequence

import plotly.graph_objects as go

from ..data.records import KINDS, MORATORIUM_OUTCOMES, Event, PartialDate, Source
from . import style
from ..messages import t

# Geometry assumed for label packing: the plot area (lane titles excluded) of a ~900 px
# wide notebook output; the 1200 px slide then has room to spare, never overlaps.
PLOT_WIDTH_PX = 820
CHAR_WIDTH_EM = 0.55  # average glyph width of Arial/Liberation Sans, wider than Source Sans
MARKER_SIZE = 15
LABEL_GAP_PX = 12  # free space kept between two labels of the same row
LANE_GAP_ROWS = 0.5
RANGE_LINE_WIDTH = 24  # px: a span drawn as a bar that holds its label
MODEBAR_ROW_PX = 22  # px: the height of plotly's modebar (top right of the figure, shown on hover)
SPARSE_EVENTS = 6  # a timeline of this many events or fewer draws larger markers
SPARSE_MARKER_SCALE = 1.5
LEGEND_ROW_PX = 34  # px kept at the bottom of a figure with a legend, below the status key


@dataclass(frozen=True)
class _Placed:
    """Where one event sits: its lane, its row inside the lane, how its label is anchored."""

    event: Event
    start: dt.date
    end: dt.date | None  # only for spans drawn as bars
    row: int
    label_side: str  # "right", "left" or "center" (span)


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
    """French month abbreviations as ticks (« janv. 2016 »), monthly or quarterly."""
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in (1, 2, 3, 6, 12) if span / s <= 10)
    tick = dt.date(first.year, (first.month - 1) // step * step + 1, 1)
    ticks = []
    while tick <= last:
        ticks.append((tick, style.month_tick_fr(tick)))
        tick = _add_months(tick, step)
    return _Axis(ticks[0][0] - dt.timedelta(days=10), last + dt.timedelta(days=20), tuple(ticks))


# ---------------------------------------------------------------- label packing


def _label_width_px(text: str) -> float:
    return len(text) * CHAR_WIDTH_EM * style.LABEL_FONT_SIZE


def _drawn_period(event: Event, draw_spans: bool) -> tuple[dt.date, dt.date | None]:
    """Where an event is drawn: (day, None) for a point, (first, last day) for a span.

    On a month axis, a date known only to the year is a span over that year: a point
    at 1 July would claim a precision the source does not have."""
    if draw_spans and event.end:
        return event.start.first_day(), _last_day(event.end)
    if draw_spans and event.start.month is None:
        return event.start.first_day(), _last_day(event.start)
    return event.start.midpoint(), None


def _place(events: Sequence[Event], axis: _Axis, draw_spans: bool) -> list[_Placed]:
    """Greedy row packing per lane, in date order: first row where the label fits."""
    rows_by_kind: dict[str, list[list[tuple[float, float]]]] = {}
    placed = []
    for event in events:
        start, end = _drawn_period(event, draw_spans)
        width = _label_width_px(_chart_label(event))
        x = axis.px(start)
        radius = MARKER_SIZE / 2
        if end is not None:
            x_end = axis.px(end)
            middle = (x + x_end) / 2
            side, extent = "center", (min(x, middle - width / 2), max(x_end, middle + width / 2))
        elif x + radius + width <= PLOT_WIDTH_PX:
            side, extent = "right", (x - radius, x + radius + width)
        else:
            side, extent = "left", (x - radius - width, x + radius)
        rows = rows_by_kind.setdefault(event.kind, [])
        row = next(
            (i for i, taken in enumerate(rows) if all(extent[0] > b + LABEL_GAP_PX or extent[1] < a - LABEL_GAP_PX for a, b in taken)),
            len(rows),
        )
        if row == len(rows):
            rows.append([])
        rows[row].append(extent)
        placed.append(_Placed(event, start, end, row, side))
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
    """The label written next to the point, with the marks of its status (style.status_label)."""
    return style.status_label(style.outcome_label(event.label.text(), event.moratorium), event.status, event.shown_symbol_status)


def _lane_title(kind: str) -> str:
    """Lane titles on two lines when long, so the left margin stays narrow."""
    words = style.kind_lanes()[kind].split(" ")
    if len(words) == 1:
        return words[0]
    cut = max(1, len(words) // 2)
    return " ".join(words[:cut]) + "<br>" + " ".join(words[cut:])


def _kind_traces(
    kind: str, placed: Sequence[_Placed], row_y: Mapping[tuple[str, int], float], axis: _Axis, sources: Mapping[str, Source]
) -> list[go.Scatter]:
    """The marks of one kind and their labels, as two traces of one legend group, so that
    the legend and the filter buttons act on kinds.

    Labels are a trace of their own (invisible markers, text): plotly.js culls the text of points inside
    a line trace (seen: the label of the second span of a trace was never drawn)."""
    colour = style.KIND_COLOURS[kind]
    shape = style.KIND_SYMBOLS[kind]
    has_spans = any(p.end is not None for p in placed)
    xs, ys, symbols, fills, lines, widths, sizes, hovers = ([] for _ in range(8))
    label_x, label_y, labels, positions, label_sizes, label_hovers = ([] for _ in range(6))

    def mark(x, y, status, size, hover, outcome=None):
        # A moratorium outcome takes over the kind's shape and colour (the legend says which);
        # the fact's status keeps its own marks (fill, outline), as on every timeline.
        own_shape = style.OUTCOME_SYMBOLS[outcome] if outcome else shape
        own_colour = style.OUTCOME_COLOURS[outcome] if outcome else colour
        look = style.marker_style(own_shape, own_colour, status)
        xs.append(x.isoformat() if x else None)
        ys.append(y)
        symbols.append(look["symbol"])
        fills.append(look["color"])
        lines.append(look["line_color"])
        # A size-0 point (a span's hover point) is still drawn as its outline: none, so that
        # no dot lands on the span's label.
        widths.append(look["line_width"] if size else 0)
        sizes.append(size)
        hovers.append([hover])

    def label(x, y, text, position, hover):
        label_x.append(x.isoformat())
        label_y.append(y)
        labels.append(text)
        positions.append(position)
        label_sizes.append(MARKER_SIZE if position != "middle center" else 0)
        label_hovers.append([hover])

    for p in placed:
        event = p.event
        y = row_y[(kind, p.row)]
        hover = _hover(event, sources)
        text = style.escape(_chart_label(event))
        if p.end is not None:
            # A span: a thick line between two small end markers, the label in the middle.
            # Plotly hovers points, not lines: invisible points every ~40 px keep the whole
            # bar hoverable (hoverdistance is 20 px).
            steps = 2 * max(1, math.ceil((axis.px(p.end) - axis.px(p.start)) / 80))
            for step in range(steps + 1):
                day = p.start + (p.end - p.start) * step / steps
                mark(day, y, event.status, MARKER_SIZE * 0.7 if step in (0, steps) else 0, hover)
            mark(None, None, "verified", 0, "")  # a gap: no line to the next item
            label(p.start + (p.end - p.start) / 2, y, text, "middle center", hover)
        else:
            mark(p.start, y, event.status, MARKER_SIZE, hover, event.moratorium)
            if has_spans:
                mark(None, None, "verified", 0, "")
            label(p.start, y, text, f"middle {p.label_side}", hover)

    marks = go.Scatter(
        name=style.kind_lanes()[kind],
        legendgroup=kind,
        x=xs,
        y=ys,
        mode="lines+markers" if has_spans else "markers",
        line=dict(color=style.tint(colour, 0.28), width=RANGE_LINE_WIDTH),
        connectgaps=False,
        marker=dict(
            color=fills,
            opacity=1,  # plotly fades markers to 0.7 when sizes vary per point
            symbol=symbols,
            size=sizes,
            line=dict(color=lines, width=widths),
        ),
        customdata=hovers,
        hovertemplate=style.HOVER_TEMPLATE,
        hoverlabel=dict(bordercolor=colour),
        cliponaxis=True,  # when zoomed, points off the range must not spill over the lane titles
    )
    texts = go.Scatter(
        name=style.kind_lanes()[kind],
        legendgroup=kind,
        showlegend=False,
        x=label_x,
        y=label_y,
        # Invisible markers of the marks' size: plotly offsets a label from its point by
        # the point's marker, so a text-only trace would write over the visible marker.
        mode="markers+text",
        marker=dict(size=label_sizes, opacity=0),
        text=labels,
        textposition=positions,
        textfont=dict(size=style.LABEL_FONT_SIZE, color=style.TEXT_COLOUR),
        customdata=label_hovers,
        hovertemplate=style.HOVER_TEMPLATE,
        hoverlabel=dict(bordercolor=colour),
        cliponaxis=True,
    )
    return [marks, texts]


def _timeline(
    events: Sequence[Event],
    sources: Mapping[str, Source],
    *,
    name: str,
    axis: _Axis,
    draw_spans: bool,
    kind_buttons: bool,
) -> go.Figure:
    events = sorted(events, key=lambda e: (e.start.midpoint(), e.id))
    kinds = [kind for kind in KINDS if any(e.kind == kind for e in events)]
    placed = _place(events, axis, draw_spans)

    # Lanes from the top: y grows downwards (axis reversed), one unit per row.
    row_y: dict[tuple[str, int], float] = {}
    lane_ticks, bands, top = [], [], 0.0
    for index, kind in enumerate(kinds):
        rows = 1 + max(p.row for p in placed if p.event.kind == kind)
        for row in range(rows):
            row_y[(kind, row)] = top + 0.5 + row
        lane_ticks.append((top + rows / 2, _lane_title(kind)))
        if index % 2 == 0:
            bands.append(_band(top - LANE_GAP_ROWS / 2, top + rows + LANE_GAP_ROWS / 2))
        top += rows + LANE_GAP_ROWS
    bottom = top - LANE_GAP_ROWS

    key = style.status_key((e.status for e in events), (e.shown_symbol_status for e in events))
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
            pair = _kind_traces(kind, [p for p in of_kind if p.event.moratorium == outcome], row_y, axis, sources)
            for trace in pair:
                trace.showlegend = False
                if outcome:
                    trace.legendgroup = f"outcome-{outcome}"
            traces += pair
    if by_outcome:
        traces += [_outcome_key(outcome) for outcome in outcomes]
    fig = go.Figure(traces)
    keys = [key for e in events for key in e.sources]
    fig.update_layout(
        style.base_layout(name, keys),
        showlegend=kind_buttons or bool(outcomes),
        # Room on top for the filter buttons or the outcome legend, below for the status key.
        # The outcome legend runs across the figure (past 1100 px in English and Spanish): it
        # gets a row of its own under plotly's modebar, which otherwise covers its last entry
        # on hover.
        margin=dict(
            l=10,
            r=20,
            t=(56 + MODEBAR_ROW_PX if by_outcome else 56) if kind_buttons or outcomes else 12,
            b=(58 if key else 10) + (LEGEND_ROW_PX if kind_buttons else 0),
        ),
        shapes=bands,
        dragmode="zoom",
    )
    fig.layout.meta["events"] = [e.id for e in events]
    fig.update_xaxes(
        type="date",
        range=[axis.start.isoformat(), axis.end.isoformat()],
        tickvals=[day.isoformat() for day, _ in axis.ticks],
        ticktext=[text for _, text in axis.ticks],
        tickfont=dict(size=16),
        showgrid=True,
        gridcolor=style.GRID_COLOUR,
        zeroline=False,
        showline=True,
        linecolor=style.MUTED_TEXT_COLOUR,
        ticks="outside",
        automargin=True,
    )
    fig.update_yaxes(
        range=[bottom + 0.15, -0.15 - LANE_GAP_ROWS / 2],  # reversed: first lane on top
        tickvals=[y for y, _ in lane_ticks],
        ticktext=[text for _, text in lane_ticks],
        tickfont=dict(size=16),
        showgrid=False,
        zeroline=False,
        fixedrange=True,  # zoom along time only
        automargin=True,
    )
    if kind_buttons:
        fig.update_layout(legend=dict(yref="container", y=0, yanchor="bottom"))
    if key:
        fig.add_annotation(_status_key_annotation(key))
    if kind_buttons:
        fig.update_layout(updatemenus=[_kind_buttons([trace.legendgroup for trace in traces])])
    elif outcomes:
        fig.layout.meta["outcomes"] = outcomes
        fig.update_layout(
            legend=dict(
                orientation="h", x=0, xanchor="left", y=1.01, yanchor="bottom", font=dict(size=16),
                title=dict(text=style.outcome_title(), font=dict(size=16)),
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


def _band(y0: float, y1: float) -> dict:
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


def _status_key_annotation(text: str) -> dict:
    """The key of the status marks (style.status_key), under the tick labels, bottom left: the
    top right belongs to plotly's modebar, which would hide it on hover, and reveal's navigation
    arrows sit bottom right. A legend, if any, sits below it, at the bottom of the figure."""
    return dict(
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-28,
        showarrow=False,
        font=dict(size=15, color=style.TEXT_COLOUR),
        name="status-key",
    )


def _kind_buttons(trace_kinds: Sequence[str]) -> dict:
    """« Tout » plus one button per kind; hidden kinds stay in the legend (`legendonly`)
    so a click there brings them back. Plain plotly: works in an exported page, no kernel.
    `trace_kinds` is the kind of each trace, in trace order (a kind has several traces)."""
    kinds = list(dict.fromkeys(trace_kinds))

    def only(kind: str | None) -> list:
        return [True if kind in (None, k) else "legendonly" for k in trace_kinds]

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
        font=dict(size=15),
        bgcolor="white",
        bordercolor=style.MUTED_TEXT_COLOUR,
    )


def _extent(events: Sequence[Event], draw_spans: bool) -> tuple[dt.date, dt.date]:
    """First and last day drawn: a point sits at its midpoint, a span from its first to its last day."""
    periods = [_drawn_period(e, draw_spans) for e in events]
    return min(start for start, _ in periods), max(end or start for start, end in periods)


# ---------------------------------------------------------------- public builders


@dataclass(frozen=True)
class Period:
    """The years a timeline shows, both included; None: open-ended."""

    first: int | None = None
    last: int | None = None

    def holds(self, event: Event) -> bool:
        year = event.start.year
        return (self.first is None or year >= self.first) and (self.last is None or year <= self.last)

    @property
    def name(self) -> str:
        return f"{self.first or ''}-{self.last or ''}"


# The 2018 presentation's moratorium timeline stops at CM11 (December 2017); what follows is the
# epilogue's continuation (« Et depuis 2018 ? »).
SEED_PERIOD = Period(last=2017)
AFTER_SEED_PERIOD = Period(first=2018)
PERIODS = {"SEED_PERIOD": SEED_PERIOD, "AFTER_SEED_PERIOD": AFTER_SEED_PERIOD}  # by name, for calls.py


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
    fig = _timeline(events, sources, name=name, axis=_year_axis(*_extent(events, False)), draw_spans=False, kind_buttons=False)
    if len(events) <= SPARSE_EVENTS:
        # A few points on a slide-wide axis (the epilogue's continuation): larger markers, read
        # from the back of the room; the labels' invisible markers grow too, so labels keep clear.
        for trace in fig.data:
            if isinstance(trace.marker.size, tuple):
                trace.marker.size = [size * SPARSE_MARKER_SCALE for size in trace.marker.size]
    return fig


def build_momentum_timeline(events: Sequence[Event], sources: Mapping[str, Source]) -> go.Figure:
    """Timeline B: 2016–2017, filterable by kind (legend and buttons)."""
    return _timeline(events, sources, name="momentum", axis=_month_axis(*_extent(events, True)), draw_spans=True, kind_buttons=True)


def build_meetings_2018_timeline(events: Sequence[Event], sources: Mapping[str, Source]) -> go.Figure:
    """Timeline C: 2018, the Joint Statement group's span and the General Council's work."""
    return _timeline(events, sources, name="meetings2018", axis=_month_axis(*_extent(events, True)), draw_spans=True, kind_buttons=False)


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
