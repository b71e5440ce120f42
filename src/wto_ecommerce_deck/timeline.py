"""The deck's timelines, one call each from a notebook: `timeline.programme()`.

The moratorium timeline is one figure over two periods: the 2018 presentation's slide stops at
CM11 (2017), the epilogue « Et depuis 2018 ? » continues it (`moratorium_after_2018`)."""

from __future__ import annotations

import plotly.graph_objects as go

from . import data
from .figures import timelines
from .figures.participation import build_participation_chart


def programme() -> go.Figure:
    """Timeline A: the 1998 Declaration, the Work Programme, the moratorium from CM2 to CM11 (2017)."""
    facts = data.load_facts()
    return timelines.build_programme_timeline(facts.track("programme"), facts.sources, timelines.SEED_PERIOD)


def moratorium_after_2018() -> go.Figure:
    """Timeline A continued, for the epilogue: the moratorium from 2018 to its lapse at CM14 (2026)."""
    facts = data.load_facts()
    return timelines.build_programme_timeline(facts.track("programme"), facts.sources, timelines.AFTER_SEED_PERIOD)


def participation() -> go.Figure:
    """The epilogue's chart: Joint Statement participation over time, each count with its status."""
    facts = data.load_facts()
    return build_participation_chart(facts.participation, facts.sources)


def momentum() -> go.Figure:
    """Timeline B: the new momentum of 2016–2017, filterable by kind."""
    facts = data.load_facts()
    return timelines.build_momentum_timeline(facts.track("momentum"), facts.sources)


def meetings_2018() -> go.Figure:
    """Timeline C: the Joint Statement group and the General Council in 2018."""
    facts = data.load_facts()
    return timelines.build_meetings_2018_timeline(facts.track("meetings2018"), facts.sources)
