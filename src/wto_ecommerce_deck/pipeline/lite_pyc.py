"""The browser's Python modules precompiled at build time, by Pyodide's own Python.

Pyodide's `python_stdlib.zip` (npm) and the wheels from PyPI hold `.py` files: the browser's
Python compiled each module it imports again, at every visit (a cached `.pyc` is never written
back to the site). Most of a kernel's start was that: the standard library's start-up modules, then
IPython, ipykernel, traitlets, prompt_toolkit… (`docs/maintainers.md`, « Where the time goes »).

`make lite` runs Pyodide from npm in Node (`node_modules/pyodide`, no network) once on the site's
own Pyodide folder, so that the compiler is the browser's Python (3.14, its bytecode's magic number):

1. it loads every package of the site's `pyodide-lock.json` and imports what a notebook's kernel
   imports at start (`pyodide_kernel`) and what the notebooks import (every module of our package,
   plotly's figure classes), and notes the files those imports read;
2. each of those files, and only those, is compiled: a library's `name.py` (wheel or standard
   library) becomes `name.pyc` in its place (a sourceless import, as Pyodide's own packages ship);
   our package keeps its `.py` with an unchecked `__pycache__/name.cpython-314.pyc` beside it, so
   that a traceback into it still shows its lines. What no start imports stays `.py`: the site
   stays under its size target (compiling everything would add 4 MB);
3. the lock's sha256 are recomputed.

A traceback into a library shows no source line (as with Pyodide's own packages), and `obj??`
shows no source for a library's object. The result is cached in `.cache/lite/pyc/` by the digest
of its inputs (every wheel, the standard library, Pyodide's version, this module's scripts).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from ..errors import BuildError
from .lite_pyodide import _sha256, pyodide_npm, relative

KEEP_SOURCE = ("wto_ecommerce_deck",)  # packages whose .py stay beside their .pyc (our tracebacks)
STDLIB = "python_stdlib.zip"
# What a kernel imports before its first cell: its package manager (`piplite.piplite`, which
# pyodide-kernel's worker imports before the kernel: micropip, and with it `unittest.mock`,
# `difflib`, `pyodide.http`), the kernel itself, then what the notebooks' cells import (every
# module of our package is imported by walking it), and the figure classes plotly imports lazily
# on first use (the three trace types the site keeps, lite/wheels.lock.json).
START_IMPORTS = ("piplite.piplite", "pyodide_kernel", "ipywidgets", "yaml", "jinja2", "pycountry", "plotly.io")
START_CODE = "import plotly.graph_objects as go; go.Figure, go.Scatter, go.Scattergeo, go.Choropleth, go.Layout"
OURS = "wto_ecommerce_deck"

NODE_SCRIPT = r"""
import { loadPyodide } from "%(npm)s/pyodide.mjs";
import { readFileSync } from "node:fs";
const [work, site] = process.argv.slice(2);
const lock = JSON.parse(readFileSync(site + "/pyodide-lock.json", "utf8"));
const py = await loadPyodide({ indexURL: "%(npm)s/", lockFileURL: site + "/pyodide-lock.json", packageBaseUrl: site + "/" });
await py.loadPackage(Object.keys(lock.packages), { messageCallback() {} });
py.FS.mkdirTree("/work");
py.FS.mount(py.FS.filesystems.NODEFS, { root: work }, "/work");
py.runPython(readFileSync(work + "/trace.py", "utf8"));
py.runPython(readFileSync(work + "/compile.py", "utf8"));
"""

# Run by Pyodide's Python in Node: the files the start imports, in /work/read.json, relative to
# site-packages (wheels) or to the standard library's zip ("stdlib:" prefix).
TRACE = r"""
import importlib, json, pkgutil, sys
START, CODE, OURS = %(start)r, %(code)r, %(ours)r
for name in START:
    importlib.import_module(name)
exec(CODE, {})
package = importlib.import_module(OURS)
for info in pkgutil.walk_packages(package.__path__, OURS + "."):
    importlib.import_module(info.name)
site = next(p for p in sys.path if p.endswith("/site-packages")) + "/"
stdlib = next(p for p in sys.path if p.endswith(".zip")) + "/"
read = set()
for module in list(sys.modules.values()):
    path = getattr(module, "__file__", None) or ""
    if path.startswith(site):
        read.add(path[len(site):])
    elif path.startswith(stdlib):
        read.add("stdlib:" + path[len(stdlib):])
