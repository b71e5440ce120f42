"""The build's kernels are reused notebook after notebook (pipeline/execute.py, `Kernels`): each
notebook still starts as in a new kernel, so that its outputs and the files the cache records
are the ones a fresh kernel gives."""

from __future__ import annotations

import asyncio
from pathlib import Path

import nbformat
import pytest

from wto_ecommerce_deck.pipeline import execute

pytestmark = pytest.mark.slow


def _notebook(folder: Path, name: str, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["title"] = name
    nb.cells = [nbformat.v4.new_code_cell(source, metadata={"slideshow": {"slide_type": "slide"}}) for source in sources]
    path = folder / name
    nbformat.write(nb, str(path))
    return path


def _printed(text: str) -> list[tuple[int, str]]:
    nb = nbformat.reads(text, as_version=4)
    return [(cell.execution_count, "".join(o.get("text", "") for o in cell.outputs)) for cell in nb.cells]


def test_the_second_notebook_in_a_kernel_sees_nothing_of_the_first(tmp_path):
    root = tmp_path / "project"
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "read.txt").write_text("data", encoding="utf-8")
    (root / "first").mkdir()
    (root / "second").mkdir()
    first = _notebook(
        root / "first", "a.ipynb",
        "import os, json\nleft = 1\nprint(os.getpid())",
        "import wto_ecommerce_deck\nwto_ecommerce_deck.left_over = True\n"
        f"print(open({str(root / 'assets' / 'read.txt')!r}).read())",
    )
    second = _notebook(
        root / "second", "b.ipynb",
        "import os\nprint(os.getpid())",
        "print(sorted(n for n in ('left', 'json') if n in dir()), os.path.basename(os.getcwd()))",
        "import wto_ecommerce_deck\nprint(hasattr(wto_ecommerce_deck, 'left_over'))",
    )

    async def both():
        kernels = execute.Kernels()
        try:
            one = await execute.execute_async(first, "first", root, kernels=kernels)
            two = await execute.execute_async(second, "second", root, kernels=kernels)
        finally:
            await kernels.close()
        return one, two

    one, two = asyncio.run(both())
    (count1, pid1), (_, read) = _printed(one.text)
    (count2, pid2), (_, names), (_, left_over) = _printed(two.text)
    assert pid1 == pid2  # the same kernel ran both
    assert (count1, count2) == (1, 1)  # each notebook's execution counts start at 1
    assert read == "data\n"
    assert names == "[] second\n"  # an empty namespace, in the notebook's own folder
    assert left_over == "False\n"  # the project's package imported anew
    # the files each notebook read, for the cache: the second read nothing of the first's
    assert "assets/read.txt" in one.files_read and "assets/read.txt" not in two.files_read
