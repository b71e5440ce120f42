"""`make slides`: validate the facts, execute the notebooks, export the decks, swap `build/` in.

* Incremental: a notebook is executed only when its source, a project file its kernel read
  (`assets/data/*.yaml`…), the package code or the installed versions changed (`cache.py`);
  when nothing changed at all the build says so and stops in well under a second, before
  nbconvert, nbformat or plotly are even imported.
* Parallel: the notebooks to execute run at once, one kernel per core, with one progress line
  per notebook.
* Never hangs: every cell has a timeout, a kernel that stops answering is retried once in a
  fresh kernel, then the build fails naming the notebook and the cell (`execute.py`).
* Atomic: the build writes into a temporary folder beside `build/` and renames it into place
  only when everything succeeded; a bad data file, a failing notebook or Ctrl-C leave the
  previous `build/` as it was.
* Reproducible: the same sources give the same bytes, whether a notebook was executed now or
  served from the cache (the cache keeps the executed notebook's exact text).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import cache
from ..conventions import FULL_DECK, FULL_DECK_TITLE, notebook_paths, slide_count
from ..errors import BuildError, say
from ..messages import t
from ..paths import i18n_dir, notebooks_dir, repo_root, theme_dir

VENDOR = "vendor"
SINGLE = "single"
# What the build writes into build/. Anything else there (pdf/, student/) was written by another
# command: it does not make a build stale, and it is carried over into the new build/.
OWN_ENTRIES = ("index.html", "sources.html", "slides", "notebooks", "student", VENDOR, SINGLE)
CELL_TIMEOUT = 120  # seconds; the same default as execute.CELL_TIMEOUT, without importing nbclient


@dataclass
class Planned:
    name: str
    path: Path
    lookup: cache.Lookup | None  # None: the notebook cannot even be read as JSON (discover will say why)


def _plan(paths: list[Path], executions: cache.ExecutionCache, environment: str, timeout: int) -> list[Planned]:
    planned = []
    for path in paths:
        try:
            base = cache.base_key(path, environment, timeout)
        except (OSError, ValueError):
            planned.append(Planned(path.stem, path, None))
            continue
        planned.append(Planned(path.stem, path, executions.lookup(path.stem, base)))
    return planned


def _output_key(root: Path, environment: str, notebook_keys: list[tuple[str, str]], single_file: bool) -> str:
    """Everything the files of build/ are made from, besides the executed notebooks' keys."""
    return cache.digest_json(
        {
            "environment": environment,
            "notebooks": notebook_keys,
            "theme": cache.digest_tree(theme_dir()),  # template, CSS, lifecycle script, locale
            "npm": cache.digest_file(root / "node_modules" / ".package-lock.json"),  # reveal.js, fonts, topojson
            "data": cache.digest_tree(root / "assets" / "data"),  # validated again when it changed
            "i18n": cache.digest_tree(i18n_dir()),  # the interface's words: pages, slides' chrome
            "single_file": single_file,
        }
    )


async def _execute_all(todo: list[Planned], root: Path, jobs: int, timeout: int, show) -> dict[str, object]:
    """Execute the notebooks of `todo`, `jobs` at a time; stop at the first failure."""
    from . import execute

    slots = asyncio.Semaphore(jobs)
    results: dict[str, object] = {}

    async def run(item: Planned):
        async with slots:
            def attempt(number: int) -> None:
                show.set(item.name, "running" if number == 1 else "retrying")

            try:
                done = await execute.execute_async(item.path, f"notebooks/{item.path.name}", root, timeout, attempt)
            except BaseException:
                if isinstance(sys.exc_info()[1], asyncio.CancelledError) or asyncio.current_task().cancelling():
                    show.set(item.name, "stopped")
                else:
                    show.set(item.name, "failed", time.monotonic() - show.started.get(item.name, time.monotonic()))
                raise
            retry = t("cli.build.retried", count=done.attempts - 1) if done.attempts > 1 else ""
            show.set(item.name, "done", done.seconds, retry)
            results[item.name] = done

    asyncio.get_running_loop().set_exception_handler(_quiet_nbclient_pollers)
    tasks = [asyncio.create_task(run(item), name=item.name) for item in todo]
    ticker = asyncio.create_task(_tick(show)) if show.live else None
    try:
        finished, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        failed = [t for t in finished if not t.cancelled() and t.exception() is not None]
        if failed:
            raise failed[0].exception()
    finally:
        # Ctrl-C or a failure: stop the other notebooks; each task shuts its kernel down.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if ticker:
            ticker.cancel()
    return results


