"""The members of the MC11 Joint Statement on Electronic Commerce, on a world map."""

from __future__ import annotations

import plotly.graph_objects as go

from . import data
from .calls import MEMBERS, notebook_call
from .figures.members_map import build_members_map


@notebook_call(MEMBERS)
def map() -> go.Figure:  # noqa: A001 - `members.map()` reads well in a notebook
    facts = data.load_facts()
    return build_members_map(facts.signatories, facts.sources)
