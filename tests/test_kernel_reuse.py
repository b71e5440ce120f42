"""The build's kernels are reused notebook after notebook (pipeline/execute.py, `Kernels`): each
notebook still starts as in a new kernel, so that its outputs and the files the cache records
are the ones a fresh kernel gives."""

from __future__ import annotations

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
        # the kernel started without jsonschema's `iri` grammar (errors.SKIP_IRI_GRAMMAR)
        "import sys\nprint(repr(sys.modules.get('rfc3987_syntax', 'importable')))",
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

    one, two = execute._run(both)  # also when a Playwright test left its loop running in this thread
    (count1, pid1), (_, read), (_, grammar) = _printed(one.text)
    (count2, pid2), (_, names), (_, left_over) = _printed(two.text)
    assert pid1 == pid2  # the same kernel ran both
    assert (count1, count2) == (1, 1)  # each notebook's execution counts start at 1
    assert read == "data\n"
    assert grammar == "None\n"  # skipped: nbformat's import builds no grammar
    assert names == "[] second\n"  # an empty namespace, in the notebook's own folder
    assert left_over == "False\n"  # the project's package imported anew
    # the files each notebook read, for the cache: the second read nothing of the first's
    assert "assets/read.txt" in one.files_read and "assets/read.txt" not in two.files_read


def test_the_second_notebook_in_a_kernel_compiles_nothing_of_the_project_again(tmp_path, monkeypatch):
    """Each notebook imports the package anew and loads the theme's templates anew, but what the
    kernel compiled for the first notebook (the package's modules, the templates, in the build's
    template cache) serves the next: the second compiles none of it. The `compile` audit event
    names every file Python compiles (a module's source, a Jinja template's generated code)."""
    import wto_ecommerce_deck
    from wto_ecommerce_deck import paths

    monkeypatch.setenv(paths.TEMPLATE_CACHE_ENV, str(tmp_path / "templates"))  # as the build sets it
    root = tmp_path / "project"
    (root / "assets").mkdir(parents=True)
    package = str(Path(wto_ecommerce_deck.__file__).parent)
    templates = str(paths.theme_dir() / "templates")
    probe = (
        "import sys\ncompiled = []\n"
        # the list bound to the hook: the next notebook's reset empties the namespace, not the hook
        "sys.addaudithook(lambda event, args, seen=compiled: event == 'compile' and seen.append(str(args[1])))\n"
        "from wto_ecommerce_deck import theme\n"
        "theme.environment().get_template('sources_slide.md.j2'), theme.environment().get_template('markup.html.j2')\n"
        f"print(len([f for f in compiled if f.startswith({package!r})]), len([f for f in compiled if f.startswith({templates!r})]))"
    )
    first = _notebook(root, "a.ipynb", probe)
    second = _notebook(root, "b.ipynb", probe)

    async def both():
        kernels = execute.Kernels()
        try:
            return [await execute.execute_async(path, path.name, root, kernels=kernels) for path in (first, second)]
        finally:
            await kernels.close()

    one, two = execute._run(both)
    assert one.attempts == two.attempts == 1  # one kernel ran both
    [(_, compiled_first)] = _printed(one.text)
    [(_, compiled_second)] = _printed(two.text)
    modules, templates_compiled = (int(n) for n in compiled_first.split())
    assert modules > 0 and templates_compiled > 0, compiled_first  # the first notebook compiled them
    assert compiled_second == "0 0\n"  # the second: neither the modules nor the templates again
    assert not any(f.startswith("templates") for f in one.files_read + two.files_read)  # the cache is no input
