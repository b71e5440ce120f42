"""Content hashes for the incremental build: what an executed notebook and a built folder depend on.

Standard library only: the no-op path (`make slides` when nothing changed) runs this module
alone and decides in a fraction of a second, before nbconvert, nbformat or plotly are imported
(nbformat's import alone takes seconds here: jsonschema builds an IRI grammar at import).

Two records live under `.cache/` at the repository root (git-ignored):

* `executed/<notebook>.json`, a manifest: the notebook's *base key* (its source without outputs,
  the package code, the Python and installed distribution versions, the cell timeout) and the
  project files the kernel read while running it, each with its content hash, and the project
  folders it listed ("notebooks/"), each with the hash of its names (recorded by the kernel
  itself, see `execute.py`). A hit needs the same base key and the same content
  for every file read; the executed notebook is then `executed/objects/<name>-<key>.ipynb`.
* `builds/<folder hash>.json`: for each output folder, the key of everything its files were made
  from and the hash of every file written. Same key and same files: nothing to do.

Files are named by content hashes, never by times: mtimes can be too coarse to see a quick
rewrite, and a clone or a checkout changes them without changing anything else.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

# Bump when the layout of the records or the way notebooks are executed changes.
FORMAT = "wto-deck-cache-1"


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_file(path: Path) -> str | None:
    """The content hash of a file, or None when it does not exist."""
    try:
        return digest_bytes(path.read_bytes())
    except FileNotFoundError:
        return None


def digest_listing(folder: Path) -> str | None:
    """The names in a folder, hidden ones aside (`.ipynb_checkpoints` comes and goes)."""
    try:
        names = sorted(name for name in os.listdir(folder) if not name.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        return None
    return digest_bytes("\n".join(names).encode("utf-8"))


def digest_dependency(root: Path, rel: str) -> str | None:
    """A file read by a kernel (its content) or a folder it listed ("name/": its names)."""
    return digest_listing(root / rel) if rel.endswith("/") else digest_file(root / rel)


def digest_json(value) -> str:
    return digest_bytes(json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8"))


def digest_tree(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """One hash for the names and contents of the files below `folder`."""
    files = {}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if suffixes is None or path.suffix in suffixes:
                files[path.relative_to(folder).as_posix()] = digest_file(path)
    return digest_json(files)


def installed_distributions() -> list[str]:
    """Every installed distribution with its version, from the `*.dist-info` folder names.

    Reading the folder names instead of `importlib.metadata` takes a millisecond, and covers
    everything a kernel or an export may use (plotly, pycountry, nbconvert, Jinja2…).
    """
    found = set()
    for key in ("purelib", "platlib"):
        folder = Path(sysconfig.get_paths()[key])
        if folder.is_dir():
            found.update(name for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info")))
    return sorted(found)


def package_digest() -> str:
    """The package's own code: the builders, the renderer, the loaders and this build."""
    return digest_tree(Path(__file__).resolve().parents[1], (".py",))


def environment_key() -> str:
    return digest_json(
        {
            "format": FORMAT,
            "python": sys.version,
            "implementation": sys.implementation.cache_tag,
            "distributions": installed_distributions(),
            "package": package_digest(),
        }
    )


def notebook_source(path: Path) -> dict:
    """The notebook as its execution sees it: outputs and execution counts are results, not inputs.

    Everything else stays in (cell metadata, tags, slide types): the executed notebook carries
    it into the export, so a change there must not be served from the cache.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def base_key(path: Path, environment: str, timeout: int) -> str:
    return digest_json({"notebook": notebook_source(path), "environment": environment, "timeout": timeout})


def _write_atomically(path: Path, text: str) -> None:
    """Write beside and rename: a concurrent build reads the old record or the new, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Lookup:
    name: str
    base: str
    key: str | None  # the full key when the cache holds a valid executed notebook
    path: Path | None  # that executed notebook

    @property
    def hit(self) -> bool:
        return self.path is not None


