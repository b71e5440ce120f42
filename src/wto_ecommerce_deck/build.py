"""`make slides`: validate the facts, execute the notebooks, export the decks, swap `build/` in.

The build writes into a temporary folder beside `build/` and renames it into place
only when everything succeeded: a bad data file, a failing notebook or Ctrl-C leave
the previous `build/` as it was.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat

from . import data, execute, export, notebooks, site, vendor
from .errors import BuildError
from .paths import notebooks_dir, repo_root

VENDOR = "vendor"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _execute_all(
    sections: list[notebooks.Section], jobs: int, root: Path, timeout: int
) -> dict[str, nbformat.NotebookNode]:
    executed: dict[str, nbformat.NotebookNode] = {}
    width = max(len(s.name) for s in sections)
    for section in sections:
        _say(f"  {section.name:<{width}}  queued")
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(execute.execute, str(s.path), s.label, str(root), timeout): s for s in sections
        }
        try:
            for future in as_completed(futures):
                section = futures[future]
                text, seconds, attempts = future.result()
                executed[section.name] = nbformat.reads(text, as_version=4)
                retry = f" (after {attempts - 1} retry)" if attempts > 1 else ""
                _say(f"  {section.name:<{width}}  done    {seconds:5.1f} s{retry}")
        except BaseException:
            for pending in futures:
                pending.cancel()
            raise
    return executed


def _write_deck(out: Path, name: str, nb: nbformat.NotebookNode, title: str) -> site.DeckEntry:
    html = export.to_html(nb, title, f"../{VENDOR}")
    (out / "slides" / f"{name}.html").write_text(html, encoding="utf-8")
    nbformat.write(nb, str(out / "notebooks" / f"{name}.ipynb"))
    return site.DeckEntry(name, title, site.slide_count(nb), f"slides/{name}.html", f"notebooks/{name}.ipynb")


def build(out: Path | None = None, jobs: int | None = None, timeout: int = execute.CELL_TIMEOUT) -> Path:
    root = repo_root()
    out = (out or root / "build").resolve()
    started = time.monotonic()

    data.load_facts()  # a bad data file stops the build before any kernel starts
    vendor.check()
    sections = notebooks.discover(notebooks_dir())
    jobs = jobs or min(len(sections), os.cpu_count() or 1)
    _say(f"Executing {len(sections)} notebooks ({jobs} at a time, at most {timeout} s per cell):")
    executed = _execute_all(sections, jobs, root, timeout)

    tmp = out.parent / f".{out.name}-tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        for folder in ("slides", "notebooks"):
            (tmp / folder).mkdir(parents=True)
        vendor.install(tmp / VENDOR)
        ordered = [executed[s.name] for s in sections]
        entries = [_write_deck(tmp, notebooks.FULL_DECK, notebooks.chain(ordered), notebooks.FULL_DECK_TITLE)]
        for section in sections:
            entries.append(_write_deck(tmp, section.name, executed[section.name], section.title))
        (tmp / "index.html").write_text(site.index_html(entries), encoding="utf-8")
        _swap(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _say(f"Built {len(entries)} decks into {out} in {time.monotonic() - started:.1f} s")
    return out


def _swap(tmp: Path, out: Path) -> None:
    """Replace `out` by `tmp` with two renames, so that `out` is never half written."""
    old = out.parent / f".{out.name}-old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def main(out: Path | None = None, jobs: int | None = None, timeout: int = execute.CELL_TIMEOUT) -> int:
    try:
        build(out, jobs, timeout)
    except (BuildError, data.DataError, vendor.MissingAsset) as exc:
        for line in str(exc).splitlines():
            _say(f"error: {line}")
        _say("build failed: the previous build/ is unchanged")
        return 1
    except KeyboardInterrupt:
        _say("build interrupted: the previous build/ is unchanged")
        return 130
    return 0
