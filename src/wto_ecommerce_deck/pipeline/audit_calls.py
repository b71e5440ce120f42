"""What a notebook call shows: the records a figure, an explorer or a quiz puts on a slide.

A code cell of a deck is one-line calls (`timeline.programme()`, `structure.chart()`,
`members.map()`, `explorer.timeline("momentum")`, `quiz.show("q-…")`), declared in `calls.py`.
`cell_calls(source)` reads them from the cell's text, without executing anything; `READERS` has one
reader per kind of call, which builds the same figure with the same pure builders and reads the
records it carries (`layout.meta["events"]`, the participation counts of `layout.meta["points"]`,
the boxes of the structure chart, the countries of the map, the rows of the explorer's table), each
with whether the figure flags it « à confirmer ». The fact audit (`audit.py`) calls them.

The figure builders are imported by each reader, not at import: plotly is imported only when a
deck is audited.
"""

from __future__ import annotations

import ast
import html
import re
from typing import Sequence

from .. import calls
from ..data.records import Facts
from ..figures import style
from .audit_text import TO_CONFIRM


def _hovers(fig) -> list[str]:
    texts = []
    for trace in fig.data:
        for item in getattr(trace, "customdata", None) or ():
            if item is not None and len(item) and isinstance(item[0], str):
                texts.append(item[0])
    return texts


def _flagged_in_hover(fig, label: str) -> bool:
    """Whether the figure's hover for the record labelled `label` says « à confirmer »."""
    head = f"<b>{style.escape(label)}</b>"
    return any(TO_CONFIRM in text for text in _hovers(fig) if text.startswith(head))


def _timeline(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    from ..figures import timelines

    fig = timelines.build_track_timeline(call.track, facts.track(call.track), facts.sources, period=call.period)
    shown = []
    for event_id in fig.layout.meta["events"]:
        event = facts.event(event_id)
        shown.append((f"event:{event_id}", _flagged_in_hover(fig, event.label.text())))
    return "frise", shown


def _participation(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    """The chart writes each count's status next to it: an unverified count says « à confirmer »."""
    from ..figures.participation import build_participation_chart

    fig = build_participation_chart(facts.participation, facts.sources)
    by_id = {p.id: p for p in facts.participation}
    labels = {a.name: a.text for a in fig.layout.annotations}  # each point's label, named after it
    return "graphique", [
        (f"participation:{i}", TO_CONFIRM in labels[f"point-{i}"]) for i in fig.layout.meta["points"] if i in by_id
    ]


def _structure(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    from ..figures.structure import build_structure_chart

    fig = build_structure_chart(facts.bodies, facts.sources)
    ids = [shape.name for shape in fig.layout.shapes if shape.type == "rect" and shape.name]
    names = {b.id: b.name.text() for b in facts.bodies}
    return "organigramme", [(f"body:{i}", _flagged_in_hover(fig, names[i])) for i in ids if i in names]


def _members(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    from ..figures.members_map import build_members_map

    fig = build_members_map(facts.signatories, facts.sources)
    by_code = {s.iso3: s for s in facts.signatories if s.iso3}
    shown = []
    for trace in fig.data:
        if trace.type != "choropleth":
            continue
        for code in trace.locations:
            signatory = by_code[code]
            flagged = TO_CONFIRM in (trace.name or "") or _flagged_in_hover(fig, signatory.name.text())
            shown.append((f"signatory:{signatory.id}", flagged))
    return "carte", shown


def _explorer(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    """The exported deck shows the explorer's static table of the track's events."""
    from .. import explorer

    track = args[0] if args else "programme"
    events = facts.track(track)
    table = explorer.static_html(track, events, facts.sources)
    rows = re.findall(r"<tr>.*?</tr>", table, flags=re.S)
    shown = []
    for event in events:
        cell = f"<td>{html.escape(event.label.text(), quote=False)}</td>"
        row = next((r for r in rows if cell in r), "")
        shown.append((f"event:{event.id}", TO_CONFIRM in row))
    return "tableau", shown


def read_quiz(facts: Facts, args: Sequence):
    question = facts.question(args[0])
    ids = {e.id for e in facts.events}
    keys = [f"event:{i}" if i in ids else f"body:{i}" for i in question.facts]
    # The quiz loader refuses unverified facts: nothing here needs a flag.
    return "quiz", [(k, False) for k in keys], question


def _outline(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    """The outline writes the sections' titles: no fact of the data."""
    return "tableau", []


def _table(facts: Facts, call: calls.NotebookCall, args: Sequence) -> tuple[str, list[tuple[str, bool]]]:
    """A table of teach.py: each row is a fact, flagged « à confirmer » when unverified."""
    from .. import teach

    return "tableau", teach.rows_shown(call.function, facts)


# How the audit reads what each kind of notebook call shows (calls.py declares the calls).
READERS = {
    calls.OUTLINE: _outline,
    calls.TABLE: _table,
    calls.TIMELINE: _timeline,
    calls.STRUCTURE: _structure,
    calls.MEMBERS: _members,
    calls.EXPLORER: _explorer,
    calls.PARTICIPATION: _participation,
}


def cell_calls(source: str) -> list[tuple[str, str, list]] | None:
    """The `module.function(literal, …)` calls of a code cell; None when it is something else."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    calls = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
            return None
        func = node.value.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return None
        try:
            args = [ast.literal_eval(a) for a in node.value.args]
        except ValueError:
            return None
        calls.append((func.value.id, func.attr, args))
    return calls


