"""Shared fixtures: one real build of the decks per test session, one real Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wto_ecommerce_deck import chromium

ROOT = Path(__file__).resolve().parents[1]



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
def built(tmp_path_factory) -> Path:
    """The decks built once from the repository's sources.

    WTO_DECK_TEST_BUILD names an existing build to test instead (for quick local runs
    while working on the browser side; CI does not set it)."""
    existing = os.environ.get("WTO_DECK_TEST_BUILD")
    if existing:
        return Path(existing)
    out = tmp_path_factory.mktemp("site") / "build"
    result = run_build(out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, launched as the PDF export launches it (chromium.launch)."""
    from playwright.sync_api import sync_playwright

    assert chromium.executable(), "Debian's chromium is not on PATH (make test installs it as root)"
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        yield browser
        browser.close()


# A page where every request that does not stay on the machine is aborted and recorded.
OfflinePage = chromium.OfflineContext


@pytest.fixture
def offline_page(browser):
    pages = []

    def make(viewport=(1280, 720)):
        page = OfflinePage(browser, viewport)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()
