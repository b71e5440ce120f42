"""The deck's three timelines, one call each from a notebook: `timeline.programme()`."""

from __future__ import annotations

import plotly.graph_objects as go

from . import data
from .figures import timelines


def programme() -> go.Figure:
    """Timeline A: the 1998 Declaration, the Work Programme, the moratorium from CM2 to CM14."""
    facts = data.load_facts()
    return timelines.build_programme_timeline(facts.track("programme"), facts.sources)


def momentum() -> go.Figure:
    """Timeline B: the new momentum of 2016–2017, filterable by kind."""
    facts = data.load_facts()
    return timelines.build_momentum_timeline(facts.track("momentum"), facts.sources)


def meetings_2018() -> go.Figure:
    """Timeline C: the Joint Statement group and the General Council in 2018."""
    facts = data.load_facts()
    return timelines.build_meetings_2018_timeline(facts.track("meetings2018"), facts.sources)
