"""A free TCP port on 127.0.0.1, for the servers the package starts on the machine itself: `make
present`'s JupyterLab, the room's server (`make classroom`), and the tests' and benchmarks' own."""

from __future__ import annotations

import socket


def free_port(preferred: int | None = None) -> int:
    """`preferred` when it is free on 127.0.0.1, else a port the system picks."""
    for port in [preferred, 0] if preferred else [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError("no free port on 127.0.0.1")
