"""The JupyterLite site (`make lite`): every section's student notebook run in the browser's Python.

One real HTTP server on 127.0.0.1 serving `build/lite/`, one Chromium (conftest's), every request
to another host aborted and recorded. For each section, as a student would: open the notebook
from its link, wait for the kernel, « Exécuter toutes les cellules » from the menu, then look.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from conftest import ROOT, run_lock

from wto_ecommerce_deck import chromium, serve
from wto_ecommerce_deck.errors import BuildError
from wto_ecommerce_deck.pipeline import layout, lite, lite_app, lite_compress, lite_notebooks, lite_pyodide, site

pytestmark = [pytest.mark.lite]

SECTIONS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# The kernel is attached (the toolbar names it) and idle. The execution indicator alone reads « idle »
# while the notebook has no kernel yet (the toolbar says « No Kernel »), and « Exécuter toutes les
# cellules » then opens JupyterLab's kernel-selection dialog instead of running: seen on a loaded
# machine, where the kernel is attached seconds after the notebook is drawn.
KERNEL_IDLE = """() => { const e = document.querySelector('.jp-Notebook-ExecutionIndicator');
  const name = document.querySelector('.jp-NotebookPanel-toolbar .jp-KernelName');
  return !!e && e.getAttribute('data-status') === 'idle' && !!name && name.textContent.trim() === 'Python (Pyodide)'; }"""
ALL_RUN = """() => { const e = document.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')).map(p => p.textContent);
  return !!e && e.getAttribute('data-status') === 'idle' && prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t)); }"""
QUEUED = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt'))
  .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
ERROR_OUTPUTS = """() => Array.from(document.querySelectorAll(
  '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
  + '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')).map(e => e.innerText.slice(0, 400))"""
PLOTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => {
  const box = d.getBoundingClientRect();
  return {width: box.width, height: box.height, countries: d.querySelectorAll('path.choroplethlocation').length,
          points: d.querySelectorAll('.scatterlayer .point').length};
})"""


@pytest.fixture(scope="module")
def lite_site(tmp_path_factory) -> Path:
    """`build/lite/` as `make lite` writes it (rebuilt here only when its inputs changed). Under a
    lock shared by the run's workers (each runs some of this module's tests): one builds, the other
    then finds the site up to date."""
    with run_lock(tmp_path_factory, "lite.lock"):
        out = lite.build(ROOT / "build")
    assert (out / "static" / "pyodide" / "pyodide-lock.json").is_file()
    return out


