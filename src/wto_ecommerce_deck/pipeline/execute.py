"""Run a notebook top to bottom in a fresh namespace, with a timeout on every cell.

A kernel is started once per build job and reused for the next notebooks (`Kernels`): between
two notebooks its namespace is emptied (`InteractiveShell.reset`, execution count back to 1), the
project's package is dropped from `sys.modules` so that the next notebook imports it anew (its
counters, its caches and the data files it reads, which the cache records), the warnings already
shown are forgotten, the working folder is the notebook's and the import system's folder listings
are dropped (so that the kernel lists the folders it imports from again, and the cache records
them, as in a new kernel). What stays is what does not depend
on the notebook: the third-party modules already imported (plotly, ipywidgets, pandas), which
are most of a kernel's start. The executed notebook is byte for byte the one a fresh kernel
gives (checked by building before and after, `diff -r`; docs/maintainers.md).

nbclient with ipykernel 7 was seen to hang in about 3 of 50 runs with no timeout
(with ipykernel 7, measured here), so every cell has one; a cell that times out or a kernel that dies is
tried once more in a newly started kernel, then the build fails naming the notebook and the
cell. A cell that raises fails at once: running it again would raise again.

The kernel also reports which project files it read (`assets/data/*.yaml`…): the
build's cache re-executes a notebook when one of those changes, and only then. The
report comes from an audit hook installed before the notebook's own cells run, and is
read back after them; both requests are silent and outside the kernel's history, so the
notebook's execution counts and outputs are untouched.

Notebooks run as asyncio tasks of one process (the kernels are the processes): a
Ctrl-C cancels the tasks, and each task shuts its kernel down on the way out.
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from ..errors import SKIP_IRI_GRAMMAR, BuildError
from ..conventions import cell_name
from ..paths import template_cache_dir
from .notebooks import read

CELL_TIMEOUT = 120  # seconds; the slowest cell here takes about 2 s
STARTUP_TIMEOUT = 60
ATTEMPTS = 2

# Folders of the project whose files are not dependencies of a notebook's outputs, or are
# already in the cache key another way (the package code, the installed environment).
_NOT_DEPENDENCIES = (".venv", ".git", ".cache", "src", "node_modules", "build")

# Run in each kernel before the notebook's cells.
# 1. errors.SKIP_IRI_GRAMMAR: jsonschema, which nbformat imports and plotly imports nbformat, builds ~35 Earley parsers
#    for the `iri` format when it is imported: 2 to 10 s of every kernel's start here, for a
#    format no notebook schema uses (jsonschema issue #1428). Without `rfc3987_syntax`
#    jsonschema just skips that format. Only the build's kernels are concerned.
# 2. The audit hook that records which project files the kernel reads, and which project
#    folders it lists (a quiz checks its section against the notebooks folder): "folder/".
# 3. The project's modules compiled once per kernel: `_FRESH` drops the package from
#    `sys.modules` before each notebook, so each notebook imports it anew, reading its source
#    again; the code compiled from the same source at the same path is the same, kept here
#    (with no bytecode files, PYTHONDONTWRITEBYTECODE, it was compiled again for every notebook).
# 4. `_FRESH`'s function: what makes a kernel that ran a notebook as good as a new one.
# All of it lives on `sys` (or in the import machinery), out of the notebook's namespace (which
# `reset` empties anyway).
_RECORD_START = """\
exec({skip_iri!r}, {{}})
import sys
def _wto_deck_record_reads(root, skip):
    import os, sys
    seen = set()
    def hook(event, args):
        if event == "open":
            if not isinstance(args[0], (str, os.PathLike)):
                return
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else "r"
            if any(flag in mode for flag in "wax+"):
                return
            path = os.path.abspath(os.fspath(args[0]))
            if path.startswith(root) and not path.startswith(skip):
                seen.add(path[len(root):])
        elif event in ("os.listdir", "os.scandir"):
            if args and isinstance(args[0], int):
                return
            folder = os.path.abspath(os.fspath(args[0] if args and args[0] is not None else "."))
            path = folder + os.sep
            if path.startswith(root) and path != root and not path.startswith(skip):
                seen.add(path[len(root):].replace(os.sep, "/"))
    sys.addaudithook(hook)
    return seen
sys._wto_deck_reads = _wto_deck_record_reads({root!r}, {skip!r})
def _wto_deck_compile_once(package_dir):
    import importlib.machinery
    loader = importlib.machinery.SourceFileLoader
    compile_source = loader.source_to_code
    compiled = {{}}
    def source_to_code(self, data, path, *, _optimize=-1):
        if not str(path).startswith(package_dir):
            return compile_source(self, data, path, _optimize=_optimize)
        key = (str(path), bytes(data), _optimize)
        if key not in compiled:
            compiled[key] = compile_source(self, data, path, _optimize=_optimize)
        return compiled[key]
    loader.source_to_code = source_to_code
