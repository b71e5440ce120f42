"""Pyodide in `build/lite/static/pyodide/`: its core from npm, the wheels the browser's Python may
load and the `pyodide-lock.json` that lists only them.

* `assets/lite/wheels.lock.json` (`read_lock`): every wheel, with version, file, sha256, imports and
  dependencies; `fetch_wheels` downloads them from PyPI once with pip's `--require-hashes` into
  `.cache/lite/downloads/` and checks each sha256 at every build; `slim_wheel` drops what the
  browser never reads (and makes PyYAML and MarkupSafe pure);
* the kernel's own wheels, shipped by jupyterlite-pyodide-kernel;
* our package (`package_wheel`): the notebook-facing modules with the project files they read
  under `_bundle/`, written with fixed dates (the same sources give the same wheel).
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError, say
from ..paths import lite_dir, repo_root
from .lite_app import IPYTHONDIR, KERNEL_EXTENSION, KERNEL_PACKAGES, KERNEL_PROFILE, LOCK_PYTHON, PYODIDE_DIR, labextensions

# The wheels jupyterlite-pyodide-kernel ships for its kernel (name, imports, depends).
KERNEL_WHEELS = {
    "piplite": (["piplite"], ["micropip"]),
    "pyodide-kernel": (["pyodide_kernel"], ["ipykernel", "comm", "ipython", "traitlets"]),
    "ipykernel": (["ipykernel"], ["comm", "ipython", "traitlets"]),
}
# Packages the kernel's start installs (`lite_app.KERNEL_PACKAGES`) that the site does not ship: an
# empty distribution of that name (no module) satisfies the start. jedi: IPython imports it at start
# when it is there (1 MB of wheels with parso, a tenth of the start's imports); without it, IPython
# completes names with its own completer.
NOT_SHIPPED = ("jedi",)
NOT_SHIPPED_VERSION = "0+not.shipped"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
PACKAGE = "wto-ecommerce-deck"
BUNDLE = "_bundle"  # inside our wheel: the project files the notebooks read (paths.repo_root finds it)
BUNDLED = ("assets/data", "assets/theme", "assets/i18n", "notebooks")  # notebooks: the outline reads their titles (teach.py)
ZIP_DATE = (2018, 12, 1, 0, 0, 0)  # fixed: the same sources give the same wheel


def lock_path() -> Path:
    return lite_dir() / "wheels.lock.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
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
    patch: tuple[tuple[str, str, str], ...] = ()  # (file, text, replacement): one place of a file rewritten


def _patches(shown: str, name: str, item: dict) -> tuple[tuple[str, str, str], ...]:
    patches = []
    for number, change in enumerate(item.get("patch", ()), start=1):
        for field in ("file", "replace", "with"):
            if not isinstance(change, dict) or not isinstance(change.get(field), str):
                raise BuildError(f"{shown}: package '{name}': patch {number}: field '{field}' missing or not text")
        patches.append((change["file"], change["replace"], change["with"]))
    return tuple(patches)


def read_lock(path: Path | None = None) -> list[Locked]:
    path = path or lock_path()
    shown = relative(path)
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
                _patches(shown, name, item),
            )
        )
    return entries


def relative(path: Path) -> str:
    """A path as the user knows it: relative to the clone when it is inside."""
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
        raise BuildError(f"{relative(lock_path())}: cannot download {', '.join(e.file for e in entries)} from PyPI: {detail}")


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
        say(f"Downloading {len(group)} wheel(s) for the browser from PyPI into {relative(downloads)}/")
        _pip_download(group, downloads, platform or None)
    found = {}
    for entry in entries:
        path = downloads / entry.file
        if not path.is_file():
            raise BuildError(f"{relative(lock_path())}: package '{entry.name}': pip did not write {entry.file}")
        if _sha256(path) != entry.sha256:
            raise BuildError(f"{relative(lock_path())}: package '{entry.name}': {entry.file} does not match its sha256")
        found[entry.name] = path
    return found


def _pure_name(entry: Locked) -> str:
    return f"{entry.file.split('-')[0]}-{entry.version}-py3-none-any.whl"


def slim_wheel(source: Path, target: Path, strip: tuple[str, ...], retag: bool, keep: tuple[str, ...] = (),
               patch: tuple[tuple[str, str, str], ...] = (), what: str = "") -> Path:
    """Copy a wheel without the files matching `strip` but not `keep` (and their RECORD lines); a
    binary wheel made pure is retagged `py3-none-any`; each `patch` (file, text, replacement)
    rewrites the one place of `text` in its file, whose RECORD line takes the new hash and size (a
    text found zero or several times is an error naming `what` and the file: the upstream file
    changed). Entries keep their order and dates: same input, same bytes."""

    def dropped(name: str) -> bool:
        return any(fnmatch.fnmatch(name, p) for p in strip) and not any(fnmatch.fnmatch(name, p) for p in keep)

    with zipfile.ZipFile(source) as src:
        names_in = set(src.namelist())
        patched: dict[str, str] = {}
        for file, text, replacement in patch:  # checked before the target is written
            content = patched[file] if file in patched else src.read(file).decode("utf-8") if file in names_in else None
            found = content.count(text) if content is not None else 0
            if found != 1:
                where = "not in the wheel" if content is None else f"the text to replace is there {found} times, not once"
                raise BuildError(f"{what}: patch of {file}: {where} ({source.name})")
            patched[file] = content.replace(text, replacement)
        rewritten = {file: content.encode("utf-8") for file, content in patched.items()}
        records = {file: f"{file},sha256={_record_digest(data)},{len(data)}" for file, data in rewritten.items()}
        kept = [i for i in src.infolist() if not dropped(i.filename)]
        names = {i.filename for i in kept}
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in kept:
                data = rewritten[info.filename] if info.filename in rewritten else src.read(info)
                base = info.filename.rsplit("/", 1)[-1]
                if base == "RECORD" and info.filename.endswith(".dist-info/RECORD"):
                    lines = [records.get(line.split(",", 1)[0], line) for line in data.decode().splitlines()
                             if line.split(",", 1)[0] in names or line.split(",", 1)[0].endswith("RECORD")]
                    data = ("\n".join(lines) + "\n").encode()
                elif retag and base == "WHEEL" and info.filename.endswith(".dist-info/WHEEL"):
                    lines = [line for line in data.decode().splitlines() if not line.startswith(("Tag:", "Root-Is-Purelib:"))]
                    data = ("\n".join(lines + ["Root-Is-Purelib: true", "Tag: py3-none-any"]) + "\n").encode()
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return target


def _record_digest(data: bytes) -> str:
    """A RECORD line's hash: sha256, urlsafe base64 without padding (the wheel format's)."""
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


# --- Our package, as a wheel for the browser ---------------------------------------------------------


def package_wheel(target_dir: Path) -> Path:
    """`wto_ecommerce_deck` with the project files its notebooks read (`_bundle/assets/…`).

    Only the notebook-facing code: the build pipeline, the live presenter, the room's server
    and the environment checks need a Jupyter server, nbconvert or uvicorn, which the browser has not."""
    from .. import __version__

    root = repo_root()
    package = Path(__file__).resolve().parents[1]
    skip = {"pipeline", "live", "classroom", "__pycache__"}
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
    return _write_wheel(PACKAGE, __version__, files, target_dir, top_level="wto_ecommerce_deck")


def _write_wheel(
    name: str, version: str, files: list[tuple[str, bytes]], target_dir: Path,
    summary: str | None = None, top_level: str | None = None,
) -> Path:
    """A wheel of the site's own, made here: `files`, then its metadata and RECORD; fixed dates, so
    that the same files give the same bytes (our package's, the placeholders, the kernel's profile)."""
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + (f"Summary: {summary}\n" if summary else "")
    files = [
        *files,
        (f"{info}/METADATA", metadata.encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: wto_ecommerce_deck.pipeline.lite\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    if top_level:
        files.append((f"{info}/top_level.txt", f"{top_level}\n".encode()))
    files.append((f"{info}/RECORD", ("".join(f"{n},,\n" for n, _ in files) + f"{info}/RECORD,,\n").encode()))
    target = target_dir / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for arcname, data in files:
            entry = zipfile.ZipInfo(arcname, ZIP_DATE)
            entry.external_attr = 0o644 << 16
            wheel.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return target


def not_shipped_wheel(name: str, target_dir: Path) -> Path:
    """An empty distribution named `name`: its metadata only, no module (`NOT_SHIPPED`)."""
    summary = "Not shipped in this JupyterLite site: a placeholder so that the kernel's start finds it installed."
    return _write_wheel(name, NOT_SHIPPED_VERSION, [], target_dir, summary=summary)


# The kernel's IPython configuration (`lite_app.IPYTHONDIR`): pyodide-kernel turns jedi's completion
# on when it makes its shell; this line, run after, turns it off (jedi is not shipped).
PROFILE_CONFIG = """# The JupyterLite site's kernel (make lite, pipeline/lite_pyodide.py): jedi is not shipped,
# so names complete with IPython's own completer.
c.InteractiveShellApp.exec_lines = ["get_ipython().Completer.use_jedi = False"]
"""


def profile_wheel(target_dir: Path) -> Path:
    folder = IPYTHONDIR.rsplit("/", 1)[1]
    files = [(f"{folder}/profile_default/ipython_config.py", PROFILE_CONFIG.encode())]
    return _write_wheel(KERNEL_PROFILE, "1.0", files, target_dir, summary="The IPython profile of the JupyterLite site's kernel.")


def pyodide_npm() -> Path:
    """Pyodide's core, as npm installed it (`package.json`)."""
    return repo_root() / "node_modules" / "pyodide"


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
    npm = pyodide_npm()
    for name in PYODIDE_FILES:
        shutil.copyfile(npm / name, target / name)
    npm_lock = json.loads((npm / "pyodide-lock.json").read_text(encoding="utf-8"))
    version = json.loads((npm / "package.json").read_text(encoding="utf-8"))["version"]
    python = npm_lock["info"]["python"]
    if not python.startswith(LOCK_PYTHON + "."):
        raise BuildError(f"node_modules/pyodide: Python {python}, but {relative(lock_path())} has wheels for {LOCK_PYTHON}")

    entries = read_lock()
    downloaded = fetch_wheels(entries, cache)
    packages: dict[str, dict] = {}
    slim = cache / "slim"
    slim.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        wheel = downloaded[entry.name]
        if entry.strip or entry.patch:
            made = slim / (_pure_name(entry) if entry.platform else entry.file)
            stamp = made.with_suffix(".key")
            key = json.dumps([entry.sha256, entry.strip, entry.keep, bool(entry.platform), entry.patch])
            if not made.is_file() or not stamp.is_file() or stamp.read_text() != key:
                slim_wheel(wheel, made, entry.strip, retag=bool(entry.platform), keep=entry.keep, patch=entry.patch,
                           what=f"{relative(lock_path())}: package '{entry.name}'")
                stamp.write_text(key)
            wheel = made
        shutil.copyfile(wheel, target / wheel.name)
        packages[entry.name] = _lock_entry(entry.name, entry.version, target / wheel.name, entry.imports, entry.depends)

    pypi = labextensions() / KERNEL_EXTENSION / "static" / "pypi"
    for name, (imports, depends) in KERNEL_WHEELS.items():
        prefix = name.replace("-", "_") + "-"
        found = sorted(pypi.glob(f"{prefix}*-py3-none-any.whl"))
        if not found:
            raise BuildError(f"{pypi}: the kernel's wheel {name} is missing (reinstall jupyterlite-pyodide-kernel)")
        wheel = found[-1]
        shutil.copyfile(wheel, target / wheel.name)
        packages[name] = _lock_entry(name, wheel.name.split("-")[1], target / wheel.name, imports, depends)

    for name in NOT_SHIPPED:
        packages[name] = _lock_entry(name, NOT_SHIPPED_VERSION, not_shipped_wheel(name, target), [], [])
    packages[KERNEL_PROFILE] = _lock_entry(KERNEL_PROFILE, "1.0", profile_wheel(target), [], [])

    ours = package_wheel(target)
    from .. import __version__

    packages[PACKAGE] = _lock_entry(
        PACKAGE, __version__, ours, ["wto_ecommerce_deck"], ["plotly", "ipywidgets", "pycountry", "pyyaml", "jinja2"]
    )
    for name, item in packages.items():
        for dependency in item["depends"]:
            if dependency not in packages:
                raise BuildError(f"{relative(lock_path())}: package '{name}': depends on '{dependency}', which is not shipped")
    for name in KERNEL_PACKAGES:
        if name not in packages:
            raise BuildError(f"{relative(lock_path())}: the kernel needs '{name}', which is not shipped")
    info = dict(npm_lock["info"], version=version)  # pyodide-lock tools refuse a lock without it
    lock = {"info": info, "packages": dict(sorted(packages.items()))}
    (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return lock
