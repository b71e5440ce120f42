"""How every part of the project starts Debian's chromium (PDF, tests, benchmark).

Never `playwright install`: the browser is the system's, found on PATH. The flags keep
a headless Chromium from calling home: without the background-networking ones it
tries Google's hosts at every start, which this offline project must never do.
"""

from __future__ import annotations

import shutil

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def executable() -> str | None:
    """Debian's chromium on PATH, or None."""
    return shutil.which("chromium")
