"""Every notebook runs top to bottom in a fresh namespace, as a student would run it.

The session's build (conftest `build_log`) executes each section notebook once, in a fresh kernel
of its own with an empty cache; these tests read what that execution produced (`built/notebooks/`)
instead of executing the notebooks a second time.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import ROOT
from wto_ecommerce_deck import conventions, messages

NOTEBOOKS = conventions.notebook_paths(ROOT / "notebooks")
LANGUAGES = messages.languages()


def test_the_session_build_executed_every_notebook_once(build_log):
    _, stderr = build_log
    count = len(NOTEBOOKS) * len(LANGUAGES)  # each language's notebooks run: figures carry its words
    assert f"Executing {count} of {count} notebooks" in stderr, stderr
    assert "retry" not in stderr, stderr  # no kernel had to be started twice
    done = {m.group(1) for m in re.finditer(r"^\s+(\S+)\s+done\b", stderr, flags=re.M)}
    assert done == {path.stem + ("" if lang == "fr" else f".{lang}") for path in NOTEBOOKS for lang in LANGUAGES}, stderr


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_kernel(built, path, lang):
    nb = nbformat.read(str(built / "notebooks" / lang / path.name), as_version=4)
    source = nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    # the French code, but for the language the setup cell gives (translate.py)
    french = [c.source for c in source.cells if c.cell_type == "code"]
    if lang != "fr":
        french = [s.replace("deck.setup()", f'deck.setup(lang="{lang}")', 1) for s in french]
    assert [c.source for c in code] == french
    for number, cell in enumerate(code, start=1):
        assert cell.execution_count == number, (cell.id, cell.execution_count)  # top to bottom, once
        assert all(out.output_type != "error" for out in cell.outputs), cell.id
        assert not any(out.get("name") == "stderr" for out in cell.outputs), (cell.id, cell.outputs)
        if conventions.has_tag(cell, conventions.HIDE_INPUT_TAG):
            # a figure cell: live bundle for JupyterLab and HTML for the export
            bundles = [out.data for out in cell.outputs if out.output_type in ("execute_result", "display_data")]
            assert bundles, cell.id
            if conventions.has_tag(cell, conventions.EXERCISE_TAG):
                # a quiz or an explorer: the widget for JupyterLab, its static fallback for the export
                assert "application/vnd.jupyter.widget-view+json" in bundles[0] and "text/html" in bundles[0]
            else:
                assert "application/vnd.plotly.v1+json" in bundles[0] and "text/html" in bundles[0]


def test_there_is_a_notebook_per_section_of_the_seed():
    # Six sections of the 2018 presentation, then the epilogue « Et depuis 2018 ? » (added context).
    assert len(NOTEBOOKS) == 7
    assert NOTEBOOKS[-1].stem == "07_depuis_2018"
