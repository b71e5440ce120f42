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


# What skips the `iri` grammar, as source: run by `skip_iri_grammar` in a command's own process,
# and in the kernels the commands start (the build's, pipeline/execute.py; the live deck's re-run,
# live/present.py), each in a namespace of its own.
SKIP_IRI_GRAMMAR = 'import sys\nsys.modules.setdefault("rfc3987_syntax", None)\n'


def skip_iri_grammar() -> None:
    """In a command's own process, before nbformat is imported: skip the `iri` grammar that
    jsonschema builds when `rfc3987_syntax` is importable (seconds of start-up, for a format that
    no notebook schema uses; jsonschema issue #1428). Without the module, jsonschema leaves that
    one format unchecked."""
    exec(SKIP_IRI_GRAMMAR, {})  # noqa: S102 — our own constant, run here as in the kernels


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def interrupt_on_sigterm() -> None:
    """In a command that serves until Ctrl-C: `kill` or a closed terminal stops it as Ctrl-C does
    (KeyboardInterrupt: the command's own clean-up runs and says so)."""
    signal.signal(signal.SIGTERM, _interrupt)
