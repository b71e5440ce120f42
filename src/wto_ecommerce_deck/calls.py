"""What the notebooks call: the registry of the one-line calls a slide may hold.

A code cell of a deck is one or more calls such as `timeline.programme()`, `structure.chart()`,
`members.map()`, `explorer.timeline("momentum")` or `quiz.show("q-programme-1")`. Each of these
functions declares here, with the `notebook_call` decorator beside its definition, what it shows:

* `shows`: the kind of figure or widget, which tells the fact audit how to read the records it
  carries (`pipeline/audit_calls.py` has one reader per kind, not one per call);
* `track`: for a timeline, the track of `assets/data/events.yaml` it draws;
* `period`: for a timeline over some years only, the name of a `figures.timelines.Period`
  (`SEED_PERIOD`: the 2018 presentation's moratorium slide stops at CM11; `AFTER_SEED_PERIOD`: the
  epilogue's continuation).

So a new timeline (or any new call of a known kind) is one decorated function in its notebook-facing
module, and the audit, the explorer and the timelines read the same entry. The map from a track to
its figure builder is `figures.timelines.BUILDERS`.

The audit finds the entry of a call from the cell's text alone: `lookup("timeline", "programme")`
imports `wto_ecommerce_deck.timeline` (so that its decorators run) and returns the entry, or None
for a call that no notebook-facing module declares.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Callable, TypeVar

# What a call can show; each has its reader in the fact audit.
SETUP = "setup"  # prepares the kernel (renderer, styles); shows no fact
TIMELINE = "timeline"  # a timeline figure of one track
STRUCTURE = "structure"  # the structure chart of bodies.yaml
MEMBERS = "members"  # the map of signatories.yaml
EXPLORER = "explorer"  # the timeline explorer; its static fallback is a table of a track's events
QUIZ = "quiz"  # a quiz question; what it says is slide text, and it rests on the facts it cites
PARTICIPATION = "participation"  # the chart of participation.yaml (Joint Statement participants over time)
OUTLINE = "outline"  # the outline of the full deck: the sections' own titles, no fact
TABLE = "table"  # a table of what the deck teaches (comparison, agreement, arguments): its rows are facts
KINDS = (SETUP, TIMELINE, STRUCTURE, MEMBERS, EXPLORER, QUIZ, PARTICIPATION, OUTLINE, TABLE)

PACKAGE = __name__.rsplit(".", 1)[0]


@dataclass(frozen=True)
class NotebookCall:
    module: str  # as a notebook names it: "timeline"
    function: str  # "programme"
    shows: str  # one of KINDS
    track: str | None = None  # the track a timeline draws
    period: str | None = None  # for a timeline over some years only: a Period of figures.timelines, by name

    @property
    def name(self) -> str:
        return f"{self.module}.{self.function}"


REGISTRY: dict[tuple[str, str], NotebookCall] = {}

F = TypeVar("F", bound=Callable)


def notebook_call(shows: str, track: str | None = None, period: str | None = None) -> Callable[[F], F]:
    """Declare a function as a one-line call of a notebook, and what it shows."""
    if shows not in KINDS:
        raise ValueError(f"unknown kind of call {shows!r}; kinds are {', '.join(KINDS)}")

    def register(function: F) -> F:
        module = function.__module__.rsplit(".", 1)[-1]
        REGISTRY[(module, function.__name__)] = NotebookCall(module, function.__name__, shows, track, period)
        return function

    return register


def lookup(module: str, function: str) -> NotebookCall | None:
    """The entry of `module.function(…)` as a notebook writes it; None when no module declares it."""
    if (module, function) not in REGISTRY and module.isidentifier():
        if importlib.util.find_spec(f"{PACKAGE}.{module}") is not None:
            importlib.import_module(f"{PACKAGE}.{module}")
    return REGISTRY.get((module, function))
