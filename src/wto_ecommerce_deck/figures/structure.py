"""« La structure de l'OMC » as an org chart, the Work Programme's bodies highlighted.

Boxes are rectangles in paper coordinates (they scale with the plot), names are
annotations wrapped for the narrowest plot we expect (a notebook at ~860 px),
so they fit the 1200×540 slide and a student's notebook alike. Connectors run
centre to centre under the boxes, which hide their ends whatever the plot size.
Hovering a box names the body, its role in the Work Programme, its status and
its sources.

As on the WTO's own chart, the Dispute Settlement Body and the Trade Policy Review
Body are the General Council meeting in other capacities (`Body.capacity_of`): they
sit beside it, on its row, joined to it by a dotted line, and their boxes say so
(« Conseil général réuni en tant qu'… »), instead of hanging under it.

Every body that reports to the General Council (its councils, its committees, the Trade
Negotiations Committee) hangs from it directly, as on the WTO's chart (org2): the children of
a body take as many rows as they need (the Work Programme's bodies first, on a row of their
own when they fit one), and one line, the spine, runs down from the parent between the boxes
of every row but the last (those rows have an even number of boxes, or are shifted by half a
box) to each row's bus. No row hangs from the row above it.

Status without hover: a body that is not verified has a dashed outline and its
name the marks of `style.status_label`; the key under the chart says which.
"""

from __future__ import annotations

import textwrap
from typing import Mapping, Sequence

import plotly.graph_objects as go

from ..data.records import Body, Source
from . import style
from .. import messages
from ..messages import t

# Geometry, in pixels of the slide's plot (~1200×540 less margins), turned into paper fractions.
PLOT_WIDTH_PX = 1180
PLOT_HEIGHT_PX = 520
NARROWEST_PLOT_PX = 860  # names are wrapped so they still fit at this width
MAX_BOXES_PER_ROW = 5
BOX_GAP_PX = 16
TOP_BOX_WIDTH_PX = 320
BOX_FONT_SIZE = style.TEXT_SIZE
CHAR_WIDTH_PX = 0.53 * BOX_FONT_SIZE  # Arial/Liberation Sans average, wider than Source Sans
LINE_HEIGHT_PX = 21
BOX_PADDING_PX = 8
ROW_GAP_PX = 30  # least vertical room for the connectors between two rows
MAX_ROW_GAP_PX = 60
KEY_HEIGHT_PX = 40  # room kept at the bottom for the colour key

HIGHLIGHT_FILL = "#0072B2"  # white text on it: 5.2:1
HIGHLIGHT_TEXT = "white"
PLAIN_FILL = "#f2f2f2"
PLAIN_BORDER = "#8c8c8c"
CONNECTOR_COLOUR = "#7a7a7a"


def _levels(bodies: Sequence[Body]) -> list[list[Body]]:
    """Bodies by depth from the root(s); in each level the Work Programme's bodies come
    first (stable otherwise), so the highlighted boxes sit together, and a body met in other
    capacities sits between them (the first on its left, the others on its right)."""
    ids = {b.id for b in bodies}
    level = [b for b in bodies if b.parent is None or b.parent not in ids]
    levels = []
    while level:
        ordered = sorted((b for b in level if b.capacity_of not in ids), key=lambda b: not b.work_programme)
        for body in list(ordered):
            others = [b for b in level if b.capacity_of == body.id]
            if others:
                at = ordered.index(body)
                ordered[at : at + 1] = others[:1] + [body] + others[1:]
        levels.append(ordered)
        parents = {b.id for b in level if b.capacity_of not in ids}
        level = [b for b in bodies if b.parent in parents]
    return levels


