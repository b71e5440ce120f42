"""Joint Statement participation over time (71 → 76 → 86 → 91), each count with its status.

A line through the counts, and next to each point what a projected slide must say without hover:
the count, what it belongs to and its status (« vérifié (OMC) », « source secondaire »…),
since counts of different statuses stand side by side on this chart.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import plotly.graph_objects as go

from ..data.records import Participation, Source
from ..messages import t
from . import style

COLOUR = style.KIND_COLOURS["declaration"]
MARKER_SIZE = 16
Y_PADDING = 12  # Members of room above the highest count, for its label


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


def build_participation_chart(points: Sequence[Participation], sources: Mapping[str, Source]) -> go.Figure:
    """The counts in date order; unverified counts drawn open and said « à confirmer »."""
    if not points:
        raise ValueError("no participation count to draw")
    points = sorted(points, key=lambda p: p.date.first_day())
    xs = [p.date.midpoint().isoformat() for p in points]
    ys = [p.participants for p in points]
    looks = [style.marker_style("circle", COLOUR, p.status) for p in points]  # the deck's status marks
    # Counts only grow: the line leaves each point up and to the right, so below right of a point
    # is free until the next one. The x-axis runs on past the last point to hold its label.
    positions = ["bottom right"] * len(points)
    fig = go.Figure(
        go.Scatter(
            name="Participants",
            x=xs,
            y=ys,
            mode="lines+markers+text",
            line=dict(color=COLOUR, width=3),
            marker=dict(
                color=[look["color"] for look in looks],
                size=MARKER_SIZE,
                symbol=[look["symbol"] for look in looks],
                line=dict(color=[look["line_color"] for look in looks], width=[look["line_width"] for look in looks]),
            ),
            text=[point_text(p) for p in points],
            textposition=positions,
            textfont=dict(size=style.LABEL_FONT_SIZE + 1, color=style.TEXT_COLOUR),
            customdata=[[_hover(p, sources)] for p in points],
            hovertemplate=style.HOVER_TEMPLATE,
            hoverlabel=dict(bordercolor=COLOUR),
            cliponaxis=False,
        )
    )
    keys = [key for p in points for key in p.sources]
    fig.update_layout(style.base_layout("participation", keys), showlegend=False, margin=dict(l=10, r=30, t=20, b=10))
    fig.layout.meta["points"] = [p.id for p in points]
    fig.layout.meta["statuses"] = [p.status for p in points]
    first, last = points[0].date.first_day(), points[-1].date.first_day()
    years = range(first.year, last.year + 3)
    fig.update_xaxes(
        type="date",
        range=[f"{first.year}-07-01", f"{last.year + 2}-12-31"],
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
        range=[0, max(ys) + Y_PADDING],
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
