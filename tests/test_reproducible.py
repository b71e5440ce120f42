"""Same sources, same bytes: two builds give an identical build/, whether the notebooks were
executed afresh or served from the cache, and a second build changes no byte."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, run_build
from wto_ecommerce_deck import conventions

NOTEBOOKS = len(conventions.notebook_paths(ROOT / "notebooks"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def test_second_build_is_a_noop_that_changes_no_byte(built, build_cache):
    before = snapshot(built)
    result = run_build(built, "--cache-dir", str(build_cache))
    assert result.returncode == 0, result.stderr
    assert "Nothing to do" in result.stderr, result.stderr
    assert snapshot(built) == before


def test_fresh_and_cached_builds_are_byte_identical(build_log, build_cache, tmp_path):
    # The session's build executed every notebook afresh, with an empty cache of its own (conftest).
    built, stderr = build_log
    assert f"Executing {NOTEBOOKS} of {NOTEBOOKS} notebooks" in stderr, stderr
    cached = run_build(tmp_path / "cached", "--cache-dir", str(build_cache))
    assert cached.returncode == 0, cached.stderr
    assert f"All {NOTEBOOKS} notebooks cached; exporting" in cached.stderr, cached.stderr
    # …in another folder, at another time: the same bytes.
    assert differences(snapshot(built), snapshot(tmp_path / "cached")) == []