with open("/work/read.json", "w") as handle:
    json.dump(sorted(p for p in read if p.endswith(".py")), handle)
"""

# Every /work/in/X (wheel or the standard library's zip) to /work/out/X, the files read compiled.
COMPILE = r"""
import importlib._bootstrap_external as ext, json, os, zipfile
KEEP, STDLIB = %(keep)r, %(stdlib)r
read = set(json.load(open("/work/read.json")))
def pyc(code):
    return bytes(ext._code_to_hash_pyc(code, b"\0" * 8, checked=False))
for name in sorted(os.listdir("/work/in")):
    prefix = "stdlib:" if name == STDLIB else ""
    with zipfile.ZipFile("/work/in/" + name) as zin, zipfile.ZipFile("/work/out/" + name, "w", zipfile.ZIP_DEFLATED) as zout:
        renamed = {}
        for info in zin.infolist():
            data = zin.read(info)
            if prefix + info.filename in read:
                kept = info.filename.split("/", 1)[0] in KEEP
                target = ext.cache_from_source(info.filename) if kept else info.filename + "c"
                entry = zipfile.ZipInfo(target, info.date_time)
                entry.external_attr = info.external_attr
                code = compile(data, info.filename, "exec", dont_inherit=True)
                zout.writestr(entry, pyc(code), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
                renamed[info.filename] = target
                if not kept:
                    continue
            if info.filename.endswith(".dist-info/RECORD"):
                lines = []
                for line in data.decode().splitlines():
                    path = line.split(",", 1)[0]
                    if path in renamed:
                        lines.append(renamed[path] + ",,")
                        if path.split("/", 1)[0] not in KEEP:
                            continue
                    lines.append(line)
                data = ("\n".join(lines) + "\n").encode()
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
"""


def _scripts() -> dict[str, str]:
    return {
        "compile.mjs": NODE_SCRIPT % {"npm": pyodide_npm().as_posix()},
        "trace.py": TRACE % {"start": START_IMPORTS, "code": START_CODE, "ours": OURS},
        "compile.py": COMPILE % {"keep": KEEP_SOURCE, "stdlib": STDLIB},
    }


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.whl")) + [folder / STDLIB]


def precompile(folder: Path, cache: Path) -> int:
    """Compile, in the site's Pyodide folder, the modules a kernel's start imports (see the module's
    docstring); rewrites `pyodide-lock.json`'s sha256. Returns how many files were compiled."""
    lock_file = folder / "pyodide-lock.json"
    lock = json.loads(lock_file.read_text(encoding="utf-8"))
    scripts = _scripts()
    version = json.loads((pyodide_npm() / "package.json").read_text(encoding="utf-8"))["version"]
    inputs = [(p.name, _sha256(p)) for p in _files(folder)]
    key = hashlib.sha256(json.dumps([version, inputs, sorted(scripts.items())]).encode()).hexdigest()[:20]
    store = cache / "pyc" / key
    if not (store / "read.json").is_file():
        _run(folder, store, scripts)
    for path in _files(folder):
        shutil.copyfile(store / path.name, path)
    for item in lock["packages"].values():
        item["sha256"] = _sha256(folder / item["file_name"])
    lock_file.write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return len(json.loads((store / "read.json").read_text(encoding="utf-8")))


def _run(folder: Path, store: Path, scripts: dict[str, str]) -> None:
    node = shutil.which("node")
    if not node:
        raise BuildError("node: not found (Node.js precompiles the browser's Python modules with Pyodide; run `make setup`)")
    work = store.with_name(f".work-{store.name}")
    shutil.rmtree(work, ignore_errors=True)
    (work / "in").mkdir(parents=True)
    (work / "out").mkdir()
    try:
        for path in _files(folder):
            shutil.copyfile(path, work / "in" / path.name)
        for name, text in scripts.items():
            (work / name).write_text(text, encoding="utf-8")
        command = [node, str(work / "compile.mjs"), str(work), str(folder)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            tail = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()][-3:]
            raise BuildError(f"{relative(folder)}: precompiling with Pyodide in Node failed: " + " | ".join(tail))
        store.mkdir(parents=True, exist_ok=True)
        for path in _files(folder):
            shutil.move(work / "out" / path.name, store / path.name)
        shutil.move(work / "read.json", store / "read.json")  # last: it marks the entry complete
    finally:
        shutil.rmtree(work, ignore_errors=True)