class ExecutionCache:
    """Executed notebooks, keyed by their source and the content of the files their kernel read."""

    def __init__(self, folder: Path, root: Path, enabled: bool = True):
        self.folder = folder
        self.root = root
        self.enabled = enabled  # False: `--no-cache`, execute everything (results are still stored)

    def _manifest(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def _object(self, name: str, key: str) -> Path:
        return self.folder / "objects" / f"{name}-{key[:40]}.ipynb"

    def _deps_now(self, files: list[str]) -> dict[str, str | None]:
        return {rel: digest_dependency(self.root, rel) for rel in files}

    @staticmethod
    def full_key(base: str, deps: dict[str, str | None]) -> str:
        return digest_json({"base": base, "read": deps})

    def lookup(self, name: str, base: str) -> Lookup:
        manifest = _read_json(self._manifest(name)) if self.enabled else None
        if not manifest or manifest.get("format") != FORMAT or manifest.get("base") != base:
            return Lookup(name, base, None, None)
        recorded = manifest.get("read", {})
        if self._deps_now(sorted(recorded)) != recorded:
            return Lookup(name, base, None, None)
        key = self.full_key(base, recorded)
        path = self._object(name, key)
        return Lookup(name, base, key, path) if path.is_file() else Lookup(name, base, None, None)

    def snapshot(self) -> dict[str, str | None]:
        """The content of the files a notebook may read, taken before the kernels start."""
        files = {}
        for folder in ("assets", "notebooks"):
            top = self.root / folder
            for path in [top, *sorted(top.rglob("*"))]:
                rel = path.relative_to(self.root).as_posix()
                if path.is_dir():
                    files[rel + "/"] = digest_listing(path)
                elif path.is_file():
                    files[rel] = digest_file(path)
        return files

    def store(
        self, name: str, base: str, files_read: list[str], executed_text: str, before: dict[str, str | None]
    ) -> str | None:
        """Keep an executed notebook; return its full key, or None when an input changed meanwhile.

        The files read are keyed by their content *before* the kernel ran (`before`): a file
        edited while the notebook ran must not pass for what the kernel saw. If one did
        change, the result is used for this build but not kept. The previous executed
        notebook of the same name goes.
        """
        deps = {rel: before[rel] if rel in before else digest_dependency(self.root, rel) for rel in sorted(set(files_read))}
        if self._deps_now(sorted(deps)) != deps:
            return None
        key = self.full_key(base, deps)
        target = self._object(name, key)
        _write_atomically(target, executed_text)
        manifest = {"format": FORMAT, "base": base, "read": deps}
        _write_atomically(self._manifest(name), json.dumps(manifest, indent=1, sort_keys=True))
        for old in target.parent.glob(f"{name}-*.ipynb"):
            if old != target:
                old.unlink(missing_ok=True)
        return key


def folder_files(folder: Path, entries: tuple[str, ...]) -> dict[str, str]:
    """The hash of every file of `folder`'s top-level `entries` (files or folders), by relative path."""
    files = {}
    for entry in entries:
        top = folder / entry
        for path in [top] if top.is_file() else sorted(top.rglob("*")):
            if path.is_file():
                files[path.relative_to(folder).as_posix()] = digest_bytes(path.read_bytes())
    return dict(sorted(files.items()))


class BuildState:
    """What each output folder was last built from, to tell a no-op build in a second.

    Only the build's own entries of the folder count (`entries`): other commands write beside
    them (`make pdf` into build/pdf/, `make student` into build/student/).
    """

    def __init__(self, folder: Path, entries: tuple[str, ...]):
        self.folder = folder
        self.entries = entries

    def _record(self, out: Path) -> Path:
        return self.folder / f"{digest_bytes(str(out).encode('utf-8'))[:24]}.json"

    def up_to_date(self, out: Path, key: str) -> bool:
        record = _read_json(self._record(out))
        if not record or record.get("key") != key or record.get("out") != str(out) or not out.is_dir():
            return False
        return folder_files(out, self.entries) == record.get("files")

    def remember(self, out: Path, key: str) -> None:
        record = {"format": FORMAT, "out": str(out), "key": key, "files": folder_files(out, self.entries)}
        _write_atomically(self._record(out), json.dumps(record, indent=1, sort_keys=True))
        self._forget_missing()

    def accept(self, out: Path, entry: str) -> None:
        """Another command rewrote one of the build's entries as the build itself would now write it
        (`make pdf`: index.html with the links to the PDFs): take it as the build's own, so that the
        next build still has nothing to do."""
        record = _read_json(self._record(out))
        if not record or record.get("out") != str(out):
            return
        files = {k: v for k, v in (record.get("files") or {}).items() if k != entry and not k.startswith(entry + "/")}
        files.update(folder_files(out, (entry,)))
        record["files"] = dict(sorted(files.items()))
        _write_atomically(self._record(out), json.dumps(record, indent=1, sort_keys=True))

    def _forget_missing(self) -> None:
        # Tests and benchmarks build into temporary folders: drop the records of folders gone.
        for path in self.folder.glob("*.json"):
            record = _read_json(path)
            if record is None or not Path(record.get("out", "")).is_dir():
                path.unlink(missing_ok=True)
