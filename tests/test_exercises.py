"""Every explorer exercise of the speaker notes has an answer in the data.

The notes of an explorer slide propose an exercise in words (« ne garder que les conférences, de
1998 à 2017, puis repérer celles dont la cote est « à confirmer » et celles de source secondaire »).
This test reads that sentence as the explorer would be set: the track of the slide's
`explorer.timeline(...)` call, the kinds named by their button labels, the years, then each thing
to look for (a symbol to confirm, a fact to confirm, a secondary source, a verified fact). The
filter must keep events, and each thing to look for must be among them: an exercise that returns
nothing (as « the communications of the programme timeline », which has none) fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from wto_ecommerce_deck import conventions, data, explorer
from wto_ecommerce_deck.figures import style

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = conventions.notebook_paths(ROOT / "notebooks")
EXERCISE = re.compile(r"Proposer par exemple\s*:\s*(?P<text>[^\n]+)")
NBSP = "\u00a0"

# What the sentence asks to find, and how to recognise it in an event.
LOOK_FOR = {
    "cote": (re.compile(r"cote (?:est )?«\s*à confirmer\s*»"), lambda e: e.shown_symbol_status == "unverified"),
    "fait": (re.compile(r"statut (?:est )?«\s*à confirmer\s*»"), lambda e: e.status == "unverified"),
    "secondaire": (re.compile(r"source secondaire"), lambda e: e.status == "secondary"),
    "vérifié": (re.compile(r"\bvérifiée?s?\b"), lambda e: e.status == "verified"),
}


def explorer_exercises() -> list[tuple[str, str, str]]:
    """(notebook, track, exercise sentence) for each explorer slide."""
    found = []
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        track = None
        for cell in notebook.cells:
            if cell.cell_type == "code":
                call = ast.parse(cell.source.strip()).body[0] if cell.source.strip() else None
                value = getattr(call, "value", None)
                if isinstance(value, ast.Call) and getattr(value.func, "attr", None) == "timeline" and getattr(value.func.value, "id", None) == "explorer":
                    track = value.args[0].value if value.args else "programme"
                else:
                    track = None
            elif track and conventions.is_notes(cell):
                match = EXERCISE.search(cell.source.replace(NBSP, " "))
                assert match, f"{path.name}: the notes of the explorer slide propose no exercise (« Proposer par exemple : … »)"
                found.append((path.stem, track, match.group("text")))
                track = None
    return found


EXERCISES = explorer_exercises()


def read_filter(track: str, text: str) -> tuple[list[str], tuple[int, int]]:
    """The kinds (by their button label, as the explorer shows them) and the years of a sentence."""
    events = data.load_facts().track(track)
    lowered = text.lower()
    kinds = [k for k, label in style.KIND_BUTTONS_FR.items() if label.lower() in lowered and any(e.kind == k for e in events)]
    years = [int(y) for y in re.findall(r"\b(?:19|20)\d{2}\b", text)]
    first, last = explorer._years(events)
    if years:
        first, last = min(years), max(years)
    return kinds, (first, last)


def test_every_explorer_slide_has_an_exercise():
    tracks = {track for _, track, _ in EXERCISES}
    assert len(EXERCISES) >= 3 and {"programme", "momentum", "meetings2018"} <= tracks


@pytest.mark.parametrize(("notebook", "track", "text"), EXERCISES, ids=[n for n, _, _ in EXERCISES])
def test_exercise_has_an_answer_in_the_data(notebook, track, text):
    kinds, years = read_filter(track, text)
    assert kinds, f"{notebook}: the exercise names no kind of event of the {track!r} timeline: {text!r}"
    kept = explorer.filter_events(data.load_facts().track(track), kinds, years)
    assert kept, f"{notebook}: the filter {kinds} {years} keeps no event: {text!r}"
    asked = [name for name, (pattern, _) in LOOK_FOR.items() if pattern.search(text)]
    assert asked, f"{notebook}: the exercise asks nothing to look for: {text!r}"
    for name in asked:
        matches = [e.id for e in kept if LOOK_FOR[name][1](e)]
        assert matches, f"{notebook}: nothing to find for « {name} » among {[e.id for e in kept]}: {text!r}"


def test_the_reader_catches_an_exercise_without_answer():
    """The two exercises of the issue that returned nothing fail the reader (so it can fail)."""
    kinds, years = read_filter("programme", "ne garder que les communications de la Déclaration de 1998 à la CM14")
    assert not explorer.filter_events(data.load_facts().track("programme"), kinds, years)
    text = "ne garder que les communications de 2018, puis repérer celles dont la cote est « à confirmer »"
    kinds, years = read_filter("meetings2018", text)
    kept = explorer.filter_events(data.load_facts().track("meetings2018"), kinds, years)
    assert kept and not [e for e in kept if LOOK_FOR["cote"][1](e)]
