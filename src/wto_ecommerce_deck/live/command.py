"""`make present` run as a trainer runs it, watched from outside: tests/test_live.py and
bench/present.py both start and stop it through `PresentProcess`.

It starts `make present PRESENT_ARGS="--no-browser --port … --live-dir …"` in its own process
group, with its own Jupyter config, data and IPython folders (`PRIVATE_DIRS` below a `home`
folder: the user's settings, history and kernels are neither read nor written), reads what the
command says on stderr line by line, and stops it with Ctrl-C (SIGINT to the group), as from a
terminal, then SIGTERM, SIGKILL and, if the server outlived the command, its own shutdown API.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from ..paths import repo_root
from .present import PRIVATE_DIRS  # each below `home` here

# SIGINT first (Ctrl-C: `present` stops its server and kernels), then harder, each with its wait in s.
STOP_SIGNALS = ((signal.SIGINT, 40), (signal.SIGTERM, 15), (signal.SIGKILL, 5))


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class PresentProcess:
    """`make present PRESENT_ARGS="--no-browser --port … --live-dir …"`, its stderr read line by line."""

    def __init__(self, port: int, live_dir: Path, home: Path, lang: str | None = None, root: Path | None = None):
        env = dict(os.environ)
        for name in PRIVATE_DIRS:
            env[name] = str(home / name.lower())  # not the user's own settings, history or kernels
        self.port = port
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "present", *([f"LANG={lang}"] if lang else []),
             f"PRESENT_ARGS=--no-browser --port {port} --live-dir {live_dir}"],
            cwd=root or repo_root(),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: Ctrl-C reaches make and `present`
            # As from a terminal: Ctrl-C not ignored, even when started in the background.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str | re.Pattern, timeout: float) -> re.Match:
        """The first line from now on that matches `pattern`; TimeoutError (with every line seen)
        when none came within `timeout` seconds or the command ended first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        shown = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
        raise TimeoutError(f"no {shown!r} from `make present` within {timeout} s:\n" + "\n".join(self.seen))

    def drain(self) -> None:
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return

    def stop(self, token: str | None = None) -> None:
        """Ctrl-C, as the trainer does; then SIGTERM, SIGKILL and the server's own shutdown API."""
        for sig, wait in STOP_SIGNALS:
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        if token and port_open(self.port):  # `present` died without stopping its server
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.port}/api/shutdown", method="POST",
                headers={"Authorization": f"token {token}"},
            )
            try:
                urllib.request.urlopen(request, timeout=5)
            except OSError:
                pass
        self._reader.join(timeout=5)  # its last lines (« Arrêt du serveur… ») read to the end of stderr
        self.drain()