@pytest.fixture(scope="module")
def server(lite_site):
    httpd = serve.make_server(lite_site, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


class Student(chromium.OfflineContext):
    """One browser profile for the whole module (its cache warms up like a student's would): only
    the site's server answers, every other request is aborted and recorded (`external`)."""

    def __init__(self, browser, origin: str):
        super().__init__(browser, (1280, 900), allow=(origin + "/", "data:", "blob:", "about:"))
        self.origin = origin
        self.failed: list[str] = []  # the site's own files that did not load (a pruned chunk, say)
        self.context.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.context.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        if not request.url.startswith(self.origin + "/"):
            return
        # JupyterLab swaps its favicon every few hundred ms while the kernel is busy, and the page
        # drops the request of the one before (net::ERR_ABORTED, or net::ERR_FAILED when the swap
        # lands mid-answer): a dropped favicon the server does serve, asked again here, is no file
        # that did not load (a missing file is a 404, recorded above).
        if "/favicons/" in request.url and request.failure in ("net::ERR_ABORTED", "net::ERR_FAILED"):
            try:
                with urllib.request.urlopen(request.url, timeout=10) as again:
                    if again.status == 200 and again.read():
                        return
            except OSError:
                pass
        self.failed.append(f"failed {request.url} ({request.failure})")


@pytest.fixture(scope="module")
def student(browser, server):
    profile = Student(browser, server)
    yield profile
    profile.close()


def test_the_lock_ships_only_local_wheels_with_their_hashes(lite_site):
    lock = json.loads((lite_site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    packages = lock["packages"]
    for name in ("plotly", "ipywidgets", "pyyaml", "pycountry", "nbformat", "wto-ecommerce-deck", *lite_app.KERNEL_PACKAGES):
        assert name in packages, name
    for name, item in packages.items():
        wheel = lite_site / "static" / "pyodide" / item["file_name"]
        assert wheel.is_file() and "/" not in item["file_name"], name  # beside the lock, never a URL
        assert lite_pyodide._sha256(wheel) == item["sha256"], name
        assert item["file_name"].endswith("-none-any.whl"), name  # pure Python only
        assert all(dep in packages for dep in item["depends"]), name
    config = json.loads((lite_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert (lite_site / kernel["pyodideUrl"]).is_file()
    # what the site configures (the kernel's schema keeps the CDN as its default; the tests below
    # check that nothing asks it)
    configured = [lite_site / "jupyter-lite.json", lite_site / "static" / "pyodide" / "pyodide-lock.json"]
    configured += list(lite_site.glob("*/jupyter-lite.json"))
    for path in configured:
        assert "https://" not in path.read_text(), path


def test_the_modules_a_kernel_starts_with_are_precompiled_and_jedi_is_not_shipped(lite_site):
    """`lite_pyc.py`: what the kernel's start imports is compiled (a library's `.pyc` in place of its
    `.py`, ours beside it), what it does not import stays source, one magic number for all; the
    wheels' RECORD name what they hold; jedi is an empty distribution."""
    import zipfile

    folder = lite_site / "static" / "pyodide"
    lock = json.loads((folder / "pyodide-lock.json").read_text())["packages"]
    wheels = {name: zipfile.ZipFile(folder / item["file_name"]) for name, item in lock.items()}
    stdlib = zipfile.ZipFile(folder / "python_stdlib.zip")
    names = {name: set(z.namelist()) for name, z in wheels.items()} | {"stdlib": set(stdlib.namelist())}
    started = {  # imported by every kernel's start
        "ipython": "IPython/core/interactiveshell", "traitlets": "traitlets/traitlets",
        "pyodide-kernel": "pyodide_kernel/kernel", "stdlib": "asyncio/base_events",
        # the package manager, imported by the kernel's worker before the kernel
        "piplite": "piplite/piplite", "micropip": "micropip/package_manager",
    }
    assert "unittest/mock.pyc" in names["stdlib"]  # micropip imports it at start
    for name, module in started.items():
        assert f"{module}.pyc" in names[name] and f"{module}.py" not in names[name], (name, module)
    assert "nbformat/validator.py" in names["nbformat"]  # imported at a figure's first display only: source
    # the terminal's shell is no longer imported at start (the lock's patch of IPython/__init__.py): source
    assert "prompt_toolkit/__init__.py" in names["prompt-toolkit"] and "IPython/terminal/embed.py" in names["ipython"]
    ours = names["wto-ecommerce-deck"]
    assert "wto_ecommerce_deck/deck.py" in ours and "wto_ecommerce_deck/__pycache__/deck.cpython-314.pyc" in ours
    magic = {stdlib.read("asyncio/base_events.pyc")[:4]}
    for name, z in wheels.items():
        record = next((n for n in names[name] if n.endswith(".dist-info/RECORD")), None)
        listed = {line.split(",", 1)[0] for line in z.read(record).decode().splitlines()} if record else set()
        for member in names[name]:
            if member.endswith(".pyc"):
                magic.add(z.read(member)[:4])
            if member.endswith((".py", ".pyc")):
                assert member in listed, (name, member)
    assert len(magic) == 1 and next(iter(magic))[2:] == b"\r\n", magic
    # jedi: a distribution without a module (IPython then completes with its own completer)
    assert lite_pyodide.NOT_SHIPPED == ("jedi",) and "jedi" in lite_app.KERNEL_PACKAGES
    assert lock["jedi"]["imports"] == [] and all(".dist-info/" in n for n in names["jedi"])
    assert "parso" not in lock


def test_the_interface_opens_in_french_and_offers_english_and_spanish(lite_site):
    """A Spanish or English student switches JupyterLab's language from the menu: the site ships
    the French and Spanish language packs (English is JupyterLab's own), French by default, and the
    banner of each language says how to switch."""
    languages = json.loads((lite_site / "api" / "translations" / "all.json").read_text())["data"]
    assert {"en", "fr_FR", "es_ES"} <= set(languages)
    spanish = json.loads(lite_compress.read_unpacked(lite_site / "api" / "translations" / "es_ES.json"))["data"]["jupyterlab"]
    assert spanish["Run All Cells"] == ["Ejecutar todas las celdas"]
    settings = json.loads((lite_site / "overrides.json").read_text())
    assert settings["@jupyterlab/translation-extension:plugin"]["locale"] == "fr_FR"
    for lang, name in (("en", "English"), ("es", "Español (España)")):
        banner = (ROOT / "assets" / "lite" / f"banner-{lang}.md").read_text(encoding="utf-8")
        assert "Paramètres" in banner and "Langue" in banner and name in banner, lang
        assert languages[lite_notebooks.LANGUAGE_LOCALES[lang]]["nativeName"].startswith(name.split(" (")[0]), lang


def test_index_links_each_section_to_the_browser(lite_site, tmp_path):
    build = lite_site.parent
    for name in SECTIONS:
        entry = site.with_lite(site.DeckEntry(name, name, 1, f"slides/{name}.html", f"notebooks/{name}.ipynb"), build)
        assert entry.lite_path == f"lite/notebooks/index.html?path=fr/{name}.ipynb"
        assert "ouvrir dans le navigateur" in site.index_html([entry])
    missing = site.with_lite(site.DeckEntry("x", "x", 1, "slides/x.html", "notebooks/x.ipynb"), tmp_path)
    assert missing.lite_path is None and "ouvrir dans le navigateur" not in site.index_html([missing])


def run_all_cells(page, name: str) -> None:
    """« Exécution » › « Exécuter toutes les cellules », as a student does, until the cells are queued.

    The notebook panel must have the focus, or the command does nothing; on a loaded machine the
    click that gives it was seen to be lost (every prompt still « [ ] » 300 s later): a student would
    click again, and so does this, up to three times."""
    for _ in range(3):
        dialog = page.locator(".jp-Dialog")
        if dialog.count():  # what a student would have to answer: say which, not « click timed out »
            pytest.fail(f"{name}: JupyterLab opened a dialog: {dialog.first.inner_text()!r}")
        page.locator(".jp-Notebook .jp-Cell").first.click()
        page.get_by_role("menuitem", name="Exécution").click()
        page.get_by_role("menuitem", name="Exécuter toutes les cellules", exact=True).click()
        try:
            page.wait_for_function(QUEUED, timeout=20_000, polling=250)
            return
        except PlaywrightTimeout:
            continue
    pytest.fail(f"{name}: « Exécuter toutes les cellules » queued no cell, three times")


@pytest.mark.browser
@pytest.mark.parametrize("name", SECTIONS)
def test_section_runs_in_the_browser(student, lite_site, name):
    source = (ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")
    link = layout.lite_link(lite_site.parent, name)
    assert link, f"{name}: not in build/lite/"
    page = student.context.new_page()
    try:
        page.goto(f"{student.origin}/{link[len(layout.LITE_FOLDER) + 1:]}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        # the banner, in French, first
        expect(page.locator(".jp-Cell").first).to_contain_text("s’exécute dans votre navigateur", timeout=30_000)
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        run_all_cells(page, name)
        try:
            # Pyodide may still be starting (the indicator reads idle early): generous on a loaded machine
            page.wait_for_function(ALL_RUN, timeout=300_000, polling=500)
        except Exception:
            prompts = page.evaluate("Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')).map(p => p.textContent)")
            pytest.fail(f"{name}: the run did not finish in 300 s; prompts {prompts}, errors {page.evaluate(ERROR_OUTPUTS)}")
        assert page.evaluate(ERROR_OUTPUTS) == []

        expected_plots = len(re.findall(r"(timeline|members|structure)\.\w+\(\)", source))
        plots = page.evaluate(PLOTS)
        assert len(plots) >= expected_plots, plots
        for plot in plots:
            assert plot["width"] > 300 and plot["height"] > 200, plot
        if "members.map()" in source:
            assert max(p["countries"] for p in plots) >= 60, plots  # the map, drawn from the local topojson

        quizzes = page.locator(".omc-quiz")
        if "quiz.show(" in source:
            quiz = quizzes.first
            quiz.scroll_into_view_if_needed()
            radios = quiz.locator("input[type=radio]")
            if radios.count():
                radios.first.click()
            quiz.get_by_role("button", name="Vérifier").click()
            feedback = quiz.locator(".omc-feedback")
            feedback.wait_for(timeout=20_000)
            assert feedback.inner_text().strip()
        else:
            assert quizzes.count() == 0

        if "explorer.timeline(" in source:
            explorer = page.locator(".omc-explorer").first
            explorer.scroll_into_view_if_needed()
            options = explorer.locator("select option")
            before = options.count()
            assert before > 0
            explorer.locator("input[type=checkbox]").first.click()
            deadline = time.monotonic() + 20
            while options.count() == before and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            assert 0 <= options.count() < before
    finally:
        failed = list(student.failed)  # while the page was open: closing it cuts what is in flight
        page.close()
    assert student.external == []
    assert failed == []


@pytest.mark.browser
def test_jupyterlab_in_french_unshipped_package_and_download(student, lite_site):
    """The other app of the site, JupyterLab, in French; its kernel started from precompiled modules
    and without jedi, Tab still completes; `import` of a package the site does not ship fails at
    once (no request anywhere); the toolbar's « Télécharger » saves the notebook."""
    page = student.context.new_page()
    try:
        page.goto(f"{student.origin}/lab/index.html?path=fr/{SECTIONS[0]}.ipynb")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        expect(page.get_by_role("menuitem", name="Fichier")).to_be_visible()
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)

        def new_cell(code: str, run: bool = True) -> None:
            page.locator(".jp-Notebook .jp-Cell").last.click()
            page.keyboard.press("Escape")
            page.keyboard.press("b")
            page.keyboard.press("Enter")
            page.keyboard.type(code)
            if run:
                page.keyboard.press("Shift+Enter")

        # the kernel started from the modules `make lite` precompiled (lite_pyc.py): a library and
        # the standard library without their source, our package with its source and its .pyc, all
        # of this Python's magic number; and without jedi (lite_pyodide.NOT_SHIPPED)
        # and without the terminal's shell (prompt_toolkit: the lock's patch of IPython/__init__.py),
        # which `IPython.embed` still imports when called
        new_cell(
            "import importlib.util, json, os, sys, IPython, wto_ecommerce_deck.deck as d\n"
            "print('start', 'jedi' in sys.modules, IPython.__file__.endswith('.pyc'), json.__file__.endswith('.pyc'), "
            "open(IPython.__file__, 'rb').read(4) == importlib.util.MAGIC_NUMBER, d.__file__.endswith('.py'), "
            "open(d.__cached__, 'rb').read(4) == importlib.util.MAGIC_NUMBER, get_ipython().Completer.use_jedi, "
            "'prompt_toolkit' in sys.modules, 'checked')"
        )
        expect(page.locator(".jp-OutputArea-output").filter(has_text="checked").last).to_contain_text(
            "start False True True True True True False False checked", timeout=60_000
        )
        new_cell("import IPython.terminal.embed as e, sys\nprint('embed', IPython.embed.__module__, e.embed is not IPython.embed, 'prompt_toolkit' in sys.modules)")
        expect(page.locator(".jp-OutputArea-output").filter(has_text="embed").last).to_contain_text(
            "embed IPython True True", timeout=60_000
        )
        # Tab still completes a name (IPython's own completer): offered, then written in with Enter
        new_cell("valeur_unique_de_test = 1")
        new_cell("valeur_unique_de_t", run=False)
        page.keyboard.press("Tab")
        expect(page.locator(".jp-Completer-item").first).to_contain_text("valeur_unique_de_test", timeout=30_000)
        page.keyboard.press("Enter")
        expect(page.locator(".jp-Notebook .jp-Cell").last.locator(".cm-content")).to_have_text("valeur_unique_de_test", timeout=30_000)
        # a package that is not shipped: a clear error, and no download attempted
        new_cell("import pandas")
        error = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').last
        expect(error).to_contain_text("ModuleNotFoundError", timeout=60_000)
        expect(error).to_contain_text("pandas")
        with page.expect_download() as download:
            page.locator(".jp-NotebookPanel-toolbar").get_by_text("Télécharger").click()
        assert download.value.suggested_filename.endswith(f"{SECTIONS[0]}.ipynb")
        saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert saved["cells"][0]["id"] == "lite-00"  # the student's notebook, banner first
    finally:
        failed = list(student.failed)  # while the page was open: closing it cuts what is in flight
        page.close()
    assert student.external == []
    assert failed == []


def test_serve_gives_pyodide_its_mime_types(lite_site):
    import gzip
    import urllib.error
    import urllib.request

    httpd = serve.make_server(lite_site.parent, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}/lite/static/pyodide/"
        plain = {}
        for name, mime in (("pyodide.asm.wasm", "application/wasm"), ("pyodide.mjs", "text/javascript")):
            with urllib.request.urlopen(base + name, timeout=10) as response:
                assert response.headers["Content-Type"] == mime
                assert response.headers["Last-Modified"]  # a second visit revalidates from the cache
                plain[name] = response.read()
        # stored gzipped (the site as delivered): a browser gets the packed bytes with their
        # encoding, and they unpack to what a client without gzip gets; a second visit gets a 304
        assert (lite_site / "static" / "pyodide" / "pyodide.asm.wasm.gz").is_file()
        assert not (lite_site / "static" / "pyodide" / "pyodide.asm.wasm").exists()
        request = urllib.request.Request(base + "pyodide.asm.wasm", headers={"Accept-Encoding": "gzip, br"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Type"] == "application/wasm"
            assert response.headers["Content-Encoding"] == "gzip"
            packed = response.read()
            modified = response.headers["Last-Modified"]
        wasm = plain["pyodide.asm.wasm"]
        assert len(packed) < len(wasm) / 2 and gzip.decompress(packed) == wasm
        assert wasm[:4] == b"\0asm"
        request.add_header("If-Modified-Since", modified)
        with pytest.raises(urllib.error.HTTPError) as cached:
            urllib.request.urlopen(request, timeout=10)
        assert cached.value.code == 304
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def test_a_bad_lock_is_one_line_naming_the_package(tmp_path):
    bad = tmp_path / "wheels.lock.json"
    bad.write_text(json.dumps({"packages": [{"name": "plotly", "version": "7.1.0", "file": "x.whl", "imports": []}]}))
    with pytest.raises(BuildError) as error:
        lite_pyodide.read_lock(bad)
    assert str(error.value).endswith("package 'plotly': field 'sha256' missing")
    assert "\n" not in str(error.value)


def _wheel(path: Path, files: dict[str, str]) -> Path:
    import zipfile

    record = "".join(f"{name},sha256=x,{len(text)}\n" for name, text in files.items()) + "pkg-1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
        wheel.writestr("pkg-1.0.dist-info/RECORD", record)
    return path


def test_a_patch_of_the_lock_rewrites_its_one_place_and_the_record(tmp_path):
    import base64
    import hashlib
    import zipfile

    source = _wheel(tmp_path / "pkg-1.0-py3-none-any.whl", {"pkg/__init__.py": "import a\nfrom .b import c\n", "pkg/b.py": "c = 1\n"})
    made = lite_pyodide.slim_wheel(source, tmp_path / "made.whl", (), retag=False,
                                   patch=(("pkg/__init__.py", "from .b import c\n", "c = None\n"),), what="lock: package 'pkg'")
    with zipfile.ZipFile(made) as wheel:
        text = wheel.read("pkg/__init__.py")
        record = wheel.read("pkg-1.0.dist-info/RECORD").decode()
        assert wheel.read("pkg/b.py") == b"c = 1\n"
    assert text == b"import a\nc = None\n"
    digest = base64.urlsafe_b64encode(hashlib.sha256(text).digest()).rstrip(b"=").decode()
    assert f"pkg/__init__.py,sha256={digest},{len(text)}" in record.splitlines()
    assert "pkg/b.py,sha256=x,6" in record.splitlines()


@pytest.mark.parametrize("patch, said", [
    (("pkg/__init__.py", "from .gone import c\n", ""), "patch of pkg/__init__.py: the text to replace is there 0 times, not once"),
    (("pkg/__init__.py", "import", ""), "patch of pkg/__init__.py: the text to replace is there 2 times, not once"),
    (("pkg/missing.py", "x", ""), "patch of pkg/missing.py: not in the wheel"),
])
def test_a_patch_whose_text_is_not_there_once_stops_the_build_naming_package_and_file(tmp_path, patch, said):
    source = _wheel(tmp_path / "pkg-1.0-py3-none-any.whl", {"pkg/__init__.py": "import a\nimport b\n"})
    with pytest.raises(BuildError) as error:
        lite_pyodide.slim_wheel(source, tmp_path / "made.whl", (), retag=False, patch=(patch,), what="lock: package 'pkg'")
    assert str(error.value) == f"lock: package 'pkg': {said} (pkg-1.0-py3-none-any.whl)"


def test_a_patch_without_its_fields_is_one_line_naming_package_and_field(tmp_path):
    bad = tmp_path / "wheels.lock.json"
    entry = {"name": "ipython", "version": "9", "file": "x.whl", "sha256": "0", "imports": [], "depends": [],
             "patch": [{"file": "IPython/__init__.py", "replace": "x"}]}
    bad.write_text(json.dumps({"packages": [entry]}))
    with pytest.raises(BuildError) as error:
        lite_pyodide.read_lock(bad)
    assert str(error.value).endswith("package 'ipython': patch 1: field 'with' missing or not text")
