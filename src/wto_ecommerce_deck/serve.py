"""`make serve`: `build/` over HTTP, for the JupyterLite site (which a `file://` page cannot run).

On 127.0.0.1 by default; `--lan` listens on every interface so that the students of a room open
the trainer's laptop's address. The standard library's server, with the MIME types a browser
needs to run Pyodide (`.wasm`, `.mjs`) and `Last-Modified`, so that a second visit is served from
the browser's cache. `make lite` stores the site's large text and WebAssembly files gzipped
(`name.gz` in place of `name`, `pipeline/lite_compress.py`): a request for `name` gets the `.gz`
bytes with `Content-Encoding: gzip` (the browser unpacks them), or unpacked ones for a client that
does not accept gzip.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import socket
import sys
from pathlib import Path

from .paths import repo_root

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".ipynb": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    gzipped: str | None = None  # the original path, when its `.gz` is served in its place

    def translate_path(self, path: str) -> str:
        real = super().translate_path(path)
        self.gzipped = None
        if not os.path.exists(real) and os.path.isfile(real + ".gz"):
            self.gzipped = real
            return real + ".gz"
        return real

    def guess_type(self, path) -> str:
        if self.gzipped and str(path) == self.gzipped + ".gz":
            return super().guess_type(self.gzipped)
        return super().guess_type(path)

    def _accepts_gzip(self) -> bool:
        return "gzip" in self.headers.get("Accept-Encoding", "")

    def send_head(self):
        path = self.translate_path(self.path)
        if self.gzipped and not self._accepts_gzip():
            ctype = self.guess_type(path)
            data = gzip.decompress(Path(path).read_bytes())
            self.gzipped = None  # sent unpacked: no Content-Encoding
            self.send_response(200)
            self.send_header("Content-type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Last-Modified", self.date_time_string(int(os.stat(path).st_mtime)))
            self.end_headers()
            return io.BytesIO(data)
        return super().send_head()

    def send_response_only(self, code, message=None) -> None:
        super().send_response_only(code, message)
        if self.gzipped and code == 200:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")

    def end_headers(self) -> None:
        # Revalidate with Last-Modified/If-Modified-Since: a rebuilt site is never served stale,
        # and an unchanged file costs a 304 instead of its bytes.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        if self.server.verbose:
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    verbose = False


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000, verbose: bool = False) -> Server:
    handler = functools.partial(Handler, directory=str(folder))
    server = Server((host, port), handler)
    server.verbose = verbose
    return server


def lan_addresses() -> list[str]:
    """This machine's addresses on the local network (what students type), best effort."""
    found = set()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: UDP connect only picks a route
            found.add(probe.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(info[4][0])
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127."))


def main(folder: Path | None = None, port: int = 8000, lan: bool = False) -> int:
    folder = (folder or repo_root() / "build").resolve()
    if not (folder / "index.html").is_file() and not (folder / "lite" / "index.html").is_file():
        print(f"error: {folder}: nothing to serve (run `make slides` and `make lite`)", file=sys.stderr)
        return 1
    host = "0.0.0.0" if lan else "127.0.0.1"
    try:
        server = make_server(folder, host, port, verbose=True)
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc.strerror} (try --port)", file=sys.stderr)
        return 1
    print(f"Serving {folder} — Ctrl-C pour arrêter", file=sys.stderr)
    print(f"  Sur cet ordinateur\u00a0: http://127.0.0.1:{port}/", file=sys.stderr)
    if lan:
        for address in lan_addresses():
            print(f"  Pour la salle\u00a0: http://{address}:{port}/", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
