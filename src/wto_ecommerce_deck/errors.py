"""The project's one error type.

Every problem a user can cause (a bad data file, a broken notebook, a deck that cannot print, a
missing npm package) is a `DeckError` carrying its one-line messages, each naming the file, the
entry and the field or cell. Code raises it and never prints; the command line (`cli.py`, its
`report`) prints each line as `error: …` on stderr, then the command's closing note, and exits 1.
This module is at the bottom of the package (the standard library only): every module may raise.
"""

from __future__ import annotations

import signal
import sys
from typing import Iterable


class DeckError(Exception):
    """A problem in the project's inputs or environment; `.lines` holds one line per problem."""

    def __init__(self, lines: str | Iterable[str]):
        if isinstance(lines, str):
            lines = lines.splitlines() or [""]
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


class BuildError(DeckError):
    """A notebook, a theme file or a deck that the build cannot use."""


def say(message: str) -> None:
    """A progress or error line of a command: on stderr, so that stdout stays the command's output."""
    print(message, file=sys.stderr, flush=True)


def skip_iri_grammar() -> None:
    """In a command's own process, before nbformat is imported: skip the `iri` grammar that
    jsonschema builds when `rfc3987_syntax` is importable (seconds of start-up, for a format that
    no notebook schema uses; jsonschema issue #1428). Without the module, jsonschema leaves that
    one format unchecked."""
    sys.modules.setdefault("rfc3987_syntax", None)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def interrupt_on_sigterm() -> None:
    """In a command that serves until Ctrl-C: `kill` or a closed terminal stops it as Ctrl-C does
    (KeyboardInterrupt: the command's own clean-up runs and says so)."""
    signal.signal(signal.SIGTERM, _interrupt)
