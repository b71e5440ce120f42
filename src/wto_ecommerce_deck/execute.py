"""Run a notebook top to bottom in a fresh kernel, with a timeout on every cell.

nbclient with ipykernel 7 was seen to hang in about 3 of 50 runs with no timeout
(DESIGN.md), so every cell has one; a cell that times out or a kernel that dies is
tried once more in a fresh kernel, then the build fails naming the notebook and the
cell. A cell that raises fails at once: running it again would raise again.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from .errors import BuildError
from .notebooks import cell_name, read

CELL_TIMEOUT = 120  # seconds; the slowest cell here takes about 2 s
STARTUP_TIMEOUT = 60
ATTEMPTS = 2


class _Retryable(Exception):
    pass


def _run_once(nb: nbformat.NotebookNode, label: str, cwd: Path, timeout: int) -> None:
    kernel_name = nb.metadata.get("kernelspec", {}).get("name", "python3")
    client = NotebookClient(
        nb,
        timeout=timeout,
        startup_timeout=STARTUP_TIMEOUT,
        kernel_name=kernel_name,
        record_timing=False,
        # ipykernel 7 warns at every start that its local TCP sockets are unencrypted:
        # noise in the build's progress display, not something a trainer can act on.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no timestamps: same sources, same bytes
        resources={"metadata": {"path": str(cwd)}},
    )
    index = -1
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
    except CellTimeoutError:
        raise _Retryable(f"{label}: {cell_name(nb.cells[index], index)}: no answer within {timeout} s") from None
    except DeadKernelError:
        where = cell_name(nb.cells[index], index) if index >= 0 else "kernel start"
        raise _Retryable(f"{label}: {where}: the kernel died") from None
    except CellExecutionError as exc:
        reason = f"{exc.ename}: {exc.evalue}".splitlines()[0]
        raise BuildError(f"{label}: {cell_name(nb.cells[index], index)}: {reason[:200]}") from None
    except RuntimeError as exc:  # nbclient's "Kernel didn't respond in N seconds"
        raise _Retryable(f"{label}: kernel start: {exc}") from None


def execute(path: str, label: str, root: str, timeout: int = CELL_TIMEOUT) -> tuple[str, float, int]:
    """Execute the notebook at `path`; return (executed notebook JSON, seconds, attempts).

    Plain types in and out, so that it runs in a worker process.
    """
    os.environ["WTO_DECK_ROOT"] = root
    started = time.monotonic()
    for attempt in range(1, ATTEMPTS + 1):
        nb = read(Path(path), label)
        try:
            _run_once(nb, label, Path(path).parent, timeout)
        except _Retryable as exc:
            if attempt == ATTEMPTS:
                raise BuildError(f"{exc} (tried {ATTEMPTS} times, each in a fresh kernel)") from None
            continue
        return nbformat.writes(nb), time.monotonic() - started, attempt
    raise AssertionError("unreachable")
