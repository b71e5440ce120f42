"""`make slides`: validate the facts, execute the notebooks, export the decks, swap `build/` in.

* In every language of the interface (`assets/i18n/<lang>.json`, French first): a language other
  than French executes the French notebook translated by `translate.py` (its prose from
  `notebooks/locale/<lang>/`, its setup cell `deck.setup(lang=…)`), and writes
  `build/slides/<lang>/<deck>.html`, `build/notebooks/<lang>/`, `build/student/<lang>/`,
  `build/index.<lang>.html` and `build/sources.<lang>.html` (French: `index.html`, `sources.html`).
  A missing or fuzzy translation stops the build, one line naming the catalogue and the cell.

* Incremental: a notebook is executed only when its source, a project file its kernel read
  (`assets/data/*.yaml`…), the package code or the installed versions changed (`cache.py`);
  when nothing changed at all the build says so and stops in well under a second, before
  nbconvert, nbformat or plotly are even imported.
* Parallel: the notebooks to execute run at once, one kernel per core, with one progress line
  per notebook.
* Never hangs: every cell has a timeout, a kernel that stops answering is retried once in a
  newly started kernel, then the build fails naming the notebook and the cell (`execute.py`).
* One kernel per job, not per notebook: each job's kernel runs its notebooks one after the
  other, each in a fresh namespace (`execute.Kernels`), French and translations alike.
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
from .. import messages
from ..conventions import notebook_paths
from ..errors import BuildError, say
from ..messages import DEFAULT_LANG, t
from ..paths import TEMPLATE_CACHE_ENV, i18n_dir, notebooks_dir, repo_root, theme_dir
from . import layout

LOCALE = "locale"  # notebooks/locale/<lang>/<notebook>.po
TRANSLATED = "translated"  # .cache/translated/<lang>/: the translated notebooks a build executes
TEMPLATES = "templates"  # .cache/templates/<environment>/: the theme's templates, compiled (theme.py)
# What the build writes into build/. Anything else there (pdf/, student/) was written by another
# command: it does not make a build stale, and it is carried over into the new build/.
PAGES = (layout.INDEX_PAGE, layout.SOURCES_PAGE)  # in French; `index.<lang>.html`… in another language
OWN_ENTRIES = PAGES + ("slides", "notebooks", "student", layout.VENDOR, layout.SINGLE)
CELL_TIMEOUT = 120  # seconds; the same default as execute.CELL_TIMEOUT, without importing nbclient


def own_entries() -> tuple[str, ...]:
    """OWN_ENTRIES with the pages of every language."""
    pages = tuple(layout.page_name(page, lang) for lang in messages.languages() if lang != DEFAULT_LANG for page in PAGES)
    return OWN_ENTRIES + pages


@dataclass
class Planned:
    name: str  # the cache's name: the notebook's, `.<lang>` after it in another language
    path: Path  # the French notebook
    lookup: cache.Lookup | None  # None: the notebook cannot even be read as JSON (discover will say why)
    lang: str = DEFAULT_LANG

    @property
    def deck(self) -> str:
        return self.path.stem


def catalogue_of(path: Path, lang: str) -> Path:
    """The catalogue that translates the French notebook `path` into `lang`."""
    return path.parent / LOCALE / lang / f"{path.stem}.po"


def _base(path: Path, lang: str, environment: str, timeout: int) -> str:
    """What a notebook's execution depends on besides the files its kernel reads: the French
    notebook, and in another language its catalogue and the language (standard library only)."""
    base = cache.base_key(path, environment, timeout)
    if lang == DEFAULT_LANG:
        return base  # the French key as before translations: a French cache stays valid
    return cache.digest_json({"french": base, "lang": lang, "catalogue": cache.digest_file(catalogue_of(path, lang))})


def _plan(
    paths: list[Path], executions: cache.ExecutionCache, environment: str, timeout: int, langs: list[str]
) -> list[Planned]:
    planned = []
    for lang in langs:
        for path in paths:
            name = path.stem if lang == DEFAULT_LANG else f"{path.stem}.{lang}"
            try:
                base = _base(path, lang, environment, timeout)
            except (OSError, ValueError):
                planned.append(Planned(name, path, None, lang))
                continue
            planned.append(Planned(name, path, executions.lookup(name, base), lang))
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
            "locale": cache.digest_tree(notebooks_dir() / LOCALE),  # the student copies' prose
            "single_file": single_file,
        }
    )


async def _execute_waves(
    waves: list[list[Planned]], root: Path, jobs: int, timeout: int, show, sources: dict[str, Path], on_done
) -> dict[str, object]:
    """Execute the waves one after the other, on the same `jobs` kernels; `on_done(item, executed)`
    as each notebook is through."""
    from . import execute

    kernels = execute.Kernels()
    results: dict[str, object] = {}
    try:
        for wave in waves:
            if wave:
                results.update(await _execute_all(wave, root, jobs, timeout, show, sources, kernels, on_done))
    finally:
        await kernels.close()
    return results


async def _execute_all(
    todo: list[Planned], root: Path, jobs: int, timeout: int, show, sources: dict[str, Path], kernels, on_done
) -> dict[str, object]:
    """Execute the notebooks of `todo`, `jobs` at a time; stop at the first failure."""
    from . import execute

    slots = asyncio.Semaphore(jobs)
    results: dict[str, object] = {}

    async def run(item: Planned):
        async with slots:
            def attempt(number: int) -> None:
                show.set(item.name, "running" if number == 1 else "retrying")

            try:
                label = f"notebooks/{item.path.name}" + ("" if item.lang == DEFAULT_LANG else f" ({item.lang})")
                done = await execute.execute_async(sources[item.name], label, root, timeout, attempt, kernels)
            except BaseException:
                if isinstance(sys.exc_info()[1], asyncio.CancelledError) or asyncio.current_task().cancelling():
                    show.set(item.name, "stopped")
                else:
                    show.set(item.name, "failed", time.monotonic() - show.started.get(item.name, time.monotonic()))
                raise
            retry = t("cli.build.retried", count=done.attempts - 1) if done.attempts > 1 else ""
            show.set(item.name, "done", done.seconds, retry)
            results[item.name] = done
            on_done(item, done)

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
    langs: list[str] | None = None,
) -> Path:
    root = repo_root()
    out = (out or root / "build").resolve()
    started = time.monotonic()
    os.environ["WTO_DECK_ROOT"] = str(root)  # the kernels find the project's data through it
    folder = (cache_dir or root / ".cache").resolve()
    executions = cache.ExecutionCache(folder / "executed", root, enabled=use_cache)
    known = messages.languages()
    for lang in langs or ():
        if lang not in known:
            raise BuildError(f"--lang {lang}: no such language (the languages: {', '.join(known)}; a language is assets/i18n/<lang>.json)")
    langs = [lang for lang in known if lang in langs] if langs else known
    state = cache.BuildState(folder / "builds", own_entries())

    # 1. What is cached, with the standard library only: most builds stop here.
    environment = cache.environment_key()
    planned = _plan(notebook_paths(notebooks_dir()), executions, environment, timeout, langs)
    if planned and all(p.lookup and p.lookup.hit for p in planned):
        key = _output_key(root, environment, [(p.name, p.lookup.key) for p in planned], single_file)
        if state.up_to_date(out, key):
            say(t("cli.build.nothing_to_do", count=len(planned), out=_shown(out, root), seconds=f"{time.monotonic() - started:.1f}"))
            return out

    # 2. Something changed: check the inputs, execute what the cache does not hold, export.
    # The theme's templates compiled once for the build and its kernels (theme.py).
    os.environ[TEMPLATE_CACHE_ENV] = str(folder / TEMPLATES / environment[:16])
    import nbformat

    from . import audit, notebooks, translate, vendor
    from .. import data
    from .progress import Progress

    data.load_facts()  # a bad data file (the quizzes too) stops the build before any kernel starts
    vendor.check()
    # the facts each deck shows, for its « Sources » slide and build/sources.html
    facts_audit = audit.build_audit()
    sections = notebooks.discover(notebooks_dir())
    if [s.name for s in sections] != [p.name for p in planned if p.lang == DEFAULT_LANG]:
        raise BuildError(f"{notebooks_dir()}: the notebooks changed while the build was reading them")
    # Every translation is checked before any kernel starts: a missing or fuzzy entry stops the
    # build here, one line naming the catalogue and the cell. The translated notebooks to execute
    # are written under the cache folder (a kernel runs a file).
    sources: dict[str, Path] = {}
    for item in planned:
        if item.lang == DEFAULT_LANG:
            sources[item.name] = item.path
            continue
        french = notebooks.read(item.path, f"notebooks/{item.path.name}")
        catalogue = catalogue_of(item.path, item.lang)
        translated = translate.translate(french, catalogue, item.lang, label=_shown_path(catalogue, root))
        if not (item.lookup and item.lookup.hit):
            target = folder / TRANSLATED / item.lang / item.path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(translated, str(target))
            sources[item.name] = target
    todo = [p for p in planned if not (p.lookup and p.lookup.hit)]
    show = Progress([p.name for p in planned])
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if todo:
        say(t("cli.build.executing", todo=len(todo), count=len(planned), jobs=jobs, timeout=timeout))
    else:
        say(t("cli.build.all_cached", count=len(planned)))
    show.start({p.name: "cached" for p in planned if p.lookup and p.lookup.hit})
    before = executions.snapshot()
    # French first, then the translations: a cell that fails in French is named as the French
    # notebook's (whatever language would have failed first in parallel), and nothing is executed
    # in the other languages until the original runs.
    waves = [[p for p in todo if p.lang == DEFAULT_LANG], [p for p in todo if p.lang != DEFAULT_LANG]]

    from .decks import Writer

    # The decks are written into a temporary folder beside `out`, swapped in when all is done; a
    # second process writes each deck as soon as its notebook is in, while the kernels run (decks.py).
    _remove_stale(out)
    tmp = out.parent / f".{out.name}-tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with Writer(tmp, out, sections, langs, single_file, facts_audit) as writer:
            texts: dict[str, str] = {}
            for item in planned:
                if item.lookup and item.lookup.hit:
                    texts[item.name] = item.lookup.path.read_text(encoding="utf-8")
                    writer.add(item.lang, item.deck, texts[item.name])

            def done(item: Planned, executed) -> None:
                texts[item.name] = executed.text
                writer.add(item.lang, item.deck, executed.text)

            executed: dict[str, object] = asyncio.run(_execute_waves(waves, root, jobs, timeout, show, sources, done)) if todo else {}
            keys: list[tuple[str, str]] = []
            for item in planned:
                if item.name in executed:
                    key = None
                    if _base(item.path, item.lang, environment, timeout) == item.lookup.base:
                        key = executions.store(item.name, item.lookup.base, executed[item.name].files_read, texts[item.name], before)
                    if key is None:
                        say(t("cli.build.changed_during_build", name=item.name))
                        key = "changed-during-build"
                else:
                    key = item.lookup.key
                keys.append((item.name, key))
            decks, traces = writer.finish()
        _finish(tmp, out, traces, facts_audit, langs, sections if single_file else None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    state.remember(out, _output_key(root, environment, keys, single_file))
    say(t("cli.build.built", count=decks, out=_shown(out, root), seconds=f"{time.monotonic() - started:.1f}"))
    return out


def _shown_path(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _shown(out: Path, root: Path) -> str:
    return f"{out.relative_to(root)}/" if out.is_relative_to(root) else str(out)


def _finish(tmp: Path, out: Path, traces: set[str], facts_audit, langs: list[str], single_sections) -> None:
    """The decks are written into `tmp` (decks.py): ship the plotly bundle they need, write the
    single-file decks when asked (`single_sections`: the sections), check the facts, swap `tmp` in
    as `out`."""
    from . import bundles, decks

    # Only what the decks draw: the smallest plotly.js bundle with their trace types.
    bundles.install(tmp / layout.VENDOR / "plotly" / "plotly.min.js", repo_root() / "node_modules", traces)
    if single_sections is not None:
        decks.write_single_files(tmp, langs, single_sections)
    # A date, symbol or number on a slide or in its notes that no record holds, or an
    # unverified fact shown without « à confirmer », stops the build, one line each naming the
    # notebook and the cell. Checked last (the notebooks ran and were cached, the decks were
    # exported): a cell that fails or a widget without fallback is named by its own error first.
    if facts_audit.problems:
        raise BuildError(facts_audit.problems)
    _swap(tmp, out)


def _swap(tmp: Path, out: Path) -> None:
    """Replace `out` by `tmp` with two renames, so that `out` is never half written."""
    old = out.parent / f".{out.name}-old-{os.getpid()}"
    if out.is_dir():
        for entry in sorted(out.iterdir()):
            if entry.name not in own_entries() and not (tmp / entry.name).exists():
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


