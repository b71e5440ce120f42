"""The build's progress display: one line per notebook, its state and its seconds.

On a terminal the lines are redrawn in place (running notebooks count their seconds);
anywhere else (CI logs, a pipe, the tests) each change of state is one new line, so the
log reads top to bottom.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .. import messages

STATES = ("queued", "running", "retrying", "cached", "done", "failed", "stopped")


class Progress:
    def __init__(self, names: list[str], stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.names = list(names)
        self.width = max((len(n) for n in names), default=0)
        self.state = {name: "queued" for name in names}
        self.note = {name: "" for name in names}
        self.started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self._drawn = 0
        self.words = messages.group("cli.state")  # each state as the line shows it

    def line(self, name: str) -> str:
        state = self.state[name]
        seconds = self.seconds.get(name)
        if self.live and seconds is None and name in self.started and state in ("running", "retrying"):
            seconds = time.monotonic() - self.started[name]
        shown = f"{seconds:5.1f} s" if seconds is not None else ""
        return f"  {name:<{self.width}}  {self.words[state]:<8}{shown}{self.note[name]}".rstrip()

    def start(self, states: dict[str, str] | None = None) -> None:
        """Show every notebook once, queued or cached."""
        self.state.update(states or {})
        if self.live:
            self.redraw()
        else:
            for name in self.names:
                self._print(self.line(name))

    def set(self, name: str, state: str, seconds: float | None = None, note: str = "") -> None:
        assert state in STATES, state
        self.state[name] = state
        self.note[name] = note
        if state == "running":
            self.started.setdefault(name, time.monotonic())
        if seconds is not None:
            self.seconds[name] = seconds
        if self.live:
            self.redraw()
        else:
            self._print(self.line(name))

    def redraw(self) -> None:
        """Rewrite the block of lines in place (terminal only)."""
        if not self.live:
            return
        up = f"\x1b[{self._drawn}F" if self._drawn else ""
        text = "".join(f"\x1b[2K{self.line(name)}\n" for name in self.names)
        self.stream.write(up + text)
        self.stream.flush()
        self._drawn = len(self.names)

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)
