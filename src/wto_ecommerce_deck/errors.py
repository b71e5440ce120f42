"""The project's one error type, and the one place where it becomes output and an exit code.

Every problem a user can cause (a bad data file, a broken notebook, a deck that cannot print, a
missing npm package) is a `DeckError` carrying its one-line messages, each naming the file, the
entry and the field or cell. Code raises it and never prints; the command line (`cli.py`, through
`report`) prints each line as `error: …` on stderr, then the command's closing note, and exits 1.
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


def report(exc: DeckError, note: str | None = None) -> int:
    """Print the error's lines (`error: …`) and the command's closing note; return the exit code."""
    from .messages import t  # here: messages imports this module

    for line in exc.lines:
        say(t("cli.error", message=line))
    if note:
        say(note)
    return 1


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
