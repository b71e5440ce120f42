"""Run a notebook top to bottom in a fresh kernel, with a timeout on every cell.

nbclient with ipykernel 7 was seen to hang in about 3 of 50 runs with no timeout
(with ipykernel 7, measured here), so every cell has one; a cell that times out or a kernel that dies is
tried once more in a fresh kernel, then the build fails naming the notebook and the
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

from ..errors import BuildError
from ..conventions import cell_name
from .notebooks import read

CELL_TIMEOUT = 120  # seconds; the slowest cell here takes about 2 s
STARTUP_TIMEOUT = 60
ATTEMPTS = 2

# Folders of the project whose files are not dependencies of a notebook's outputs, or are
# already in the cache key another way (the package code, the installed environment).
_NOT_DEPENDENCIES = (".venv", ".git", ".cache", "src", "node_modules", "build")

# Run in each kernel before the notebook's cells.
# 1. jsonschema, which nbformat imports and plotly imports nbformat, builds ~35 Earley parsers
#    for the `iri` format when it is imported: 2 to 10 s of every kernel's start here, for a
#    format no notebook schema uses (jsonschema issue #1428). Without `rfc3987_syntax`
#    jsonschema just skips that format. Only the build's kernels are concerned.
# 2. The audit hook that records which project files the kernel reads, and which project
#    folders it lists (a quiz checks its section against the notebooks folder): "folder/".
_RECORD_START = """\
import sys
sys.modules.setdefault("rfc3987_syntax", None)
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
_wto_deck_reads = _wto_deck_record_reads({root!r}, {skip!r})
del _wto_deck_record_reads
"""

_RECORD_REPORT = "__import__('json').dumps(sorted(_wto_deck_reads))"


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
    return _RECORD_START.format(root=prefix, skip=skip)


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
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
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


async def _run_once(nb: nbformat.NotebookNode, label: str, cwd: Path, root: Path, timeout: int) -> list[str]:
    client = _client(nb, cwd, timeout)
    client.km = client.create_kernel_manager()
    index = -1
    try:
        await client.async_start_new_kernel()
        await client.async_start_new_kernel_client()
        await _hidden(client, _record_start(root))
        for index, cell in enumerate(nb.cells):
            await client.async_execute_cell(cell, index)
        index = len(nb.cells)
        files = json.loads(await _hidden(client, "", _RECORD_REPORT))
        client.set_widgets_metadata()  # an exported widget needs its state in the notebook
        return sorted(files)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        # nbclient turns a cancellation (Ctrl-C) into DeadKernelError: stop, do not retry.
        if _cancelled():
            raise asyncio.CancelledError() from None
        raise _classify(exc, nb, label, index, timeout) from None
    finally:
        await _stop(client)


def _cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _classify(exc: Exception, nb: nbformat.NotebookNode, label: str, index: int, timeout: int) -> Exception:
    """The error the build reports: retried once in a fresh kernel, or final."""
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
) -> Executed:
    """Execute the notebook at `path` in a fresh kernel, once more in another if it hangs."""
    started = time.monotonic()
    for attempt in range(1, ATTEMPTS + 1):
        if on_attempt:
            on_attempt(attempt)
        nb = read(path, label)
        try:
            files = await _run_once(nb, label, path.parent, root, timeout)
        except _Retryable as exc:
            if attempt == ATTEMPTS:
                raise BuildError(f"{exc} (tried {ATTEMPTS} times, each in a fresh kernel)") from None
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
