"""How every part of the project starts Debian's chromium and keeps it offline: the PDF export,
the tests, the benchmark and check-env all use `executable`, `launch` and `OfflineContext`.

Never `playwright install`: the browser is the system's, found on PATH. The flags keep
a headless Chromium from calling home: without the background-networking ones it
tries Google's hosts at every start, which this offline project must never do.
An `OfflineContext` aborts every request that does not stay on the machine (or on the
loopback server a test started) and records it, with the page's console errors, so that
the caller can say what tried to leave.
"""

from __future__ import annotations

import re
import shutil
from typing import Iterable

from .conventions import SLIDE_HEIGHT, SLIDE_WIDTH
from .errors import DeckError

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# What never leaves the machine.
LOCAL = ("file:", "about:", "data:", "blob:")
MISSING = "chromium is not on PATH: 'apt-get install chromium' (make pdf does it as root)"


def outside(allow: Iterable[str]) -> re.Pattern:
    """The URLs that start with none of `allow`: the only requests a context routes to Python.

    A route's pattern is matched by Playwright's driver; a request it does not match goes on
    without a round trip to this process (a JupyterLab page asks 180 files: routed one by one,
    its kernel was ready 0.5–0.8 s later)."""
    return re.compile("^(?!" + "|".join(re.escape(prefix) for prefix in allow) + ")")


def executable() -> str | None:
    """Debian's chromium on PATH, or None."""
    return shutil.which("chromium")


def launch(playwright):
    """Debian's chromium through Playwright, headless, with the offline flags; DeckError when missing."""
    path = executable()
    if not path:
        raise DeckError(MISSING)
    return playwright.chromium.launch(executable_path=path, args=ARGS)


class OfflineContext:
    """A browser context where every request outside `allow` (URL prefixes) is aborted and recorded
    (a loopback server a test started: `allow=LOCAL + ("http://127.0.0.1:PORT/",)`).

    `.page` is its first page; `.external` the URLs that tried to leave, `.errors` the console
    errors and uncaught exceptions of every page of the context (a popup, such as reveal's speaker
    view, is held to the same rules), `.loaded` the allowed URLs requested.
    """

    def __init__(
        self,
        browser,
        viewport: tuple[int, int] = (SLIDE_WIDTH, SLIDE_HEIGHT),
        allow: Iterable[str] = LOCAL,
        locale: str | None = None,
    ):
        self.allow = tuple(allow)
        options = {"locale": locale} if locale else {}  # the browser's language: navigator.language, Accept-Language
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, **options)
        self.page = self.context.new_page()
        self.external: list[str] = []
        self.errors: list[str] = []
        self.loaded: list[str] = []
        # On the context, so that a popup is held to the same rules.
        self.context.route(outside(self.allow), self._abort)
        self.context.on("request", lambda request: self.loaded.append(request.url) if request.url.startswith(self.allow) else None)
        self.context.on("page", self._watch)
        self._watch(self.page)

    def _watch(self, page) -> None:
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _abort(self, route) -> None:
        self.external.append(route.request.url)
        route.abort()

    def on(self, event: str, handler) -> None:
        """Listen to the first page's `event` (a dialog, say)."""
        self.page.on(event, handler)

    def close(self) -> None:
        self.context.close()

    def __enter__(self) -> "OfflineContext":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
