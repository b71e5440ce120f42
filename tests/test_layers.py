"""The package's structure: no import cycle among its modules, and each layer of the maintainer's
guide imports only the layers above it.

The imports are read from the source with `ast`, those inside functions included: a lazy import
hides a cycle from Python's import machinery but not from the design. The layers are read from the
table of `docs/maintainers.md` (« Architecture »), so that the guide and the code cannot drift apart:
every module must be in exactly one row of it.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = "wto_ecommerce_deck"
SOURCE = ROOT / "src" / PACKAGE
GUIDE = ROOT / "docs" / "maintainers.md"


def modules(source: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name, for its __init__.py)."""
    found = {}
    for path in sorted(source.rglob("*.py")):
        parts = [package, *path.relative_to(source).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(source: Path, package: str = PACKAGE) -> dict[str, dict[str, int]]:
    """module → {module of the package it imports: line}, at any depth of the module's code.

    `from . import x` names the submodule x when there is one, else the package; `from .x import y`
    the module x (or its submodule x.y)."""
    known = modules(source, package)

    def owner(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, int]] = {}
    for name, path in known.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        edges: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else [])) if node.level else node.module or ""
                if base == package or base.startswith(package + "."):
                    targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else owner(base) for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [owner(a.name) for a in node.names if a.name == package or a.name.startswith(package + ".")]
            for target in targets:
                if target and target != name:
                    edges.setdefault(target, node.lineno)
        graph[name] = edges
    return graph


def cycle(graph: dict[str, dict[str, int]]) -> list[str]:
    """One import cycle (a → b → … → a), or [] when the graph has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def described(found: list[str], graph: dict[str, dict[str, int]], source: Path) -> str:
    return " → ".join(
        f"{a} ({modules(source)[a].relative_to(source.parent)}:{graph[a][b]})" for a, b in zip(found, found[1:])
    ) + f" → {found[-1]}"


def layers() -> list[tuple[str, list[str]]]:
    """The rows of the guide's layer table, top first: (layer, the files and folders it names)."""
    text = GUIDE.read_text(encoding="utf-8")
    table = text.split("| layer | where | what |", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append((cells[0], re.findall(r"`([^`]+)`", cells[1])))
    return rows


def layer_of(rows: list[tuple[str, list[str]]]) -> dict[str, int]:
    """Each module's row number in the table (0: the top layer)."""
    placed: dict[str, int] = {}
    for name, path in modules(SOURCE).items():
        rel = path.relative_to(SOURCE).as_posix()
        rows_found = [
            number for number, (_, where) in enumerate(rows)
            if rel in where or any(w.endswith("/") and rel.startswith(w) for w in where)
        ]
        assert len(rows_found) == 1, f"{rel}: in {len(rows_found)} rows of the layer table of docs/maintainers.md, expected 1"
        placed[name] = rows_found[0]
    return placed


def test_the_package_has_no_import_cycle():
    graph = imports(SOURCE)
    assert len(graph) > 40 and graph[f"{PACKAGE}.cli"], "the package's modules and imports were not read"
    found = cycle(graph)
    assert not found, "import cycle: " + described(found, graph, SOURCE)


def test_each_layer_imports_only_the_layers_above_it():
    rows = layers()
    assert [name for name, _ in rows][:2] == ["core", "data"], rows
    placed = layer_of(rows)
    graph = imports(SOURCE)
    wrong = [
        f"{a} ({rows[placed[a]][0]}) imports {b} ({rows[placed[b]][0]}), line {line}"
        for a, edges in graph.items() for b, line in edges.items() if placed[b] > placed[a]
    ]
    assert wrong == []


@pytest.mark.parametrize("name", sorted(set(modules(SOURCE)) - {f"{PACKAGE}.__main__"}))
def test_every_module_imports(name):
    """The modules the graph was read from are what Python imports (a name moved away fails here)."""
    assert importlib.import_module(name).__doc__, f"{name}: a module starts with a docstring saying what it is for"


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    """The check sees an import hidden in a function, the way the old errors ↔ messages cycle was."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "errors.py").write_text("def report():\n    from .messages import t\n    return t\n")
    (package / "messages.py").write_text("from .errors import report\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "site.py").write_text("from ..messages import report\n")
    graph = imports(package, "pkg")
    assert graph["pkg.sub.site"] == {"pkg.messages": 1}
    assert cycle(graph) == ["pkg.errors", "pkg.messages", "pkg.errors"]
    (package / "errors.py").write_text("def report():\n    return None\n")
    assert cycle(imports(package, "pkg")) == []
