"""Shared fixtures: one real build of the decks per test session, one real Chromium.

The session's build executes every notebook once, in a fresh kernel and with an empty cache of its
own (`build_cache`); the tests that need executed notebooks read them from it (`built/notebooks/`)
rather than executing them again.

Markers (declared in pyproject.toml) are set here from what a test uses, so that a new test is
marked by its fixtures: `slow` for the session's build, `browser` for Chromium; the modules that
start JupyterLab or print PDFs mark themselves `live` and `pdf`. The fast subset is
`make test-fast` (`pytest -m "not browser and not live and not pdf and not slow and not lite"`).

A skipped test fails the session: a test that does not run proves nothing (`make test` must show
every test run on a clean clone).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wto_ecommerce_deck import chromium

ROOT = Path(__file__).resolve().parents[1]

# fixture → marker: what a test needs decides which subset it belongs to
FIXTURE_MARKERS = {"built": "slow", "build_log": "slow", "build_cache": "slow", "browser": "browser", "offline_page": "browser"}


# The longest test files first (measured with --durations): `make test` runs two workers, one file
# each at a time (pytest-xdist, --dist loadfile), and a long file started last keeps one worker busy
# while the other has nothing left.
LONGEST_FIRST = ("test_presenting", "test_lite", "test_live", "test_pdf", "test_browser",
                 "test_build_cache", "test_build_errors", "test_interactive_export")


def _longest_first(item) -> int:
    module = item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
    return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, marker in FIXTURE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
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


@pytest.fixture(scope="session")
def build_cache(tmp_path_factory) -> Path:
    """The session build's own execution cache: empty at the start, so that the session executes
    every notebook once, whatever a developer's `.cache/` holds."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def build_log(tmp_path_factory, build_cache) -> tuple[Path, str]:
    """The decks built once from the repository's sources, and what the build said (stderr)."""
    out = tmp_path_factory.mktemp("site") / "build"
    result = run_build(out, "--cache-dir", str(build_cache))
    assert result.returncode == 0, result.stderr
    return out, result.stderr


@pytest.fixture(scope="session")
def built(build_log) -> Path:
    """The session's build: build/ with slides/, notebooks/ (executed), student/, index.html…"""
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


@pytest.fixture
def offline_page(browser):
    pages = []

    def make(viewport=(1280, 720), allow=chromium.LOCAL, locale=None):
        page = OfflinePage(browser, viewport, allow=allow, locale=locale)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()
