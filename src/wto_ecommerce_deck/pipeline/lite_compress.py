"""The JupyterLite site as delivered: its large text and WebAssembly files stored gzipped.

Pyodide's WebAssembly, the app's JavaScript and its schemas shrink to a third or less; `make serve`
(`serve.py`) sends a `name.gz` for a request of `name` with `Content-Encoding: gzip`, and the browser
unpacks it, so that the site takes less room on the USB stick and on the wire and the browser still
sees the same bytes. Wheels (already zip-compressed), the notebooks (`files/`), the contents and
translations the app lists (`api/`), the HTML pages and the configuration files are left as they are:
readable on disk and by the tests (but the interface's translations, `PACKED_IN_KEEP`). The gzip header carries no name and no date: same site, same bytes.
"""

from __future__ import annotations

import gzip
from fnmatch import fnmatch
from pathlib import Path

SUFFIXES = (".js", ".mjs", ".wasm", ".css", ".svg", ".ico", ".zip", ".json", ".txt")
KEEP_DIRS = ("api", "files")  # what the app lists, and the notebooks themselves
# but the interface's translations (fr_FR: 0.4 MB), which the app fetches like its scripts; the list
# of languages (`all.json`) stays readable
PACKED_IN_KEEP = "api/translations/[a-z][a-z]_[A-Z][A-Z].json"
KEEP_NAMES = ("jupyter-lite.json", "pyodide-lock.json", "overrides.json", "pyodide.mjs", "package.json")
MIN_BYTES = 2048  # smaller files are not worth a second name
MIN_GAIN = 0.9  # kept as is unless gzip makes it at most 90 % of its size


def compress(site: Path) -> tuple[int, int]:
    """Gzip the site's files in place (`name` → `name.gz`); returns the bytes before and after."""
    before = after = 0
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in SUFFIXES or path.name in KEEP_NAMES:
            continue
        rel = path.relative_to(site)
        if (rel.parts[0] in KEEP_DIRS and not fnmatch(rel.as_posix(), PACKED_IN_KEEP)) or path.stat().st_size < MIN_BYTES:
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        if len(packed) > MIN_GAIN * len(data):
            continue
        path.with_name(path.name + ".gz").write_bytes(packed)
        path.unlink()
        before += len(data)
        after += len(packed)
    return before, after


def unpacked_size(path: Path) -> int:
    """A file's size as the browser sees it: a `.gz` by its trailer's length (under 4 GB)."""
    if path.suffix == ".gz":
        with open(path, "rb") as handle:
            handle.seek(-4, 2)
            return int.from_bytes(handle.read(4), "little")
    return path.stat().st_size


def read_unpacked(path: Path) -> bytes:
    """A site file's bytes as the browser gets them, whether stored as `name` or `name.gz`."""
    if path.is_file():
        return path.read_bytes()
    return gzip.decompress(path.with_name(path.name + ".gz").read_bytes())
