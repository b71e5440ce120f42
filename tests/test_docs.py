"""The documents name only commands that exist, and each of those is exercised by a named test."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

DOCUMENTS = ["README.md", "docs/guide.fr.md", "docs/maintainers.md", "assets/data/README.md"]

# Where each command the documents name is run by the test suite (file::function). A make target
# that only chains others (`slides` = `setup` + the `build` command) is exercised by the test of
# what it runs; `make test` is the suite itself.
EXERCISED = {
    "make setup": "tests/test_environment.py::test_the_lock_satisfies_every_dependency_of_pyproject",
    "make slides": "tests/test_build_cache.py::test_noop_build_executes_nothing_and_changes_no_byte",
    "make pdf": "tests/test_pdf.py::test_pdf_command_prints_each_deck_and_names_the_one_that_fails",
    "make student": "tests/test_student.py::test_cli_replaces_only_build_student",
    "make present": "tests/test_live.py::test_slideshow_appears_on_every_open_with_the_exports_title_slide",
    "make test": "tests/test_docs.py::test_every_named_command_exists_and_is_exercised",
    "make test-fast": "tests/test_docs.py::test_the_fast_subset_leaves_out_the_slow_markers",
    "make lock": "tests/test_environment.py::test_environment_yml_pins_the_locks_versions",
    "make bench": "tests/test_docs.py::test_the_benchmark_and_its_results_are_where_the_readme_says",
    "build": "tests/test_build_cache.py::test_noop_build_executes_nothing_and_changes_no_byte",
    "pdf": "tests/test_pdf.py::test_pdf_command_prints_each_deck_and_names_the_one_that_fails",
    "student": "tests/test_student.py::test_cli_replaces_only_build_student",
    "facts": "tests/test_audit.py::test_facts_command_prints_every_fact_and_the_counts",
    "present": "tests/test_live.py::test_slideshow_appears_on_every_open_with_the_exports_title_slide",
    "check-env": "tests/test_checkenv.py::test_everything_passes_here_and_the_exit_status_says_so",
    "make lite": "tests/test_lite.py::test_section_runs_in_the_browser",
    "lite": "tests/test_lite.py::test_section_runs_in_the_browser",
    "make serve": "tests/test_lite.py::test_serve_gives_pyodide_its_mime_types",
    "serve": "tests/test_lite.py::test_serve_gives_pyodide_its_mime_types",
    "make bench-lite": "tests/test_docs.py::test_the_benchmark_and_its_results_are_where_the_readme_says",
    "translations": "tests/test_i18n_parity.py::test_the_translations_command_checks_and_follows_the_french",
    "make classroom": "tests/test_classroom.py::test_three_phones_answer_and_the_deck_shows_the_votes_then_the_answer",
    "classroom": "tests/test_classroom.py::test_three_phones_answer_and_the_deck_shows_the_votes_then_the_answer",
    "make classroom-export": "tests/test_classroom.py::test_export_writes_one_csv_per_session",
    "make bench-classroom": "tests/test_docs.py::test_the_benchmark_and_its_results_are_where_the_readme_says",
    "make bench-present": "tests/test_docs.py::test_the_benchmark_and_its_results_are_where_the_readme_says",
}


def named_commands() -> tuple[set[str], set[str]]:
    targets, commands = set(), set()
    for name in DOCUMENTS:
        text = (ROOT / name).read_text(encoding="utf-8")
        targets |= set(re.findall(r"`[^`\n]*?\bmake ([a-z][a-z-]*)", text))
        commands |= set(re.findall(r"wto_ecommerce_deck ([a-z][a-z-]*)", text))
    return targets, commands


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.MULTILINE))


def cli_commands() -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "wto_ecommerce_deck", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    (choices,) = re.findall(r"\{([a-z,-]+)\}", result.stdout)[:1]
    return set(choices.split(","))


def test_every_named_command_exists_and_is_exercised():
    targets, commands = named_commands()
    assert {"slides", "test", "pdf", "present"} <= targets  # the documents do name them
    assert not targets - makefile_targets(), f"documented make targets missing: {targets - makefile_targets()}"
    assert not commands - cli_commands(), f"documented commands missing: {commands - cli_commands()}"
    named = {f"make {target}" for target in targets} | commands
    assert not named - EXERCISED.keys(), f"named in the documents, exercised by no test: {named - EXERCISED.keys()}"
    for where in EXERCISED.values():
        path, function = where.split("::")
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^def {function}\(", source, re.MULTILINE), f"{where} does not exist"


def test_the_fast_subset_leaves_out_the_slow_markers():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ntest-fast:", 1)[1].split("\n\n", 1)[0]
    declared = re.findall(r'^\s*"([a-z]+):', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)
    assert set(declared) == {"browser", "live", "pdf", "lite", "slow"}
    for marker in declared:
        assert f"not {marker}" in recipe, f"make test-fast runs the {marker} tests"


def test_the_benchmark_and_its_results_are_where_the_readme_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for block, results in (("bench", "RESULTS.md"), ("bench-lite", "RESULTS-lite.md"), ("bench-classroom", "RESULTS-classroom.md")):
        # each script writes between its markers (bench/readme.py's write_block)
        assert f"<!-- {block}:start -->" in readme and f"<!-- {block}:end -->" in readme, block
        assert (ROOT / "bench" / results).is_file(), results
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nbench:", 1)[1].split("\n\n", 1)[0]
    scripts = re.findall(r"\$\(PY\) (bench/[a-z_]+\.py)", recipe)
    # make bench runs the three; make bench-lite, bench-classroom and bench-present one each
    assert scripts == ["bench/run.py", "bench/lite.py", "bench/classroom.py"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target, script in (("bench-lite", "bench/lite.py"), ("bench-classroom", "bench/classroom.py"),
                           ("bench-present", "bench/present.py")):
        recipe = makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
        assert re.findall(r"\$\(PY\) (bench/[a-z_]+\.py)", recipe) == [script], target
    for script in [*scripts, "bench/present.py"]:
        result = subprocess.run([sys.executable, script, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr


def test_no_document_points_outside_the_repository():
    for name in DOCUMENTS:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "../shared" not in text and "/work/" not in text, name


def test_each_benchmark_writes_its_own_readme_block_with_the_one_writer(tmp_path):
    """bench/readme.py's `write_block` replaces one block of README.md and nothing else; every
    benchmark script writes its block through it (one writer, not a copy per script)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import readme
    finally:
        sys.path.remove(str(ROOT / "bench"))
    page = tmp_path / "README.md"
    page.write_text("intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\nmiddle\n"
                    "<!-- bench-lite:start -->\nold lite\n<!-- bench-lite:end -->\nend\n", encoding="utf-8")
    readme.write_block("bench", "| new | table |", page)
    readme.write_block("bench-lite", "lite figures", page)
    assert page.read_text(encoding="utf-8") == (
        "intro\n<!-- bench:start -->\n| new | table |\n<!-- bench:end -->\nmiddle\n"
        "<!-- bench-lite:start -->\nlite figures\n<!-- bench-lite:end -->\nend\n"
    )
    for script in sorted((ROOT / "bench").glob("*.py")):
        text = script.read_text(encoding="utf-8")
        if script.name != "readme.py" and "README" in text:
            assert "from readme import write_block" in text and ":start -->" not in text, script.name
    readme_text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("bench", "bench-lite", "bench-classroom"):
        assert f"<!-- {name}:start -->" in readme_text and f"<!-- {name}:end -->" in readme_text, name
