"""The deck's timelines, one call each from a notebook: `timeline.programme()`.

The moratorium timeline is one figure over two periods: the 2018 presentation's slide stops at
CM11 (2017), the epilogue « Et depuis 2018 ? » continues it (`moratorium_after_2018`).

Each call is declared in the registry of notebook calls (`calls.py`) with the track it draws;
the track's figure builder is `figures.timelines.BUILDERS[track]`.
"""

from __future__ import annotations

import plotly.graph_objects as go

from . import data
from .calls import PARTICIPATION, TIMELINE, notebook_call
from .figures import timelines
from .figures.participation import build_participation_chart


def figure(track: str, period: str | None = None) -> go.Figure:
    """The timeline of one track, from the project's data (over a `figures.timelines` period, by name)."""
    facts = data.load_facts()
    return timelines.build_track_timeline(track, facts.track(track), facts.sources, period=period)


@notebook_call(TIMELINE, track="programme", period="SEED_PERIOD")
def programme() -> go.Figure:
    """Timeline A: the 1998 Declaration, the Work Programme, the moratorium from CM2 to CM11 (2017)."""
    return figure("programme", "SEED_PERIOD")


@notebook_call(TIMELINE, track="programme", period="AFTER_SEED_PERIOD")
def moratorium_after_2018() -> go.Figure:
    """Timeline A continued, for the epilogue: the moratorium from 2018 to its lapse at CM14 (2026)."""
    return figure("programme", "AFTER_SEED_PERIOD")


@notebook_call(TIMELINE, track="programme", period="MORATORIUM_PERIOD")
def moratorium() -> go.Figure:
    """The moratorium from 1998 to 2026 on one axis: each conference's (or the General Council's)
    decision on it, renewed, not renewed (Seattle, Cancún), extended, lapsed (section 08)."""
    return figure("programme", "MORATORIUM_PERIOD")


@notebook_call(PARTICIPATION)
def participation() -> go.Figure:
    """The epilogue's chart: Joint Statement participation over time, each count with its status."""
    facts = data.load_facts()
    return build_participation_chart(facts.participation, facts.sources)


@notebook_call(TIMELINE, track="momentum")
def momentum() -> go.Figure:
    """Timeline B: the new momentum of 2016–2017, filterable by kind."""
    return figure("momentum")


@notebook_call(TIMELINE, track="meetings2018")
def meetings_2018() -> go.Figure:
    """Timeline C: the Joint Statement group and the General Council in 2018."""
    return figure("meetings2018")
