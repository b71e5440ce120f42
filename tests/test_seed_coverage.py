"""The six section notebooks carry every statement of the 2018 seed and follow the slide rules.

`assets/data/seed_statements.yaml` lists each statement of the seed presentation as it
appears on our slides; the tests check that each one is on a slide of the right section,
and that the notebooks keep the deck's contract: a setup cell first, slide metadata on
every cell, speaker notes on every slide, code cells that are only one-line calls, plot
slides with nothing but a heading, and no stored outputs.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import nbformat
import pytest

from wto_ecommerce_deck import conventions, data

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
FACTS = data.load_facts()

# Which section notebook carries which slide of the seed.
SECTIONS = {
    "01_titre": (1,),
    "02_programme_de_travail": (2, 3),
    "03_structure_omc": (4,),
    "04_nouvel_elan": (5,),
    "05_conference_ministerielle": (6,),
    "06_discussions_en_cours": (7, 8),
    "07_depuis_2018": (),  # context added after the 2018 presentation: no seed slide
}
SEED_SLIDES = range(1, 9)

PACKAGE = "wto_ecommerce_deck"
NBSP = "\u00a0"

# What fits a 1280×720 slide in large type: body lines (after wrapping) and heading length.
WRAP_CHARS = 70
MAX_BODY_LINES = 8
MAX_HEADING_CHARS = {1: 45, 2: 45, 3: 60}  # by heading level
CELL_ID = re.compile(r"^[a-z]+-\d{2}$")


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=nbformat.NO_CONVERT)


def slide_type(cell: nbformat.NotebookNode) -> str | None:
    return conventions.slide_type(cell, None)


tags = conventions.tags


def normalise(text: str) -> str:
    """Plain text for comparison: markdown emphasis dropped, U+00A0 as a space, whitespace collapsed."""
    return " ".join(text.replace("*", "").replace(NBSP, " ").split())


def slides(nb: nbformat.NotebookNode) -> list[list[nbformat.NotebookNode]]:
    """The cells grouped by slide (a `slide` or `subslide` cell opens one); skipped cells left out."""
    return [[cell for _, cell in group] for group in conventions.slides(nb.cells, skip=True)]


def slide_title(group: list[nbformat.NotebookNode]) -> str:
    return group[0].source.strip().splitlines()[0] if group[0].source.strip() else "<empty>"


STATEMENTS = FACTS.seed_statements  # validated by the loader (shape, slide numbers, typography)
NOTEBOOK_NAMES = list(SECTIONS)


def section_of(seed_slide: int) -> str:
    return next(name for name, numbers in SECTIONS.items() if seed_slide in numbers)


# --------------------------------------------------------------------------- statements


def test_every_seed_slide_has_statements():
    covered = {entry.slide for entry in STATEMENTS}
    assert covered == set(SEED_SLIDES), f"seed slides without statements: {set(SEED_SLIDES) - covered}"


@pytest.mark.parametrize(
    "entry", STATEMENTS, ids=[f"s{e.slide}-{normalise(e.text)[:40]}" for e in STATEMENTS]
)
def test_statement_is_on_a_slide(entry):
    name = section_of(entry.slide)
    shown = [
        normalise(cell.source)
        for cell in load(name).cells
        if cell.cell_type == "markdown" and not conventions.is_notes(cell)
    ]
    text = normalise(entry.text)
    assert any(text in source for source in shown), f"{name}: seed slide {entry.slide}: not on a slide: {text!r}"


# --------------------------------------------------------------------------- notebook structure


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_notebook_format_and_metadata(name):
    nb = load(name)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5)
    assert nb.metadata.get("kernelspec") == {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    assert nb.metadata.get("language_info", {}).get("name") == "python"
    assert nb.metadata.get("title"), f"{name}: no title in the notebook metadata"
    ids = [cell.id for cell in nb.cells]
    assert len(ids) == len(set(ids)), f"{name}: duplicate cell ids"
    bad = [cell_id for cell_id in ids if not CELL_ID.match(cell_id)]
    assert not bad, f"{name}: unreadable cell ids {bad}"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_setup_cell_first(name):
    nb = load(name)
    first = nb.cells[0]
    assert first.cell_type == "code", f"{name}: first cell is not code"
    assert slide_type(first) == conventions.SKIP, f"{name}: setup cell is not skipped"
    assert conventions.has_tag(first, conventions.SETUP_TAG), f"{name}: first cell has no 'setup' tag"
    tree = ast.parse(first.source)
    imported: set[str] = set()
    calls: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            imported.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            calls.append(ast.unparse(node.value))
        else:
            pytest.fail(f"{name}: setup cell holds more than imports and calls: {ast.unparse(node)}")
    assert "deck" in imported, f"{name}: setup does not import deck"
    assert calls == ["deck.setup()"], f"{name}: setup calls {calls}"
    used = {"deck"}
    for cell in nb.cells[1:]:
        if cell.cell_type == "code":
            used.update(n.id for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Name))
    assert imported <= used, f"{name}: setup imports unused modules {sorted(imported - used)}"
    setups = [cell.id for cell in nb.cells if conventions.has_tag(cell, conventions.SETUP_TAG)]
    assert setups == [first.id], f"{name}: more than one setup cell: {setups}"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_every_cell_has_a_slide_type(name):
    nb = load(name)
    for cell in nb.cells:
        assert slide_type(cell) in conventions.SLIDE_TYPES, f"{name}: cell {cell.id}: slide_type {slide_type(cell)!r}"
    shown = [cell for cell in nb.cells if slide_type(cell) != conventions.SKIP]
    assert shown and slide_type(shown[0]) == conventions.SLIDE, f"{name}: the first shown cell does not open a slide"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_every_slide_has_notes(name):
    for group in slides(load(name)):
        title = slide_title(group)
        kinds = [slide_type(cell) for cell in group]
        assert conventions.NOTES in kinds, f"{name}: slide {title!r} has no speaker notes"
        first_note = kinds.index(conventions.NOTES)
        assert first_note > 0, f"{name}: slide {title!r}: notes before the slide's content"
        assert all(k == conventions.NOTES for k in kinds[first_note:]), f"{name}: slide {title!r}: content after its notes"
        for cell in group[first_note:]:
            assert cell.cell_type == "markdown", f"{name}: notes cell {cell.id} is not markdown"
            assert "Source" in cell.source, f"{name}: notes cell {cell.id} names no source"


def is_data_literal(node: ast.AST) -> bool:
    return isinstance(node, (ast.List, ast.Tuple, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp))


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_code_cells_are_one_line_calls(name):
    nb = load(name)
    for cell in nb.cells[1:]:
        if cell.cell_type != "code":
            continue
        source = cell.source.strip()
        assert "\n" not in source, f"{name}: cell {cell.id} is more than one line"
        tree = ast.parse(source)
        assert len(tree.body) == 1, f"{name}: cell {cell.id} holds more than one statement"
        node = tree.body[0]
        assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Call), f"{name}: cell {cell.id} is not a call"
        func = node.value.func
        assert isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name), (
            f"{name}: cell {cell.id}: call a module function (module.function())"
        )
        arguments = [*node.value.args, *(k.value for k in node.value.keywords)]
        literals = [a for a in arguments for n in ast.walk(a) if is_data_literal(n)]
        assert not literals, f"{name}: cell {cell.id} passes data literals"
        assert conventions.has_tag(cell, conventions.HIDE_INPUT_TAG), f"{name}: figure cell {cell.id} has no 'hide-input' tag"
        assert slide_type(cell) == conventions.CONTINUE, f"{name}: figure cell {cell.id} must continue its slide ('-')"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_plot_slides_hold_only_a_heading(name):
    for group in slides(load(name)):
        if not any(cell.cell_type == "code" for cell in group):
            continue
        content = [cell for cell in group if not conventions.is_notes(cell)]
        title = slide_title(group)
        assert [c.cell_type for c in content] == ["markdown", "code"], (
            f"{name}: plot slide {title!r} holds more than a heading and the figure"
        )
        lines = [line for line in content[0].source.splitlines() if line.strip()]
        assert lines[0].startswith("## "), f"{name}: plot slide {title!r} does not start with a '## ' heading"
        assert len(lines) <= 2, f"{name}: plot slide {title!r}: more than a heading and one short line"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_outputs_are_empty(name):
    for cell in load(name).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: cell {cell.id} has outputs"
            assert cell.execution_count is None, f"{name}: cell {cell.id} has an execution count"


# --------------------------------------------------------------------------- slide text


def body_lines(markdown: str) -> int:
    """Estimated lines of body text on the slide once wrapped (headings not counted)."""
    count = 0
    for line in markdown.splitlines():
        text = line.strip().lstrip("-").strip()
        if not text or line.lstrip().startswith("#"):
            continue
        count += math.ceil(len(normalise(text)) / WRAP_CHARS)
    return count


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_slides_fit(name):
    for group in slides(load(name)):
        shown = [c for c in group if c.cell_type == "markdown" and not conventions.is_notes(c)]
        markdown = "\n".join(cell.source for cell in shown)
        title = slide_title(group)
        assert body_lines(markdown) <= MAX_BODY_LINES, f"{name}: slide {title!r} is too long for 1280×720"
        for line in markdown.splitlines():
            if line.startswith("#"):
                level = len(line) - len(line.lstrip("#"))
                heading = normalise(line.lstrip("#"))
                limit = MAX_HEADING_CHARS.get(level, MAX_HEADING_CHARS[3])
                assert len(heading) <= limit, f"{name}: heading too long: {heading!r}"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_french_typography(name):
    """The notebooks' French obeys the data files' typography rules (data.typography_problem), line
    by line: a markdown cell holds several lines, a data text one."""
    for cell in load(name).cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            problem = data.typography_problem(line.strip())  # indentation is markdown, not prose
            assert problem is None, f"{name}: cell {cell.id}: {problem}"


# --------------------------------------------------------------------------- exercises

# The exercises: one-line calls of these module functions, each on a slide of its own.
EXERCISES = {("quiz", "show"): "## Quiz", ("explorer", "timeline"): "## Explorer"}


def exercise_call(cell: nbformat.NotebookNode) -> tuple[str, str, str] | None:
    """(module, function, first argument) of a quiz or explorer cell, None for another cell."""
    if cell.cell_type != "code" or conventions.has_tag(cell, conventions.SETUP_TAG):
        return None
    call = ast.parse(cell.source.strip()).body[0].value
    key = (call.func.value.id, call.func.attr)
    if key not in EXERCISES:
        return None
    assert [type(a) for a in call.args] == [ast.Constant], f"cell {cell.id}: an exercise takes one name"
    return (*key, call.args[0].value)


def quiz_ids_by_section() -> dict[str, list[str]]:
    by_section: dict[str, list[str]] = {}
    for question in FACTS.questions:
        by_section.setdefault(question.section, []).append(question.id)
    return by_section


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_exercises_close_the_section(name):
    """Explorers then quizzes end each section: tagged `exercise`, one per slide under a « Quiz » or
    « Explorer » heading, every question of the section asked once, in the order of quizzes.yaml."""
    groups = slides(load(name))
    kinds = []
    asked = []
    for group in groups:
        found = [(cell, exercise_call(cell)) for cell in group if exercise_call(cell)]
        for cell in group:
            if cell.cell_type == "code" and not conventions.has_tag(cell, conventions.SETUP_TAG):
                assert conventions.has_tag(cell, conventions.EXERCISE_TAG) == bool(exercise_call(cell)), f"{name}: cell {cell.id}: 'exercise' tag"
        if not found:
            kinds.append(None)
            continue
        assert len(found) == 1, f"{name}: slide {slide_title(group)!r} holds more than one exercise"
        (cell, (module, function, argument)), = found
        heading = EXERCISES[(module, function)]
        assert slide_title(group).startswith(heading), f"{name}: exercise slide {slide_title(group)!r} is not titled {heading!r}"
        kinds.append(module)
        if module == "quiz":
            asked.append(argument)
    shown = [k for k in kinds if k is not None]
    assert kinds[len(kinds) - len(shown):] == shown, f"{name}: the exercises are not the last slides"
    assert shown == sorted(shown), f"{name}: explorers come before the quiz"
    expected = quiz_ids_by_section().get(name, [])
    assert asked == expected, f"{name}: quiz questions asked {asked}, quizzes.yaml has {expected}"
    if name != "01_titre":
        assert 2 <= len(asked) <= 4, f"{name}: {len(asked)} quiz questions, expected 2 to 4"
