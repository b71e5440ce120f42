"""Shared fixtures: one real build of the decks per test run, one real Chromium per worker.

The run's build executes every notebook once, each in a fresh namespace and with an empty cache of
its own (`build_cache`); the tests that need executed notebooks read them from it (`built/notebooks/`)
rather than executing them again. With pytest-xdist (`make test`) the workers share it: the first
worker that needs it builds it under a file lock, in the folder the workers' temporary folders sit
in (`tmp_path_factory.getbasetemp().parent`), and the others wait on the lock and reuse it.

Markers (declared in pyproject.toml) are set here from what a test uses, so that a new test is
marked by its fixtures: `slow` for the session's build, `browser` for Chromium; the modules that
start JupyterLab or print PDFs mark themselves `live` and `pdf`. The fast subset is
`make test-fast` (`pytest -m "not browser and not live and not pdf and not slow and not lite"`).

A skipped test fails the session: a test that does not run proves nothing (`make test` must show
every test run on a clean clone).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from wto_ecommerce_deck import chromium
from wto_ecommerce_deck.errors import skip_iri_grammar

# As the commands do in their own process (cli.main), before any test module imports nbformat: the
# commands the tests run in this process (cli.main) then start as they do on their own.
skip_iri_grammar()

ROOT = Path(__file__).resolve().parents[1]

# fixture → marker: what a test needs decides which subset it belongs to
FIXTURE_MARKERS = {"built": "slow", "build_log": "slow", "build_cache": "slow", "browser": "browser", "offline_page": "browser",
                   "page_pool": "browser"}


# How `make test` shares the tests between its two workers (pytest-xdist `--dist loadgroup
# --no-loadscope-reorder`): each test goes with its group, and the groups are handed out in the
# order of `items`, the next to the first worker free. A module whose module-scoped fixture is dear
# (test_live's `make present`, test_pdf's printed decks, the classroom's servers) is one group; the
# modules in SPLIT are one group per test, so that their long sweeps run on both workers, unless a
# test names its own group (test_presenting's two sweeps of a language share one walk). The groups
# are ordered longest first (LONGEST_FIRST, from `--durations`), so that the two workers end
# together: the first holds test_live while the second builds the decks for the first axe sweep.
SPLIT = ("test_presenting", "test_lite", "test_browser", "test_build_errors")
LONGEST_FIRST = ("test_live.py", "test_presenting.py::test_axe", "test_lite.py::test_section_runs",
                 "test_pdf.py", "test_presenting.py::test_every_slide", "test_classroom.py", "test_lite.py",
                 "test_build_cache.py", "test_build_errors.py", "test_presenting.py", "test_i18n_parity.py",
                 "test_browser.py", "test_data.py", "test_interactive_export.py")


def _module(item) -> str:
    return item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")


def _longest_first(item) -> int:
    where = item.nodeid.rsplit("/", 1)[-1]
    return next((i for i, start in enumerate(LONGEST_FIRST) if where.startswith(start)), len(LONGEST_FIRST))


# tryfirst: xdist's own hook of the same name (in each worker) turns the `xdist_group` marks into
# the suffix of the node id its scheduler groups by, so the marks must be set before it runs.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, marker in FIXTURE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
        module = _module(item)
        if not item.get_closest_marker("xdist_group"):  # a test may name its own (tests that share a walk)
            item.add_marker(pytest.mark.xdist_group(item.nodeid if module in SPLIT else module))
    items.sort(key=_longest_first)  # stable: the order within a file is kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped tests fail the run (make test runs everything): {reason}"



def run_build(out: Path, *extra: str, root: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m wto_ecommerce_deck build --out OUT`, as `make slides` runs it."""
    env = dict(os.environ, WTO_DECK_ROOT=str(root))
    return subprocess.run(
        [sys.executable, "-m", "wto_ecommerce_deck", "build", "--out", str(out), *extra],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _run_folder(tmp_path_factory) -> Path:
    """The temporary folder of the whole run: shared by the xdist workers, this session's own
    otherwise."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def run_lock(tmp_path_factory, name: str):
    """Held by one worker of the run at a time (`name` in the run's folder): the first to get it
    makes what the run shares, the others then find it made."""
    with open(_run_folder(tmp_path_factory) / name, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or its process dies
        yield


@pytest.fixture(scope="session")
def build_cache(build_log) -> Path:
    """The run's build's own execution cache: empty at the start, so that the run executes
    every notebook once, whatever a developer's `.cache/` holds."""
    return build_log[0].parent / "cache"


@pytest.fixture(scope="session")
def build_log(tmp_path_factory) -> tuple[Path, str]:
    """The decks built once per run from the repository's sources, and what the build said
    (stderr). The first worker to get the lock builds; the others find its result."""
    folder = _run_folder(tmp_path_factory) / "shared-build"
    folder.mkdir(exist_ok=True)
    out, cache, said = folder / "build", folder / "cache", folder / "build.json"
    with run_lock(tmp_path_factory, "shared-build.lock"):
        if not said.exists():
            result = run_build(out, "--cache-dir", str(cache))
            assert result.returncode == 0, result.stderr
            said.write_text(json.dumps({"stderr": result.stderr}), encoding="utf-8")
    return out, json.loads(said.read_text(encoding="utf-8"))["stderr"]


@pytest.fixture(scope="session")
def built(build_log) -> Path:
    """The run's build: build/ with slides/, notebooks/ (executed), student/, index.html…"""
    return build_log[0]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, launched as the PDF export launches it (chromium.launch)."""
    from playwright.sync_api import sync_playwright

    assert chromium.executable(), "Debian's chromium is not on PATH (make test installs it as root)"
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        yield browser
        browser.close()


# A page where every request that does not stay on the machine is aborted and recorded; `allow`
# adds a loopback server the test started (`chromium.LOCAL + ("http://127.0.0.1:PORT/",)`), `locale`
# the browser's language.
OfflinePage = chromium.OfflineContext


class PooledPage(chromium.OfflineContext):
    """An `OfflineContext` lent to one test at a time by the worker's pool (`offline_page`).

    Opening a page costs a new renderer process (2–3 s on a loaded machine, against under 1 s to
    load a deck in a page already open), so each worker keeps its pages and lends them again. Given
    back, a page is made new again: the windows it opened are closed, the listeners added through
    `on()` removed, the site's storage cleared, then it goes to about:blank (so that the next test's
    `goto` loads its page afresh, even to the same URL), takes its viewport back, and its records
    (`external`, `errors`, `loaded`) start empty. A test that listens to its page does it with
    `view.on(event, handler)`, not `view.page.on`, so that the next test does not hear it."""

    def __init__(self, browser, viewport, allow, locale):
        super().__init__(browser, viewport, allow=allow, locale=locale)
        self.viewport = viewport
        self._listeners: list[tuple[str, object]] = []

    def on(self, event: str, handler) -> None:
        self.page.on(event, handler)
        self._listeners.append((event, handler))

    def renew(self) -> bool:
        """Ready for the next test; False when the page could not be made new (then closed)."""
        try:
            for page in self.context.pages:
                if page is not self.page:
                    page.close()
            for event, handler in self._listeners:
                self.page.remove_listener(event, handler)
            self._listeners.clear()
            if self.page.url.startswith(("file:", "http:")):
                self.page.evaluate("() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }")
            self.page.goto("about:blank")
            self.page.set_viewport_size({"width": self.viewport[0], "height": self.viewport[1]})
        except Exception:  # noqa: BLE001 — a page that cannot be made new is not lent again
            try:
                self.close()
            except Exception:  # noqa: BLE001 — already closed by its test
                pass
            return False
        self.external.clear()
        self.errors.clear()
        self.loaded.clear()
        return True


@pytest.fixture(scope="session")
def page_pool(browser):
    """The worker's pages not lent at the moment, by (viewport, allow, locale)."""
    free: dict[tuple, list[PooledPage]] = {}
    yield free
    for pages in free.values():
        for page in pages:
            page.close()


@pytest.fixture
def offline_page(page_pool, browser):
    """`offline_page(viewport=(1280, 720), allow=chromium.LOCAL, locale=None)`: an offline page
    for this test, from the worker's pool (see `PooledPage`)."""
    lent: list[tuple[tuple, PooledPage]] = []

    def make(viewport=(1280, 720), allow=chromium.LOCAL, locale=None):
        key = (tuple(viewport), tuple(allow), locale)
        free = page_pool.get(key)
        page = free.pop() if free else PooledPage(browser, tuple(viewport), allow, locale)
        lent.append((key, page))
        return page

    yield make
    for key, page in lent:
        if page.renew():
            page_pool.setdefault(key, []).append(page)
