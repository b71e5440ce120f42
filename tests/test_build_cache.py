"""The incremental build: a notebook runs again only when what it read changed; a no-op build
executes nothing; Ctrl-C stops the kernels and leaves build/ alone; `--single-file` decks
open offline.

A copy of the project with two notebooks: the title (reads no data file) and the first
timeline (reads the facts), so that each build starts at most two kernels.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
import plotly

from wto_ecommerce_deck.pipeline import bundles, pdf
from wto_ecommerce_deck.pipeline.execute import stable_widget_ids

TITLE, TIMELINE = "01_titre", "02_programme_de_travail"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def states(stderr: str) -> dict[str, str]:
    """The last state of each notebook in the progress lines (`  name  state  seconds`)."""
    found = {}
    for line in stderr.splitlines():
        words = line.split()
        if line.startswith("  ") and len(words) >= 2 and words[0] in (TITLE, TIMELINE):
            found[words[0]] = words[1]
    return found


def make_project(folder: Path, notebooks: tuple[str, ...]) -> Path:
    """A copy of the project, its package code included: the builds of a test see one version of
    the code, even while someone edits src/ (a code change rightly re-executes everything)."""
    root = folder / "project"
    shutil.copytree(ROOT / "assets", root / "assets")
    shutil.copytree(ROOT / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (root / "notebooks").mkdir(parents=True)
    for name in notebooks:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", root / "notebooks")
        for po in (ROOT / "notebooks" / "locale").glob(f"*/{name}.po"):
            (root / "notebooks" / "locale" / po.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(po, root / "notebooks" / "locale" / po.parent.name)
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    quizzes = root / "assets" / "data" / "quizzes.yaml"
    if quizzes.is_file():  # a question must belong to a notebook of the project
        doc = yaml.safe_load(quizzes.read_text(encoding="utf-8"))
        doc["questions"] = [q for q in doc.get("questions") or [] if q.get("section") in notebooks]
        quizzes.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def build(root: Path, *extra: str, langs: tuple[str, ...] = ("fr",)) -> subprocess.CompletedProcess:
    """`make slides` in the copy, with the copy's package code (and so in its kernels too); in
    French only unless `langs` says (the cache's behaviour is the same in every language, and a
    French edit would need its translations updated first)."""
    env = dict(os.environ, WTO_DECK_ROOT=str(root), PYTHONPATH=str(root / "src"))
    chosen = [arg for lang in langs for arg in ("--lang", lang)]
    return subprocess.run(
        [sys.executable, "-m", "wto_ecommerce_deck", "build", "--out", str(root / "build"), *chosen, *extra],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("cache"), (TITLE, TIMELINE))
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert states(result.stderr) == {TITLE: "done", TIMELINE: "done"}, result.stderr
    return root


@pytest.mark.slow  # builds that execute notebooks
def test_noop_build_executes_nothing_and_changes_no_byte(project):
    # What another command wrote beside the decks (`make pdf`: the PDFs, and the index that links
    # them) does not make the build stale.
    (project / "build" / "pdf" / "fr").mkdir(parents=True)
    (project / "build" / "pdf" / "fr" / f"{TITLE}.pdf").write_bytes(b"%PDF-1.7 the handout")
    pdf.link_in_index(project / "build", project / ".cache")
    assert f'href="pdf/fr/{TITLE}.pdf"' in (project / "build" / "index.html").read_text(encoding="utf-8")
    before = snapshot(project / "build")
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert "Nothing to do (2 notebooks cached" in result.stderr
    assert "running" not in result.stderr and "Executing" not in result.stderr
    assert snapshot(project / "build") == before


@pytest.mark.slow  # builds that execute notebooks
def test_data_file_change_reexecutes_exactly_its_readers(project):
    manifests = project / ".cache" / "executed"
    # The title reads no data file (its kernel lists notebooks/, as every import does from there,
    # and reads the catalogue and a template for its outline).
    assert [f for f in json.loads((manifests / f"{TITLE}.json").read_text())["read"] if f.startswith("assets/data/")] == []
    assert "assets/data/events.yaml" in json.loads((manifests / f"{TIMELINE}.json").read_text())["read"]

    before = snapshot(project / "build")
    events = project / "assets" / "data" / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8") + "\n# relu le 27 novembre\n", encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert states(result.stderr) == {TITLE: "cached", TIMELINE: "done"}, result.stderr
    # A comment changes no fact: the rebuilt decks are the same bytes, and build/pdf/ is still there.
    assert snapshot(project / "build") == before


@pytest.mark.slow  # builds that execute notebooks
def test_notebook_change_reexecutes_only_that_notebook(project):
    path = project / "notebooks" / f"{TITLE}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = "".join(markdown["source"]) + "\n\nGenève, 2018."
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert states(result.stderr) == {TITLE: "done", TIMELINE: "cached"}, result.stderr
    assert "Genève, 2018." in (project / "build" / "slides" / "fr" / f"{TITLE}.html").read_text(encoding="utf-8")


@pytest.mark.slow  # builds that execute notebooks
def test_a_changed_word_of_the_catalogue_rebuilds_the_pages(tmp_path):
    """The title's kernel reads the catalogue (the outline's words, teach.outline): a changed word
    re-executes it, and the pages the build writes (the index) carry the new words."""
    root = make_project(tmp_path, (TITLE,))
    assert build(root).returncode == 0
    catalogue = root / "assets" / "i18n" / "fr.json"
    words = json.loads(catalogue.read_text(encoding="utf-8"))
    words["index"]["handout"] = "PDF avec les notes"
    words["index"]["notebook"] = "le notebook"
    catalogue.write_text(json.dumps(words, ensure_ascii=False, indent=2), encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "Nothing to do" not in result.stderr and states(result.stderr) == {TITLE: "done"}, result.stderr
    assert ">le notebook</a>" in (root / "build" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow  # builds that execute notebooks
def test_single_file_decks_run_offline(project, offline_page):
    result = build(project, "--single-file")
    assert result.returncode == 0, result.stderr
    assert "running" not in result.stderr  # the notebooks came from the cache
    single = project / "build" / "single"
    timeline = (single / "fr" / f"{TIMELINE}.html").read_text(encoding="utf-8")
    title = (single / "fr" / f"{TITLE}.html").read_text(encoding="utf-8")
    for html in (timeline, title):
        assert "<script src=" not in html and '<link rel="stylesheet"' not in html
        assert "data:font/woff2;base64," in html
    plotly_banner = re.compile(r"plotly\.js(?: \([^)]*\))? v\d")
    assert plotly_banner.search(timeline) and not plotly_banner.search(title)  # only what a deck uses

    # Alone in a folder of its own, as an e-mail attachment is: a file it still linked would fail to load.
    alone = project / "mailed" / f"{TIMELINE}.html"
    alone.parent.mkdir()
    shutil.copy(single / "fr" / f"{TIMELINE}.html", alone)
    view = offline_page()
    page = view.page
    page.goto(alone.as_uri())
    page.wait_for_selector("html[data-deck-ready=yes]", timeout=20_000)
    total = page.evaluate("document.querySelectorAll('.deck-plot').length")
    assert total >= 1
    for h, v in page.evaluate("() => Reveal.getSlides().map(s => { const i = Reveal.getIndices(s); return [i.h, i.v || 0]; })"):
        page.evaluate(f"Reveal.slide({h}, {v})")
        if page.evaluate("Reveal.getCurrentSlide().querySelectorAll('.deck-plot').length"):
            page.wait_for_function(
                "Array.from(Reveal.getCurrentSlide().querySelectorAll('.deck-plot'))"
                ".every(d => d.getAttribute('data-plot-ready') === 'yes' && d.getBoundingClientRect().width > 0)",
                timeout=15_000,
            )
    assert page.evaluate("document.querySelectorAll('.deck-plot[data-plot-ready=yes]').length") == total
    assert view.external == []
    assert view.errors == []


def _processes_with(marker: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _kernel_sleeping(marker: str) -> bool:
    """A kernel started by the marked build whose main thread is in `time.sleep` (Linux's wchan)."""
    for pid in _processes_with(marker):
        try:
            proc = Path("/proc") / str(pid)
            if b"ipykernel" in (proc / "cmdline").read_bytes() and (proc / "wchan").read_text() == "hrtimer_nanosleep":
                return True
        except OSError:
            continue
    return False


@pytest.mark.slow  # builds that execute notebooks
def test_ctrl_c_stops_the_kernels_and_keeps_the_previous_build(tmp_path):
    root = make_project(tmp_path, (TITLE,))
    path = root / "notebooks" / f"{TITLE}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append(
        {"cell_type": "code", "id": "slow-cell", "metadata": {"slideshow": {"slide_type": "-"}},
         "execution_count": None, "outputs": [], "source": "import time\ntime.sleep(120)"}
    )
    path.write_text(json.dumps(nb), encoding="utf-8")
    previous = root / "build"
    (previous / "slides").mkdir(parents=True)
    (previous / "index.html").write_text("<p>the build of yesterday</p>", encoding="utf-8")
    before = snapshot(previous)

    marker = f"WTO_DECK_TEST_{uuid.uuid4().hex}"
    env = dict(os.environ, WTO_DECK_ROOT=str(root), PYTHONPATH=str(root / "src"), WTO_DECK_TEST_MARKER=marker)
    log = tmp_path / "stderr.txt"
    with log.open("w") as err:
        running = subprocess.Popen(
            [sys.executable, "-m", "wto_ecommerce_deck", "build", "--out", str(previous), "--lang", "fr"],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=err,
            # As from a terminal: Ctrl-C not ignored, whatever the test process inherited (as test_live).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            deadline = time.monotonic() + 120
            # The kernel is up and in the slow cell once the kernel process exists and has run for a bit.
            while "running" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert "running" in log.read_text(), log.read_text()
            # The kernel is in the slow cell once its main thread sleeps (the build's deck writer,
            # a fork of the build, carries the marker too: the kernel is told by its command line).
            while not _kernel_sleeping(marker) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _kernel_sleeping(marker), f"no kernel of the build reached the slow cell:\n{log.read_text()}"
            running.send_signal(signal.SIGINT)
            assert running.wait(timeout=60) == 130, log.read_text()
        finally:
            if running.poll() is None:
                running.kill()
    stderr = log.read_text()
    assert "build interrupted: the previous build/ is unchanged" in stderr
    assert snapshot(previous) == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".build")) == []
    assert _processes_with(marker) == [], "a kernel outlived the interrupted build"


