"""The deck's three timelines, one call each from a notebook: `timeline.programme()`.

Each call is declared in the registry of notebook calls (`calls.py`) with the track it draws;
the track's figure builder is `figures.timelines.BUILDERS[track]`.
"""

from __future__ import annotations

import plotly.graph_objects as go

from . import data
from .calls import TIMELINE, notebook_call
from .figures import timelines


def figure(track: str) -> go.Figure:
    """The timeline of one track, from the project's data."""
    facts = data.load_facts()
    return timelines.build_track_timeline(track, facts.track(track), facts.sources)


@notebook_call(TIMELINE, track="programme")
def programme() -> go.Figure:
    """Timeline A: the 1998 Declaration, the Work Programme, the moratorium from CM2 to CM14."""
    return figure("programme")


@notebook_call(TIMELINE, track="momentum")
def momentum() -> go.Figure:
    """Timeline B: the new momentum of 2016–2017, filterable by kind."""
    return figure("momentum")


@notebook_call(TIMELINE, track="meetings2018")
def meetings_2018() -> go.Figure:
    """Timeline C: the Joint Statement group and the General Council in 2018."""
    return figure("meetings2018")