def _rows(levels: list[list[Body]]) -> list[list[Body]]:
    """Each level in rows of at most MAX_BOXES_PER_ROW: the Work Programme's bodies on rows of
    their own when they fill at most one row, the others after them, each group split into
    balanced rows."""
    rows = []
    for level in levels:
        highlighted = [b for b in level if b.work_programme and not b.capacity_of]
        if any(b.capacity_of for b in level) or not 0 < len(highlighted) <= MAX_BOXES_PER_ROW:
            groups = [level]
        else:
            groups = [highlighted, [b for b in level if b not in highlighted]]
        for group in (g for g in groups if g):
            count = len(group)
            row_count = -(-count // MAX_BOXES_PER_ROW)
            per_row = -(-count // row_count)
            rows.extend(group[i : i + per_row] for i in range(0, count, per_row))
    return rows


def _box_width_fraction(row: Sequence[Body], per_row: int) -> float:
    """Every box of the multi-box rows has the same width, so the grid reads as one (`per_row`:
    the most boxes a row of the chart holds); a row that holds a body and its other capacities
    shares the width between them (longer names)."""
    if len(row) == 1:
        return TOP_BOX_WIDTH_PX / PLOT_WIDTH_PX
    if any(b.capacity_of for b in row):
        per_row = len(row)
    gaps = BOX_GAP_PX * (per_row - 1) / PLOT_WIDTH_PX
    return (1 - gaps) / per_row


def _shown_name(body: Body, names: Mapping[str, str]) -> str:
    """The name in the box: « Conseil général réuni en tant qu'Organe… » for another capacity,
    with the marks of its status when it is not verified."""
    name = body.name.text()
    if body.capacity_of in names:
        # French elides « que » before a vowel: the catalogue has both forms (the same text in a
        # language that does not elide).
        if name[:1].lower() in "aeéèêiouy":
            name = t("figure.capacity_name_vowel", body=names[body.capacity_of], name=name)
        else:
            name = t("figure.capacity_name", body=names[body.capacity_of], name=name)
    return style.status_label(name, body.status)


def _wrapped_name(text: str, width_fraction: float) -> list[str]:
    usable_px = width_fraction * NARROWEST_PLOT_PX - 2 * BOX_PADDING_PX
    chars = max(8, int(usable_px / CHAR_WIDTH_PX))
    return textwrap.wrap(text, width=chars, break_long_words=False, break_on_hyphens=False)


def _hover(body: Body, sources: Mapping[str, Source], names: Mapping[str, str]) -> str:
    role = t("figure.structure_in") if body.work_programme else t("figure.structure_out")
    if body.capacity_of in names:
        role = t("figure.capacity_role", body=names[body.capacity_of], role=role)
    return style.hover_block(
        title=body.name.text(),
        date_fr=None,
        detail=role,
        symbol=None,
        symbol_status=None,
        status=body.status,
        source_keys=body.sources,
        sources=sources,
    )


def _connector(x0: float, y0: float, x1: float, y1: float) -> dict:
    return dict(
        type="line",
        xref="paper",
        yref="paper",
        x0=x0,
        y0=y0,
        x1=x1,
        y1=y1,
        line=dict(color=CONNECTOR_COLOUR, width=2),
        layer="below",
    )


def build_structure_chart(bodies: Sequence[Body], sources: Mapping[str, Source] | None = None) -> go.Figure:
    """Conférence ministérielle → Conseil général → conseils et comités."""
    sources = sources or {}
    rows = _rows(_levels(bodies))
    ids = {b.id for b in bodies}
    names = {b.id: b.name.text() for b in bodies}

    # Row geometry, top down, in pixels; every box of a row has the row's height.
    # Spare height goes to the gaps, so the chart fills the slide instead of its top half.
    widest = max((len(row) for row in rows if not any(b.capacity_of for b in row)), default=1)
    widths = [_box_width_fraction(row, max(widest, 2)) for row in rows]
    wrapped = [[_wrapped_name(_shown_name(b, names), width) for b in row] for row, width in zip(rows, widths)]
    heights = [max(len(n) for n in row_names) * LINE_HEIGHT_PX + 2 * BOX_PADDING_PX for row_names in wrapped]
    spare = PLOT_HEIGHT_PX - KEY_HEIGHT_PX - sum(heights)
    gap = min(MAX_ROW_GAP_PX, max(ROW_GAP_PX, spare / max(1, len(rows))))
    scale = max(sum(heights) + gap * (len(rows) - 1) + KEY_HEIGHT_PX, PLOT_HEIGHT_PX)

    def y_paper(y_px: float) -> float:
        return 1 - y_px / scale

    # The spine of a parent crosses every row of its children but the last, through the gap at
    # its middle: a row it crosses with an odd number of boxes moves half a box to the left.
    crossed = set()
    for index, row in enumerate(rows):
        parents = {b.parent for b in row if b.parent in ids and b.capacity_of not in ids}
        later = [r for r in rows[index + 1 :] if any(b.parent in parents and b.capacity_of not in ids for b in r)]
        if later and len(row) % 2:
            crossed.add(index)

    centres: dict[str, tuple[float, float]] = {}  # x in paper, y in px from the top
    boxes, annotations = [], []
    top = 0.0
    for index, (row, row_names, width, height) in enumerate(zip(rows, wrapped, widths, heights)):
        gap_fraction = BOX_GAP_PX / PLOT_WIDTH_PX
        left = (1 - (len(row) * width + (len(row) - 1) * gap_fraction)) / 2
        if index in crossed:
            left -= (width + gap_fraction) / 2
        for index, (body, name_lines) in enumerate(zip(row, row_names)):
            x = left + index * (width + gap_fraction) + width / 2
            centres[body.id] = (x, top + height / 2)
            highlighted = body.work_programme
            sure = body.status in ("verified", "seed")
            boxes.append(
                dict(
                    type="rect",
                    xref="paper",
                    yref="paper",
                    x0=x - width / 2,
                    x1=x + width / 2,
                    y0=y_paper(top + height),
                    y1=y_paper(top),
                    fillcolor=HIGHLIGHT_FILL if highlighted else PLAIN_FILL,
                    line=dict(
                        color=HIGHLIGHT_FILL if highlighted else PLAIN_BORDER,
                        width=1.5 if sure else 2.5,
                        dash="solid" if sure else "dash",
                    ),
                    layer="below",
                    name=body.id,
                )
            )
            annotations.append(
                dict(
                    text="<br>".join(style.escape(line) for line in name_lines),
                    x=x,
                    y=y_paper(top + height / 2),
                    xref="paper",
                    yref="paper",
                    xanchor="center",
                    yanchor="middle",
                    align="center",
                    showarrow=False,
                    font=dict(size=BOX_FONT_SIZE, color=HIGHLIGHT_TEXT if highlighted else style.TEXT_COLOUR),
                    name=body.id,
                )
            )
        top += height + gap

    # Connectors. A body in another capacity is joined to its body, beside it, by a dotted line.
    # The children of a parent: its spine runs down from it to the bus of their last row; each of
    # their rows has a bus in the gap above it, from the spine to its outer boxes, and a drop to
    # each box. Boxes are drawn last: they hide the lines' ends.
    connectors = []
    row_of = {b.id: index for index, row in enumerate(rows) for b in row}
    for row in rows:
        for body in row:
            if body.capacity_of in centres:
                (x0, y0), (x1, _) = centres[body.capacity_of], centres[body.id]
                connectors.append(
                    dict(_connector(x0, y_paper(y0), x1, y_paper(y0)), line=dict(color=CONNECTOR_COLOUR, width=3, dash="dot"))
                )
    children_of: dict[str, list[Body]] = {}
    for body in bodies:
        if body.parent in ids and body.capacity_of not in ids:
            children_of.setdefault(body.parent, []).append(body)
    for parent_id, children in children_of.items():
        parent_x, parent_y = centres[parent_id]
        child_rows = sorted({row_of[b.id] for b in children})
        buses = {}
        for index in child_rows:
            row_top = centres[rows[index][0].id][1] - heights[index] / 2
            buses[index] = y_paper(row_top - gap / 2)
        connectors.append(_connector(parent_x, y_paper(parent_y), parent_x, buses[child_rows[-1]]))
        for index in child_rows:
            kids = [centres[b.id] for b in children if row_of[b.id] == index]
            xs = [x for x, _ in kids] + [parent_x]
            connectors.append(_connector(min(xs), buses[index], max(xs), buses[index]))
            connectors.extend(_connector(x, buses[index], x, y_paper(y)) for x, y in kids)

    highlighted = [b for b in bodies if b.work_programme]
    statuses = {b.status for b in bodies}
    status_text = (
        t("figure.structure_all_verified", verified=messages.group("status_plural")["verified"])
        if statuses == {"verified"}
        else t("figure.structure_dashed", verified=style.statuses()["verified"])
    )
    annotations.append(
        dict(
            text=(
                f'<span style="color:{HIGHLIGHT_FILL}">■</span> '
                + style.escape(t("figure.structure_key", count=len(highlighted)))
                + f"  ·  {style.escape(status_text)}"
            ),
            x=0,
            y=0,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=style.TEXT_SIZE, color=style.TEXT_COLOUR),
            name="key",
        )
    )

    # Hover through invisible markers at the box centres rather than annotation hovertext:
    # plotly right-aligns an annotation's hover label, while a trace's follows `hoverlabel.align`.
    hover_trace = go.Scatter(
        x=[centres[b.id][0] for b in bodies],
        y=[y_paper(centres[b.id][1]) for b in bodies],
        mode="markers",
        marker=dict(size=40, opacity=0),
        customdata=[[_hover(b, sources, names)] for b in bodies],
        hovertemplate=style.HOVER_TEMPLATE,
        hoverlabel=dict(bordercolor=[HIGHLIGHT_FILL if b.work_programme else PLAIN_BORDER for b in bodies]),
        showlegend=False,
        name=t("figure.structure_trace"),
    )
    fig = go.Figure(hover_trace)
    keys = [key for b in bodies for key in b.sources]
    fig.update_layout(
        style.base_layout("structure", keys),
        annotations=annotations,
        shapes=connectors + boxes,  # boxes last: they cover the connectors' ends
        showlegend=False,
        dragmode=False,
        hoverdistance=60,  # with the 40 px markers: most of each box answers
        margin=dict(l=10, r=10, t=10, b=10),
    )
    fig.layout.meta["highlighted"] = [b.id for b in highlighted]
    # Axes span exactly the paper, so the hover markers sit on the boxes.
    fig.update_xaxes(visible=False, range=[0, 1], fixedrange=True)
    fig.update_yaxes(visible=False, range=[0, 1], fixedrange=True)
    return fig
