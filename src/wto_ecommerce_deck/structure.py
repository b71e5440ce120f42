"""The WTO's structure, with the bodies of the e-commerce Work Programme highlighted."""

from __future__ import annotations

import plotly.graph_objects as go

from . import data
from .figures.structure import build_structure_chart


def chart() -> go.Figure:
    facts = data.load_facts()
    return build_structure_chart(facts.bodies, facts.sources)
