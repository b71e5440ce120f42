"""Shared fixtures: one real build of the decks per test session, one real Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wto_ecommerce_deck import chromium

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM_ARGS = chromium.ARGS


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
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is not on PATH (make test installs it as root)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class OfflinePage:
    """A page where every request that is not `file:` is aborted and recorded."""

    def __init__(self, browser, viewport=(1280, 720)):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.external: list[str] = []
        self.errors: list[str] = []
        # On the context, so that a popup (the speaker view) is held to the same rules.
        self.context.route("**/*", self._route)
        self.context.on("page", self._watch)
        self._watch(self.page)

    def _watch(self, page):
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "about:", "data:", "blob:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def close(self):
        self.context.close()


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