def _quiet_nbclient_pollers(loop, context) -> None:
    """nbclient leaves its kernel-alive poller running when a cell is cancelled; once the kernel
    is shut down that poller fails, unobserved. Not an error of the build: say nothing."""
    task = context.get("future")
    coro = getattr(task, "get_coro", lambda: None)()
    if getattr(coro, "__qualname__", "").endswith("_async_poll_kernel_alive"):
        return
    loop.default_exception_handler(context)


async def _tick(show) -> None:
    while True:
        await asyncio.sleep(0.5)
        show.redraw()


def _remove_stale(out: Path) -> None:
    """Temporary folders of builds that were killed (SIGKILL, power cut) before they cleaned up."""
    for stale in out.parent.glob(f".{out.name}-*-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(stale, ignore_errors=True)


def build(
    out: Path | None = None,
    jobs: int | None = None,
    timeout: int = CELL_TIMEOUT,
    single_file: bool = False,
    use_cache: bool = True,
    cache_dir: Path | None = None,
) -> Path:
    root = repo_root()
    out = (out or root / "build").resolve()
    started = time.monotonic()
    os.environ["WTO_DECK_ROOT"] = str(root)  # the kernels find the project's data through it
    folder = (cache_dir or root / ".cache").resolve()
    executions = cache.ExecutionCache(folder / "executed", root, enabled=use_cache)
    state = cache.BuildState(folder / "builds", OWN_ENTRIES)

    # 1. What is cached, with the standard library only: most builds stop here.
    environment = cache.environment_key()
    planned = _plan(notebook_paths(notebooks_dir()), executions, environment, timeout)
    if planned and all(p.lookup and p.lookup.hit for p in planned):
        key = _output_key(root, environment, [(p.name, p.lookup.key) for p in planned], single_file)
        if state.up_to_date(out, key):
            say(t("cli.build.nothing_to_do", count=len(planned), out=_shown(out, root), seconds=f"{time.monotonic() - started:.1f}"))
            return out

    # 2. Something changed: check the inputs, execute what the cache does not hold, export.
    import nbformat

    from . import audit, notebooks, vendor
    from .. import data
    from .progress import Progress

    data.load_facts()  # a bad data file (the quizzes too) stops the build before any kernel starts
    vendor.check()
    # the facts each deck shows, for its « Sources » slide and build/sources.html
    facts_audit = audit.build_audit()
    sections = notebooks.discover(notebooks_dir())
    if [s.name for s in sections] != [p.name for p in planned]:
        raise BuildError(f"{notebooks_dir()}: the notebooks changed while the build was reading them")
    todo = [p for p in planned if not (p.lookup and p.lookup.hit)]
    show = Progress([p.name for p in planned])
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if todo:
        say(t("cli.build.executing", todo=len(todo), count=len(planned), jobs=jobs, timeout=timeout))
    else:
        say(t("cli.build.all_cached", count=len(planned)))
    show.start({p.name: "cached" for p in planned if p.lookup and p.lookup.hit})
    before = executions.snapshot()
    executed = asyncio.run(_execute_all(todo, root, jobs, timeout, show)) if todo else {}

    texts: dict[str, str] = {}
    keys: list[tuple[str, str]] = []
    for item in planned:
        if item.name in executed:
            done = executed[item.name]
            key = None
            if cache.base_key(item.path, environment, timeout) == item.lookup.base:
                key = executions.store(item.name, item.lookup.base, done.files_read, done.text, before)
            if key is None:
                say(t("cli.build.changed_during_build", name=item.name))
                key = "changed-during-build"
            texts[item.name] = done.text
        else:
            key = item.lookup.key
            texts[item.name] = item.lookup.path.read_text(encoding="utf-8")
        keys.append((item.name, key))
    nbs = {name: nbformat.reads(text, as_version=4) for name, text in texts.items()}

    decks = _export(out, sections, nbs, single_file, facts_audit)
    state.remember(out, _output_key(root, environment, keys, single_file))
    say(t("cli.build.built", count=decks, out=_shown(out, root), seconds=f"{time.monotonic() - started:.1f}"))
    return out


def _shown(out: Path, root: Path) -> str:
    return f"{out.relative_to(root)}/" if out.is_relative_to(root) else str(out)


def _export(out: Path, sections, nbs: dict, single_file: bool, facts_audit) -> int:
    """Write every deck into a temporary folder beside `out`, then swap it in."""
    from . import audit, bundles, notebooks, site, student, vendor

    _remove_stale(out)
    tmp = out.parent / f".{out.name}-tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        for folder in ("slides", "notebooks") + ((SINGLE,) if single_file else ()):
            (tmp / folder).mkdir(parents=True)
        vendor.install(tmp / VENDOR)
        # Only what the decks draw: the smallest plotly.js bundle with their trace types.
        bundles.install(tmp / VENDOR / "plotly" / "plotly.min.js", repo_root() / "node_modules", bundles.trace_types(nbs.values()))
        ordered = [nbs[s.name] for s in sections]
        decks = [(FULL_DECK, notebooks.chain(ordered), FULL_DECK_TITLE)]
        decks += [(s.name, nbs[s.name], s.title) for s in sections]
        # each deck ends with its « Sources » slide (a copy: the cached notebooks stay as run)
        decks = [(name, audit.with_sources_slide(nb, name, facts_audit), title) for name, nb, title in decks]
        entries = [_write_deck(tmp, name, nb, title, single_file) for name, nb, title in decks]
        # PDFs that `make pdf` printed before stay in build/ (carried over): the index links them
        entries = [site.with_pdfs(entry, out) for entry in entries]
        entries = [site.with_lite(e, out) for e in entries]  # so does build/lite/ (`make lite`)
        (tmp / "index.html").write_text(site.index_html(entries), encoding="utf-8")
        audit.write_sources_page(tmp, facts_audit)
        student.write_copies(tmp)
        # A date, symbol or number on a slide or in its notes that no record holds, or an
        # unverified fact shown without « à confirmer », stops the build, one line each naming the
        # notebook and the cell. Checked last (the notebooks ran and were cached, the decks were
        # exported): a cell that fails or a widget without fallback is named by its own error first.
        if facts_audit.problems:
            raise BuildError(facts_audit.problems)
        _swap(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return len(entries)


def _write_deck(out: Path, name: str, nb, title: str, single_file: bool):
    import nbformat

    from . import export, site

    html = export.to_html(nb, title, f"../{VENDOR}")
    (out / "slides" / f"{name}.html").write_text(html, encoding="utf-8")
    nbformat.write(nb, str(out / "notebooks" / f"{name}.ipynb"))
    if single_file:
        from .inline import InlineError, single_file as inline_assets

        try:
            whole = inline_assets(html, out / "slides")
        except InlineError as exc:
            raise BuildError(f"slides/{name}.html: {exc}") from None
        (out / SINGLE / f"{name}.html").write_text(whole, encoding="utf-8")
    return site.DeckEntry(name, title, slide_count(nb.cells), f"slides/{name}.html", f"notebooks/{name}.ipynb")


def _swap(tmp: Path, out: Path) -> None:
    """Replace `out` by `tmp` with two renames, so that `out` is never half written."""
    old = out.parent / f".{out.name}-old-{os.getpid()}"
    if out.is_dir():
        for entry in sorted(out.iterdir()):
            if entry.name not in OWN_ENTRIES and not (tmp / entry.name).exists():
                _link_copy(entry, tmp / entry.name)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _link_copy(source: Path, target: Path) -> None:
    """Carry an entry of another command over: hard links, so no data is copied, and the
    previous build/ stays whole until the rename."""
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, target)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


