"""Command line: `python -m wto_ecommerce_deck build` (what `make slides` runs)."""

from __future__ import annotations

import argparse
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m wto_ecommerce_deck",
        description="« Le commerce électronique à l'OMC »: build the offline decks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="execute the notebooks and export the decks to build/")
    build_cmd.add_argument("--out", type=Path, default=None, help="output folder (default: build/)")
    build_cmd.add_argument("--jobs", type=int, default=None, help="notebooks executed at once (default: cores)")
    build_cmd.add_argument(
        "--cell-timeout", type=int, default=120, help="seconds a cell may run before the kernel is restarted"
    )
    args = parser.parse_args(argv)

    if args.command == "build":
        from .build import main as build_main

        return build_main(args.out, args.jobs, args.cell_timeout)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
