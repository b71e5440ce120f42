"""Figure builders: records in, plotly figure out. Pure functions: no file reads, no randomness.

The thin modules `timeline`, `structure` and `members` load the facts and call these.
"""

from .members_map import build_members_map
from .participation import build_participation_chart
from .structure import build_structure_chart
from .timelines import build_meetings_2018_timeline, build_momentum_timeline, build_programme_timeline

__all__ = [
    "build_meetings_2018_timeline",
    "build_members_map",
    "build_momentum_timeline",
    "build_participation_chart",
    "build_programme_timeline",
    "build_structure_chart",
]