def test_widget_ids_become_stable():
    text = json.dumps({"a": "IPY_MODEL_0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef": {}})
    first = stable_widget_ids(text, ["0123456789abcdef0123456789abcdef"], "notebooks/x.ipynb")
    again = stable_widget_ids(text.replace("0123456789abcdef", "fedcba9876543210"), ["fedcba9876543210fedcba9876543210"], "notebooks/x.ipynb")
    assert first == again
    assert "0123456789abcdef0123456789abcdef" not in first


def test_plotly_bundle_is_the_smallest_that_draws_every_trace_type():
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    node_modules = ROOT / "node_modules"
    chosen = bundles.choose(full, node_modules, {"scatter", "choropleth", "scattergeo"})
    assert chosen != full and chosen.stat().st_size < full.stat().st_size / 2
    assert bundles.choose(full, node_modules, {"scatter", "bar"}) == full  # a new kind of chart: the full bundle


@pytest.mark.slow  # builds that execute notebooks
def test_the_cache_is_keyed_by_language(tmp_path):
    """Three languages: a changed translation re-executes that language's notebook only, and its
    deck shows the new words; the French and the other language come from the cache."""
    root = make_project(tmp_path, (TITLE,))
    first = build(root, langs=("fr", "en", "es"))
    assert first.returncode == 0, first.stderr
    assert "Executing 3 of 3 notebooks" in first.stderr, first.stderr
    catalogue = root / "notebooks" / "locale" / "en" / f"{TITLE}.po"
    text = catalogue.read_text(encoding="utf-8")
    assert '"# Electronic commerce at the WTO\\n"' in text  # the title slide's heading, translated
    catalogue.write_text(text.replace('"# Electronic commerce at the WTO\\n"', '"# E-commerce at the WTO\\n"', 1), encoding="utf-8")
    result = build(root, langs=("fr", "en", "es"))
    assert result.returncode == 0, result.stderr
    assert "Executing 1 of 3 notebooks" in result.stderr, result.stderr
    lines = {line.split()[0]: line.split()[1] for line in result.stderr.splitlines() if line.startswith("  ") and len(line.split()) >= 2}
    assert lines.get(f"{TITLE}.en") == "done" and lines.get(TITLE) == "cached" and lines.get(f"{TITLE}.es") == "cached", result.stderr
    assert "E-commerce at the WTO" in (root / "build" / "slides" / "en" / f"{TITLE}.html").read_text(encoding="utf-8")

