"""The WTO's structure, with the bodies of the e-commerce Work Programme highlighted."""

from __future__ import annotations

import plotly.graph_objects as go

from . import data
from .calls import STRUCTURE, notebook_call
from .figures.structure import build_structure_chart


@notebook_call(STRUCTURE)
def chart() -> go.Figure:
    facts = data.load_facts()
    return build_structure_chart(facts.bodies, facts.sources)
