"""Bad input stops the build with one line naming the file and the entry or cell,
a non-zero exit, and the previous build/ left exactly as it was."""

from __future__ import annotations

import concurrent.futures
import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from wto_ecommerce_deck import cli
from wto_ecommerce_deck.paths import TEMPLATE_CACHE_ENV

# Every test here runs the build command on a copy of the project, and some execute notebooks in a
# kernel: `make test`, not `make test-fast`. The command runs in this process (`cli.main`, what
# `python -m wto_ecommerce_deck build` calls): what is tested is its lines on stderr, its exit
# status and build/ left as it was, not its start; the build in a process of its own is the run's
# shared build (conftest `build_log`) and tests/test_build_cache.py.
pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's inputs, with a previous build/ in place."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "assets", root / "assets")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    previous = root / "build"
    (previous / "slides").mkdir(parents=True)
    (previous / "index.html").write_text("<p>the build of yesterday</p>", encoding="utf-8")
    (previous / "slides" / "deck.html").write_text("<p>a deck</p>", encoding="utf-8")
    return root


def only_notebook(root: Path, name: str) -> Path:
    """Keep one notebook, so that a test that executes starts a single kernel."""
    for path in (root / "notebooks").glob("*.ipynb"):
        if path.name != name:
            path.unlink()
    return root / "notebooks" / name


@pytest.fixture
def fails_cleanly(monkeypatch, capsys):
    """`fails_cleanly(root, *extra)`: `build --out ROOT/build *extra` on that project, in this
    process, as `make slides` runs it there (WTO_DECK_ROOT, cwd), fails (exit 1) and leaves build/
    as it was, with no temporary folder; its `error: ` lines on stderr. What the build sets in the
    environment for itself and its kernels is put back after the test."""

    def check(root: Path, *extra: str) -> list[str]:
        before = snapshot(root / "build")
        monkeypatch.setenv("WTO_DECK_ROOT", str(root))
        monkeypatch.delenv(TEMPLATE_CACHE_ENV, raising=False)
        monkeypatch.chdir(root)
        capsys.readouterr()
        # In a thread of its own, as in its own process: the build runs its kernels with asyncio.run,
        # which refuses a thread where an event loop runs (Playwright's, when a browser test ran first
        # on this worker).
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
            status = thread.submit(cli.main, ["build", "--out", str(root / "build"), *extra]).result()
        said = capsys.readouterr().err
        assert status == 1, said
        assert snapshot(root / "build") == before
        assert sorted(p.name for p in root.iterdir() if p.name.startswith(".build")) == []
        return [line for line in said.splitlines() if line.startswith("error: ")]

    return check


def test_malformed_data_file_names_file_and_line(project, fails_cleanly):
    events = project / "assets" / "data" / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8") + "\n  - id: [unclosed\n", encoding="utf-8")
    errors = fails_cleanly(project)
    assert len(errors) == 1
    assert errors[0].startswith("error: assets/data/events.yaml: line ")
    assert "malformed YAML" in errors[0]


def test_missing_asset_is_named(project, fails_cleanly):
    (project / "assets" / "theme" / "deck.js").unlink()
    errors = fails_cleanly(project)
    assert len(errors) == 1
    assert errors[0].endswith("assets/theme/deck.js: missing asset for vendor/theme/deck.js (reinstall the package)")


def test_notebook_with_invalid_json_is_named(project, fails_cleanly):
    path = project / "notebooks" / "03_structure_omc.ipynb"
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    errors = fails_cleanly(project)
    assert len(errors) == 1
    assert errors[0].startswith("error: notebooks/03_structure_omc.ipynb: invalid notebook JSON at line ")


def test_notebook_without_kernel_spec_is_named(project, fails_cleanly):
    path = project / "notebooks" / "04_nouvel_elan.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    del nb["metadata"]["kernelspec"]
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert fails_cleanly(project) == [
        "error: notebooks/04_nouvel_elan.ipynb: metadata: kernelspec missing (expected name 'python3')"
    ]


def test_cell_without_slide_type_is_named(project, fails_cleanly):
    path = project / "notebooks" / "05_conference_ministerielle.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = nb["cells"][2]
    del cell["metadata"]["slideshow"]
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert fails_cleanly(project) == [
        f"error: notebooks/05_conference_ministerielle.ipynb: cell 3 (id {cell['id']!r}): slideshow.slide_type missing"
    ]


def _add_code_cell(path: Path, source: str) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append(
        {"cell_type": "code", "id": "broken-cell", "metadata": {"slideshow": {"slide_type": "-"}},
         "execution_count": None, "outputs": [], "source": source}
    )
    path.write_text(json.dumps(nb), encoding="utf-8")
    return f"cell {len(nb['cells'])} (id 'broken-cell')"


def test_cell_that_raises_names_notebook_and_cell(project, fails_cleanly):
    path = only_notebook(project, "01_titre.ipynb")
    cell = _add_code_cell(path, "raise ValueError('donnée manquante')")
    errors = fails_cleanly(project)
    assert errors == [f"error: notebooks/01_titre.ipynb: {cell}: ValueError: donnée manquante"]


def test_hanging_cell_is_retried_once_then_named(project, fails_cleanly):
    path = only_notebook(project, "01_titre.ipynb")
    cell = _add_code_cell(path, "import time\ntime.sleep(60)")
    errors = fails_cleanly(project, "--cell-timeout", "8")
    assert errors == [
        f"error: notebooks/01_titre.ipynb: {cell}: no answer within 8 s (tried 2 times, the second in a newly started kernel)"
    ]


def test_a_fact_of_the_notes_not_in_the_data_stops_the_build(project, fails_cleanly):
    """`make slides` enforces the fact audit, speaker notes included: one line naming the notebook,
    the cell and the value (here a WTO symbol that no record of assets/data holds)."""
    path = only_notebook(project, "01_titre.ipynb")
    nb = json.loads(path.read_text(encoding="utf-8"))
    index, notes = next((i, c) for i, c in enumerate(nb["cells"]) if c["metadata"]["slideshow"]["slide_type"] == "notes")
    notes["source"] = "".join(notes["source"]) + "\n\nVoir aussi WT/L/999."
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    # in French only: in every language, the translations of the changed cell are out of date
    # first (the next test)
    errors = fails_cleanly(project, "--lang", "fr")
    assert errors == [
        f"error: notebooks/01_titre.ipynb: cell {index + 1} (id {notes['id']!r}): symbol « WT/L/999 » is not in "
        "assets/data (no event has it as its symbol or names it in its detail)"
    ]


def test_a_french_cell_changed_since_its_translation_stops_the_build(project, fails_cleanly):
    """A translation that no longer matches its French cell (or is missing, or fuzzy) stops the
    build before any kernel starts: one line naming the catalogue and the cell; build/ intact."""
    path = project / "notebooks" / "01_titre.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown" and c["id"] != "titre-01")
    cell["source"] = "".join(cell["source"]) + "\n\nGenève, 2018."
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    errors = fails_cleanly(project)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"error: notebooks/locale/en/01_titre.po: cell '{cell['id']}' (")
    assert errors[0].endswith("): the French text changed since it was translated")


def test_an_unknown_language_is_refused(project, fails_cleanly):
    errors = fails_cleanly(project, "--lang", "de")
    assert errors == ["error: --lang de: no such language (the languages: fr, en, es; a language is assets/i18n/<lang>.json)"]

