"""Student copies: the decks without speaker notes, exercises left to do, in sync with the decks,
runnable top to bottom, in every language (build/student/<lang>/)."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from conftest import ROOT
from wto_ecommerce_deck import conventions, data, messages
from wto_ecommerce_deck.pipeline import student, translate

SECTIONS = conventions.notebook_paths(ROOT / "notebooks")
LANGUAGES = messages.languages()


def deck_in(path, lang: str) -> nbformat.NotebookNode:
    """The section notebook in `lang`: the French one, or its translation."""
    nb = nbformat.read(path, as_version=4)
    return translate.translate(nb, translate.catalogue_path(ROOT / "notebooks" / "locale", lang, path.stem), lang)


def slide_type(cell) -> str | None:
    return conventions.slide_type(cell, None)


def assert_in_sync(deck: nbformat.NotebookNode, copy: nbformat.NotebookNode, name: str) -> None:
    """Every cell of the deck that is not the presenter's is in the copy, same id and source, in order."""
    expected = [(c.id, c.cell_type, c.source) for c in deck.cells if not student.is_presenter_only(c)]
    kept = [(c.id, c.cell_type, c.source) for c in copy.cells if c.id != student.INTRO_ID]
    assert kept == expected, f"{name}: the student copy is out of sync with the deck"
    for cell in copy.cells:
        assert slide_type(cell) != "notes", f"{name}: speaker notes in the student copy ({cell.id})"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: {cell.id} is not left to do"


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    written = student.write_copies(out)
    return out / student.FOLDER, written


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_copy_per_section_in_sync_with_its_deck(copies, lang):
    folder, written = copies
    assert sorted(p.relative_to(folder).as_posix() for p in written if p.parent.name == lang) == [
        f"{lang}/{p.name}" for p in SECTIONS
    ]
    for path in SECTIONS:
        deck = deck_in(path, lang)
        copy = nbformat.read(folder / lang / path.name, as_version=4)
        nbformat.validate(copy)
        assert_in_sync(deck, copy, path.stem)
        assert copy.cells[1].source == messages.t("student.intro", lang)  # the intro in the copy's language
        setup = copy.cells[0].source
        assert ("deck.setup()" in setup) if lang == "fr" else (f'deck.setup(lang="{lang}")' in setup), setup
        assert copy.cells[0].id == deck.cells[0].id  # the setup cell stays first
        assert copy.cells[1].id == student.INTRO_ID
        assert copy.metadata["wto_ecommerce_deck"] == {"student_copy": True, "source": f"notebooks/{path.name}"}
        exercises = [c for c in copy.cells if "exercise" in c.metadata.get("tags", [])]
        if path.stem not in ("01_titre", "08_comprendre", "09_a_retenir"):  # the exercises of the 2018 sections (test_quiz)
            assert exercises, f"{path.stem}: no exercise left for the students"


def test_speaker_notes_and_outputs_are_dropped(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    nb = nbformat.read(SECTIONS[2], as_version=4)
    secret = nbformat.v4.new_markdown_cell("Pour l'orateur seulement.", id="secret-01")
    secret.metadata = conventions.slide_metadata(conventions.NOTES)
    nb.cells.insert(3, secret)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="old run\n")]
    nbformat.write(nb, str(source / SECTIONS[2].name))
    student.write_copies(tmp_path / "out", source, langs=["fr"])
    copy = nbformat.read(tmp_path / "out" / student.FOLDER / "fr" / SECTIONS[2].name, as_version=4)
    ids = [c.id for c in copy.cells]
    assert "secret-01" not in ids and copy.cells[0].outputs == []
    assert_in_sync(nb, copy, SECTIONS[2].stem)


def test_cli_replaces_only_build_student(tmp_path):
    build = tmp_path / "build"
    (build / "slides").mkdir(parents=True)
    (build / "slides" / "deck.html").write_text("<p>a deck</p>", encoding="utf-8")
    (build / "student").mkdir()
    (build / "student" / "stale.ipynb").write_text("{}", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "wto_ecommerce_deck", "student", "--out", str(build)],
        cwd=ROOT, env=dict(os.environ, WTO_DECK_ROOT=str(ROOT)), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (build / "slides" / "deck.html").read_text(encoding="utf-8") == "<p>a deck</p>"
    assert sorted(p.name for p in (build / "student").iterdir()) == sorted(LANGUAGES)  # stale.ipynb gone
    for lang in LANGUAGES:
        assert sorted(p.name for p in (build / "student" / lang).iterdir()) == [p.name for p in SECTIONS]
    assert sorted(p.name for p in build.iterdir()) == ["slides", "student"]  # no temporary folder left


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", SECTIONS, ids=lambda p: p.stem)
def test_a_student_copy_runs_top_to_bottom(built, path, lang):
    """A copy runs the code cells of its section, the same ones in the same order (only markdown is
    dropped or added): the session's build ran exactly that code in a fresh kernel, so each code
    cell of the copy produced there its widget or figure, without error (not executed twice)."""
    copy = nbformat.read(str(built / student.FOLDER / lang / path.name), as_version=4)
    executed = nbformat.read(str(built / "notebooks" / lang / path.name), as_version=4)
    code = [c for c in copy.cells if c.cell_type == "code"]
    ran = {c.id: c for c in executed.cells if c.cell_type == "code"}
    assert [(c.id, c.source) for c in code] == [(c.id, c.source) for c in ran.values()]
    kinds = []
    for cell in code:
        outputs = ran[cell.id].outputs
        assert all(out.output_type != "error" for out in outputs), cell.id
        if conventions.has_tag(cell, conventions.EXERCISE_TAG):
            bundle = next(out.data for out in outputs if out.output_type in ("execute_result", "display_data"))
            assert "application/vnd.jupyter.widget-view+json" in bundle, cell.id
            kinds.append(cell.source.split(".")[0])
    if path.stem == "02_programme_de_travail":  # the richest copy: an explorer and the section's quizzes
        asked = data.load_facts().questions_of(path.stem)
        assert len(asked) >= 2 and kinds == ["explorer"] + ["quiz"] * len(asked)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_build_writes_student_copies_in_sync(built, lang):
    """`make slides` writes build/student/<lang>/ too (build.py calls student.write_copies on its temporary folder)."""
    folder = built / student.FOLDER / lang
    assert sorted(p.name for p in folder.glob("*.ipynb")) == [p.name for p in SECTIONS]
    for path in SECTIONS:
        assert_in_sync(deck_in(path, lang), nbformat.read(folder / path.name, as_version=4), path.stem)