_wto_deck_compile_once({package_dir!r})
def _wto_deck_fresh(cwd, package={package!r}):
    import gc, importlib, os, sys, warnings
    from IPython import get_ipython
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    warnings._filters_mutated()
    os.chdir(cwd)
    importlib.invalidate_caches()  # the import system lists the folders on sys.path again, as a new kernel does
    sys._wto_deck_reads.clear()
    get_ipython().reset(new_session=True)
    gc.collect()
    gc.freeze()
sys._wto_deck_fresh = _wto_deck_fresh
del _wto_deck_record_reads, _wto_deck_compile_once, _wto_deck_fresh, sys
"""

# Run before each notebook, in a kernel just started or one that ran another notebook.
_FRESH = "__import__('sys')._wto_deck_fresh({cwd!r})"

_RECORD_REPORT = "__import__('json').dumps(sorted(__import__('sys')._wto_deck_reads))"


class _Retryable(Exception):
    pass


@dataclass(frozen=True)
class Executed:
    text: str  # the executed notebook, as nbformat writes it
    seconds: float
    attempts: int
    files_read: list[str]  # project files the kernel opened, relative to the root, sorted


def _record_start(root: Path) -> str:
    prefix = str(root.resolve()) + os.sep
    skip = tuple(prefix + folder + os.sep for folder in _NOT_DEPENDENCIES)
    compiled = template_cache_dir()  # the theme's compiled templates: the build's own cache, not an input
    if compiled is not None:
        skip += (str(compiled.resolve()) + os.sep,)
    package_dir = str(Path(__file__).resolve().parents[1]) + os.sep
    return _RECORD_START.format(skip_iri=SKIP_IRI_GRAMMAR, root=prefix, skip=skip, package=__package__.split(".")[0], package_dir=package_dir)


async def _hidden(client: NotebookClient, code: str, expression: str | None = None) -> str | None:
    """Run code in the kernel outside the notebook: silent, not in the history, no output kept.

    Returns the value of `expression` (a string expression) evaluated after the code.
    """
    expressions = {"value": expression} if expression else {}
    msg_id = client.kc.execute(code, silent=True, store_history=False, user_expressions=expressions)
    # A stand-in cell: nbclient names it when the reply times out (a hung kernel).
    reply = await client.async_wait_for_reply(msg_id, nbformat.v4.new_code_cell(code or expression))
    content = (reply or {}).get("content", {})
    if content.get("status") != "ok":
        raise BuildError(f"the build's own kernel code failed: {content.get('ename')}: {content.get('evalue')}")
    if not expression:
        return None
    value = content.get("user_expressions", {}).get("value", {})
    if value.get("status") != "ok":
        raise BuildError(f"the build's own kernel code failed: {value.get('ename')}: {value.get('evalue')}")
    return ast.literal_eval(value["data"]["text/plain"])


def _client(nb: nbformat.NotebookNode, cwd: Path, timeout: int) -> NotebookClient:
    return NotebookClient(
        nb,
        timeout=timeout,
        startup_timeout=STARTUP_TIMEOUT,
        kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
        record_timing=False,  # no timestamps: same sources, same bytes
        # Killed at once when done: its outputs are in, and a graceful shutdown of a kernel
        # that stopped answering is exactly what can hang.
        shutdown_kernel="immediate",
        # ipykernel 7 warns at every start that its local TCP sockets are unencrypted:
        # noise in the build's progress display, not something a trainer can act on.
        # No history: nothing reads it, and it is one more database per notebook.
        extra_arguments=["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"],
        resources={"metadata": {"path": str(cwd)}},
    )


async def _stop(client: NotebookClient) -> None:
    """Shut the kernel down, even when the task is being cancelled (Ctrl-C): no orphan kernels."""
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    try:
        if client.km is not None:
            await client._async_cleanup_kernel()  # nbclient's own teardown: kernel, channels, files
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=10)


# A model id anywhere: as a key, a value, or inside "IPY_MODEL_<id>".
_WIDGET_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


def stable_widget_ids(text: str, state_ids: list[str], label: str) -> str:
    """Replace the widget model ids (random uuids drawn by the kernel) by ids derived from the
    notebook and the order the kernel opened the models in, so that the same sources give the
    same bytes."""
    mapping = {}
    for rank, model_id in enumerate(state_ids):
        mapping[model_id] = hashlib.sha256(f"{label}:{rank}".encode()).hexdigest()[:32]
    if not mapping:
        return text
    return _WIDGET_ID.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


@dataclass
class _Kernel:
    km: object
    kc: object
    name: str


class Kernels:
    """The build's kernels: at most one per job, each reused notebook after notebook.

    `take` gives an idle kernel of that name, or None (start one); `give` returns a kernel that
    ran its notebook through; a kernel that failed is stopped instead, never given back."""

    def __init__(self) -> None:
        self._idle: list[_Kernel] = []

    def take(self, name: str) -> _Kernel | None:
        for kernel in self._idle:
            if kernel.name == name:
                self._idle.remove(kernel)
                return kernel
        return None

    def give(self, kernel: _Kernel) -> None:
        self._idle.append(kernel)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for kernel in idle:
            client = NotebookClient(nbformat.v4.new_notebook(), km=kernel.km, shutdown_kernel="immediate")
            client.kc = kernel.kc
            await _stop(client)


async def _run_once(
    nb: nbformat.NotebookNode, label: str, cwd: Path, root: Path, timeout: int, kernels: Kernels, new_kernel: bool
) -> list[str]:
    client = _client(nb, cwd, timeout)
    kernel = None if new_kernel else kernels.take(client.kernel_name)
    index = -1
    ran = False
    try:
        if kernel is None:
            client.km = client.create_kernel_manager()
            await client.async_start_new_kernel()
            await client.async_start_new_kernel_client()
            await _hidden(client, _record_start(root))
            kernel = _Kernel(client.km, client.kc, client.kernel_name)
        else:
            client.km, client.kc = kernel.km, kernel.kc
        await _hidden(client, _FRESH.format(cwd=str(cwd.resolve())))
        for index, cell in enumerate(nb.cells):
            await client.async_execute_cell(cell, index)
        index = len(nb.cells)
        files = json.loads(await _hidden(client, "", _RECORD_REPORT))
        client.set_widgets_metadata()  # an exported widget needs its state in the notebook
        ran = True
        return sorted(files)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        # nbclient turns a cancellation (Ctrl-C) into DeadKernelError: stop, do not retry.
        if _cancelled():
            raise asyncio.CancelledError() from None
        raise _classify(exc, nb, label, index, timeout) from None
    finally:
        if ran:
            kernels.give(kernel)
        elif client.km is not None:
            await _stop(client)  # a kernel that failed, timed out or was interrupted is not reused


def _cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _classify(exc: Exception, nb: nbformat.NotebookNode, label: str, index: int, timeout: int) -> Exception:
    """The error the build reports: retried once in a newly started kernel, or final."""
    if isinstance(exc, CellTimeoutError):
        return _Retryable(f"{label}: {_where(nb, index)}: no answer within {timeout} s")
    if isinstance(exc, DeadKernelError):
        return _Retryable(f"{label}: {_where(nb, index)}: the kernel died")
    if isinstance(exc, CellExecutionError):
        reason = f"{exc.ename}: {exc.evalue}".splitlines()[0]
        return BuildError(f"{label}: {_where(nb, index)}: {reason[:200]}")
    if isinstance(exc, RuntimeError):  # nbclient's "Kernel didn't respond in N seconds"
        return _Retryable(f"{label}: kernel start: {exc}")
    return exc


def _where(nb: nbformat.NotebookNode, index: int) -> str:
    if 0 <= index < len(nb.cells):
        return cell_name(nb.cells[index], index)
    return "kernel start" if index < 0 else "after the last cell"


async def execute_async(
    path: Path,
    label: str,
    root: Path,
    timeout: int = CELL_TIMEOUT,
    on_attempt: Callable[[int], None] | None = None,
    kernels: Kernels | None = None,
) -> Executed:
    """Execute the notebook at `path` in a fresh namespace, in a kernel of `kernels` (or one of
    its own); once more in a newly started kernel if it hangs."""
    if kernels is None:
        kernels = Kernels()
        try:
            return await execute_async(path, label, root, timeout, on_attempt, kernels)
        finally:
            await kernels.close()
    started = time.monotonic()
    for attempt in range(1, ATTEMPTS + 1):
        if on_attempt:
            on_attempt(attempt)
        nb = read(path, label)
        try:
            files = await _run_once(nb, label, path.parent, root, timeout, kernels, new_kernel=attempt > 1)
        except _Retryable as exc:
            if attempt == ATTEMPTS:
                raise BuildError(f"{exc} (tried {ATTEMPTS} times, the second in a newly started kernel)") from None
            continue
        widgets = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
        text = stable_widget_ids(nbformat.writes(nb), list(widgets.get("state", {})), label)
        return Executed(text, time.monotonic() - started, attempt, files)
    raise AssertionError("unreachable")


def execute(path: str, label: str, root: str, timeout: int = CELL_TIMEOUT) -> tuple[str, float, int]:
    """Execute one notebook; return (executed notebook JSON, seconds, attempts).

    The synchronous form, for tests and scripts; the build runs `execute_async` for several
    notebooks at once.
    """
    os.environ["WTO_DECK_ROOT"] = root
    done = _run(lambda: execute_async(Path(path), label, Path(root), timeout))
    return done.text, done.seconds, done.attempts


def _run(make_coroutine):
    """asyncio.run, also from a thread that already runs a loop (Playwright's sync API does)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()
