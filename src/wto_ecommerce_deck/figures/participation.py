"""Joint Statement participation over time (71 → 76 → 86 → 91), each count with its status.

A line through the counts, on an axis from 0 (cut at 60, 71 → 91 looked like a fourfold rise), and
for each point what a projected slide must say without hover: the count, what it belongs to and its
status (« vérifié », « source secondaire »…), since counts of different statuses stand side by
side on this chart. From 0 the counts sit close together at the top: each label hangs below its
point, in the empty part of the chart, on a leader line, as far down as it must to clear the
labels before it (`_label_drops`).
"""

from __future__ import annotations

import datetime as dt
from typing import Mapping, Sequence

import plotly.graph_objects as go

from ..data.records import Participation, Source
from ..messages import t
from . import style

COLOUR = style.KIND_COLOURS["declaration"]
MARKER_SIZE = 16
Y_PADDING = 8  # Members of room above the highest count
# Where labels go, estimated at the slide's plot area (the figure is drawn there; a notebook's is close):
PLOT_PX = (1150, 400)
LABEL_DROPS_PX = (36, 92, 148)  # how far below its point a label hangs: the first that is free
LABEL_HEIGHT_PX = 46  # two lines
CHAR_WIDTH_PX = 0.55 * (style.LABEL_FONT_SIZE + 1)


def point_text(point: Participation) -> str:
    """The label written at a point: count, what it counts, status (escaped, plotly's HTML subset)."""
    status = style.escape(style.status_fr(point.status))
    if point.status == style.UNVERIFIED:
        status = f"<b>{status}</b>"
    return f"<b>{point.participants}</b> · {style.escape(point.label.text())}<br><i>{status}</i>"


def _hover(point: Participation, sources: Mapping[str, Source]) -> str:
    return style.hover_block(
        title=f"{point.participants} · {point.label.text()}",
        date_fr=point.date.label(),
        detail=point.detail.text(),
        symbol=None,
        symbol_status=None,
        status=point.status,
        source_keys=point.sources,
        sources=sources,
    )


def _label_drops(points: Sequence[Participation], x_range: tuple[dt.date, dt.date], y_top: float) -> list[int]:
    """How far below its point (px) each label hangs. A label runs right of its leader line, so only
    the leaders of later points can cross it: from the last point back, each label takes the first
    of LABEL_DROPS_PX where neither it nor its leader meets a label or a leader placed already."""
    days = (x_range[1] - x_range[0]).days

    def meets(a, b) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    placed, drops = [], {}
    for index in reversed(range(len(points))):
        point = points[index]
        x = (point.date.midpoint() - x_range[0]).days / days * PLOT_PX[0]
        y = (1 - point.participants / y_top) * PLOT_PX[1]
        width = max(len(f"{point.participants} · {point.label.text()}"), len(style.status_fr(point.status))) * CHAR_WIDTH_PX
        for drop in LABEL_DROPS_PX:
            box = (x, y + drop, x + width, y + drop + LABEL_HEIGHT_PX)
            leader = (x - 1, y, x + 1, y + drop)
            if not any(meets(mine, other) for mine in (box, leader) for other in placed):
                break
        placed += [box, leader]
        drops[index] = drop
    return [drops[index] for index in range(len(points))]


def build_participation_chart(points: Sequence[Participation], sources: Mapping[str, Source]) -> go.Figure:
    """The counts in date order; unverified counts drawn open and said « à confirmer »."""
    if not points:
        raise ValueError("no participation count to draw")
    points = sorted(points, key=lambda p: p.date.first_day())
    xs = [p.date.midpoint().isoformat() for p in points]
    ys = [p.participants for p in points]
    looks = [style.marker_style("circle", COLOUR, p.status) for p in points]  # the deck's status marks
    first, last = points[0].date.first_day(), points[-1].date.first_day()
    x_range = (dt.date(first.year, 7, 1), dt.date(last.year + 2, 12, 31))
    y_top = max(ys) + Y_PADDING
    drops = _label_drops(points, x_range, y_top)
    fig = go.Figure(
        go.Scatter(
            name="Participants",
            x=xs,
            y=ys,
            mode="lines+markers",
            line=dict(color=COLOUR, width=3),
            marker=dict(
                color=[look["color"] for look in looks],
                size=MARKER_SIZE,
                symbol=[look["symbol"] for look in looks],
                line=dict(color=[look["line_color"] for look in looks], width=[look["line_width"] for look in looks]),
            ),
            customdata=[[_hover(p, sources)] for p in points],
            hovertemplate=style.HOVER_TEMPLATE,
            hoverlabel=dict(bordercolor=COLOUR),
            cliponaxis=False,
        )
    )
    keys = [key for p in points for key in p.sources]
    fig.update_layout(style.base_layout("participation", keys), showlegend=False, margin=dict(l=10, r=30, t=20, b=10))
    fig.layout.meta["points"] = [p.id for p in points]
    for point, x, y, drop in zip(points, xs, ys, drops):
        fig.add_annotation(
            text=point_text(point),
            name=f"point-{point.id}",
            x=x,
            y=y,
            xref="x",
            yref="y",
            showarrow=True,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor=style.MUTED_TEXT_COLOUR,
            standoff=MARKER_SIZE / 2,
            ax=0,
            ay=drop,
            xanchor="left",
            yanchor="top",
            align="left",
            font=dict(size=style.LABEL_FONT_SIZE + 1, color=style.TEXT_COLOUR),
            bgcolor="rgba(255,255,255,0.85)",
        )
    fig.layout.meta["statuses"] = [p.status for p in points]
    years = range(first.year, last.year + 3)
    fig.update_xaxes(
        type="date",
        range=[x_range[0].isoformat(), x_range[1].isoformat()],
        tickvals=[f"{year}-01-01" for year in years],
        ticktext=[str(year) for year in years],  # years written here: no plotly locale needed
        tickfont=dict(size=style.TEXT_SIZE),
        automargin=True,
        showgrid=True,
        gridcolor=style.GRID_COLOUR,
        showline=True,
        linecolor=style.MUTED_TEXT_COLOUR,
        ticks="outside",
        fixedrange=True,
    )
    # From 0: an axis cut at 60 made 71 → 91 look like a fourfold rise.
    fig.update_yaxes(
        range=[0, y_top],
        rangemode="tozero",
        title=dict(text=t("figure.participation_axis"), font=dict(size=style.TEXT_SIZE)),
        tickfont=dict(size=style.TEXT_SIZE),
        showgrid=True,
        gridcolor=style.GRID_COLOUR,
        zeroline=False,
        fixedrange=True,
        automargin=True,
    )
    return fig
