"""Command line: `python -m wto_ecommerce_deck build` (what `make slides` runs), `pdf` (`make pdf`),
`classroom` (`make classroom`) and the others below.

The one place where an error becomes output and an exit code: each command raises `DeckError` and
`report` prints its lines (`error: …`, in the interface's language) and the command's closing note.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .errors import DeckError, say, skip_iri_grammar
from .messages import t


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
    build_cmd.add_argument(
        "--single-file", action="store_true", help="also write OUT/single/: one self-contained HTML file per deck"
    )
    build_cmd.add_argument("--no-cache", action="store_true", help="execute every notebook, even unchanged ones")
    build_cmd.add_argument("--cache-dir", type=Path, default=None, help="cache folder (default: .cache/)")
    build_cmd.add_argument(
        "--lang", action="append", default=None, metavar="LANG",
        help="build only this language (repeatable; default: every language of assets/i18n/)",
    )
    pdf_cmd = commands.add_parser("pdf", help="print the built decks to build/pdf/, one slide per page")
    pdf_cmd.add_argument("decks", nargs="*", help="deck names, e.g. 01_titre (default: every built deck)")
    pdf_cmd.add_argument("--build", type=Path, default=None, help="the built decks (default: build/)")
    pdf_cmd.add_argument("--out", type=Path, default=None, help="output folder (default: BUILD/pdf/)")
    pdf_cmd.add_argument(
        "--notes", action="store_true", help="also write the handout, DECK-notes.pdf: the speaker notes under each slide"
    )
    pdf_cmd.add_argument("--timeout", type=float, default=60, help="seconds a deck may take to get ready to print")
    student_cmd = commands.add_parser(
        "student", help="write the student notebooks to build/student/ (no speaker notes, no outputs)"
    )
    student_cmd.add_argument("--out", type=Path, default=None, help="the build folder (default: build/)")
    facts_cmd = commands.add_parser(
        "facts", help="check the data and list every fact the decks show: date, symbol, status, source"
    )
    facts_cmd.add_argument("--format", choices=("text", "markdown"), default="text", help="table format (default: text)")
    facts_cmd.add_argument("--out", type=Path, default=None, help="also write OUT/sources.html, the audit page")
    present_cmd = commands.add_parser(
        "present", help="present the full deck live: JupyterLab + RISE on 127.0.0.1, until Ctrl-C"
    )
    present_cmd.add_argument("--no-browser", action="store_true", help="print the slideshow's URL, open no browser")
    present_cmd.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: 8888, or a free one)")
    present_cmd.add_argument("--live-dir", type=Path, default=None, help="where to write the live deck (default: live/)")
    present_cmd.add_argument("--lang", default=None, help="the deck's language (default: fr; make present LANG=en)")
    translations_cmd = commands.add_parser(
        "translations", help="update the notebooks' translation catalogues (notebooks/locale/) from the French notebooks"
    )
    translations_cmd.add_argument(
        "--check", action="store_true", help="change nothing: one line per missing or fuzzy entry, exit 1 if any"
    )
    lite_cmd = commands.add_parser(
        "lite", help="write build/lite/: the student notebooks as a JupyterLite site that runs offline in the browser"
    )
    lite_cmd.add_argument("--build", type=Path, default=None, help="the build folder (default: build/)")
    lite_cmd.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    serve_cmd = commands.add_parser("serve", help="serve build/ over HTTP (127.0.0.1, or the local network with --lan)")
    serve_cmd.add_argument("--build", type=Path, default=None, help="the folder to serve (default: build/)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve_cmd.add_argument(
        "--lan", action="store_true", help="listen on every interface, so that a room can use this laptop's site"
    )
    classroom_cmd = commands.add_parser(
        "classroom", parents=[_classroom_options(None)],
        help="the room votes on the quizzes from its phones: serve build/ and the votes, until Ctrl-C",
    )
    classroom_cmd.add_argument("--lan", action="store_true", help="also listen on this laptop's address on the room's network")
    classroom_cmd.add_argument("--host", default=None, help="with --lan: that address (default: the one found)")
    classroom_cmd.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    classroom_cmd.add_argument("--build", type=Path, default=None, help="the decks to serve (default: build/)")
    classroom_cmd.add_argument("--new", action="store_true", help="start a new session (a new room code) instead of resuming")
    classroom_cmd.add_argument("--no-browser", action="store_true", help="print the trainer's address, open no browser")
    export_cmd = classroom_cmd.add_subparsers(dest="classroom_action").add_parser(
        "export", parents=[_classroom_options(argparse.SUPPRESS)],
        help="write the results, one CSV per session, to .classroom/export/",
    )
    export_cmd.add_argument("--out", type=Path, default=None, help="output folder (default: DATA_DIR/export/)")
    export_cmd.add_argument("--session", type=int, default=None, help="only this session (default: every one)")
    commands.add_parser("check-env", help="say whether this environment can run the decks, and what to install")
    args = parser.parse_args(argv)
    skip_iri_grammar()  # the command's own process: nbformat imports faster
    # The one place where an error becomes output and an exit code: each command raises
    # DeckError (its one-line messages) and the closing note of its command is said after them.
    try:
        return _run(args)
    except DeckError as exc:
        return report(exc, _notes(args.command)[0])
    except KeyboardInterrupt:
        say(_notes(args.command)[1])
        return 130


def report(exc: DeckError, note: str | None = None) -> int:
    """Print the error's lines (`error: …`) and the command's closing note; return the exit code."""
    for line in exc.lines:
        say(t("cli.error", message=line))
    if note:
        say(note)
    return 1


def _classroom_options(default) -> argparse.ArgumentParser:
    """Options of `classroom` that `classroom export` takes too (there, SUPPRESS: an option given
    before `export` is not reset by the subcommand's default)."""
    options = argparse.ArgumentParser(add_help=False, argument_default=default)
    options.add_argument("--data-dir", type=Path, help="the room's database (default: .classroom/)")
    options.add_argument("--lang", help="language of the lines printed and of the export (default: fr)")
    return options


def _notes(command: str) -> tuple[str | None, str]:
    """What a command says after its error lines, and when Ctrl-C stops it."""
    if command == "build":
        return t("cli.build.failed"), t("cli.build.interrupted")
    return None, t("cli.interrupted")


def _run(args: argparse.Namespace) -> int:
    if args.command == "build":
        from .pipeline.build import build

        build(
            args.out,
            args.jobs,
            args.cell_timeout,
            single_file=args.single_file,
            use_cache=not args.no_cache,
            cache_dir=args.cache_dir,
            langs=args.lang,
        )
        return 0
    if args.command == "translations":
        from .pipeline.translate import main as translations_main

        return translations_main(args.check)
    if args.command == "pdf":
        from .pipeline.pdf import main as pdf_main

        return pdf_main(args.build, args.out, args.decks, args.notes, args.timeout)
    if args.command == "student":
        from .pipeline.student import main as student_main

        return student_main(args.out)
    if args.command == "facts":
        from .pipeline.facts_command import main as facts_main

        return facts_main(args.format, args.out)
    if args.command == "present":
        from .live.present import main as present_main

        return present_main(not args.no_browser, args.port, args.live_dir, args.lang)
    if args.command == "lite":
        from .pipeline.lite import main as lite_main

        return lite_main(args.build, force=args.force)
    if args.command == "serve":
        from .serve import main as serve_main

        return serve_main(args.build, args.port, args.lan)
    if args.command == "classroom" and args.classroom_action == "export":
        from .classroom.export import main as export_main

        return export_main(args.data_dir, args.out, args.session, args.lang)
    if args.command == "classroom":
        from .classroom.server import main as classroom_main

        return classroom_main(
            args.build, args.port, args.lan, args.host, args.new, args.data_dir, not args.no_browser, args.lang
        )
    if args.command == "check-env":
        from .checkenv import main as checkenv_main

        return checkenv_main()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
