"""Every notebook runs top to bottom in a fresh kernel, as a student would run it."""

from __future__ import annotations

import nbformat
import pytest

from conftest import ROOT
from wto_ecommerce_deck.pipeline import execute

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_kernel(path):
    text, _seconds, attempts = execute.execute(str(path), f"notebooks/{path.name}", str(ROOT))
    nb = nbformat.reads(text, as_version=4)
    assert attempts == 1
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert all(out.output_type != "error" for out in cell.outputs), cell.id
        assert not any(out.get("name") == "stderr" for out in cell.outputs), (cell.id, cell.outputs)
        if "hide-input" in cell.metadata.get("tags", []):
            # a figure cell: live bundle for JupyterLab and HTML for the export
            bundles = [out.data for out in cell.outputs if out.output_type in ("execute_result", "display_data")]
            assert bundles, cell.id
            if "exercise" in cell.metadata.get("tags", []):
                # a quiz or an explorer: the widget for JupyterLab, its static fallback for the export
                assert "application/vnd.jupyter.widget-view+json" in bundles[0] and "text/html" in bundles[0]
            else:
                assert "application/vnd.plotly.v1+json" in bundles[0] and "text/html" in bundles[0]


def test_there_is_a_notebook_per_section_of_the_seed():
    # Six sections of the 2018 presentation, then the epilogue « Et depuis 2018 ? » (added context).
    assert len(NOTEBOOKS) == 7
    assert NOTEBOOKS[-1].stem == "07_depuis_2018"
