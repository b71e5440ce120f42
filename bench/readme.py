"""The benchmarks' figures in README.md: each benchmark writes its own block, between
`<!-- NAME:start -->` and `<!-- NAME:end -->` (`bench` for bench/run.py, `bench-lite` for
bench/lite.py, `bench-classroom` for bench/classroom.py), and leaves the rest of the file as it is.

Imported by the benchmark scripts beside it (`from readme import write_block`: a script's folder
is on its `sys.path`).
"""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def write_block(name: str, text: str, readme: Path = README) -> None:
    """Put `text` between the `<!-- NAME:start -->` and `<!-- NAME:end -->` markers of `readme`;
    a file without both markers is left as it is."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    current = readme.read_text(encoding="utf-8")
    if start in current and end in current:
        head, rest = current.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")
