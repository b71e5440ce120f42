"""The room's server in a child process, as a trainer starts it: for the tests and the benchmark.

    with Launched(site, data) as server:       # python -m wto_ecommerce_deck classroom --no-browser …
        server.url, server.token, server.code  # read from what it printed
        server.kill()                          # SIGKILL: a crash
        server.start()                         # the same port and database: it resumes

Only loopback: the server binds 127.0.0.1 (no `--lan`). `stop()` (and leaving the `with`) ends it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..loopback import free_port

TOKEN = re.compile(r"/trainer\?token=([\w-]+)")
CODE = re.compile(r"(\d{3})[\u00a0 ](\d{3})\s*$")
READY_LINE = "Ctrl-C"  # the last line it prints before serving (cli.classroom.stop_hint, every language)


class Launched:
    def __init__(self, site: Path, data: Path, port: int | None = None, *extra: str, timeout: float = 30):
        self.site = Path(site)
        self.data = Path(data)
        self.port = port or free_port()
        self.extra = extra
        self.timeout = timeout
        self.process: subprocess.Popen | None = None
        self.lines: list[str] = []
        self.token = ""
        self.code = ""
        self._reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, *extra: str) -> "Launched":
        command = [
            sys.executable, "-m", "wto_ecommerce_deck", "classroom", "--no-browser", "--port", str(self.port),
            "--build", str(self.site), "--data-dir", str(self.data), *self.extra, *extra,
        ]
        self.lines = []
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            start_new_session=True, env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        ready = threading.Event()

        def read() -> None:  # drained until it ends, so that the server never blocks on its output
            for line in self.process.stdout:
                self.lines.append(line.rstrip("\n"))
                if READY_LINE in line:
                    ready.set()
            ready.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not ready.wait(self.timeout) or self.process.poll() is not None:
            output = "\n".join(self.lines)
            self.stop()
            raise RuntimeError(f"the classroom server did not start:\n{output}")
        text = "\n".join(self.lines)
        self.token = TOKEN.search(text).group(1)
        self.code = next("".join(m.groups()) for line in self.lines if (m := CODE.search(line)))
        deadline = time.monotonic() + self.timeout
        while True:  # the lines come just before uvicorn starts accepting
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash or a pulled plug of the process would: nothing gets to clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self._reader.join(5)

    def stop(self) -> int | None:
        """SIGTERM, as Ctrl-C; SIGKILL if it does not end within 10 s. Its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reader.join(5)  # its last lines read
        return self.process.returncode

    def __enter__(self) -> "Launched":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
