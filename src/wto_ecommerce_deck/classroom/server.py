"""`make classroom` (`python -m wto_ecommerce_deck classroom`): the room's server, until Ctrl-C.

It opens (or creates) the room's database, resumes its latest session (`--new`: a new one, with a
new room code), binds 127.0.0.1 and, with `--lan`, this laptop's address on the room's network,
prints the trainer's address (with the token), the phones' address, the room code and, with
`--lan`, the QR code, opens the trainer's address in the browser, and serves with uvicorn (pure
Python: asyncio and h11) until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import socket
import sys
import webbrowser
from pathlib import Path

from .. import messages
from ..errors import DeckError, interrupt_on_sigterm, say
from ..messages import DEFAULT_LANG, t
from ..paths import repo_root
from ..serve import lan_addresses
from . import polls, qr
from .room import Room, shown_code
from .store import FILE, Store

DEFAULT_PORT = 8080
DATA_DIR = ".classroom"  # git-ignored


def data_dir(folder: Path | None) -> Path:
    return (folder or repo_root() / DATA_DIR).resolve()


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart right after a crash
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise DeckError(f"cannot listen on {host}:{port}: {exc.strerror} (another classroom server? try --port)") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _more_files() -> None:
    """Each phone holds a connection open: raise the soft limit of open files (1024 on many
    systems) to the hard one, as servers do. Not on Windows (no `resource`; its limit is higher)."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            pass


def _lan_host(host: str | None) -> str:
    if host:
        return host
    found = lan_addresses()
    if not found:
        raise DeckError("--lan: this laptop has no address on a local network: join the room's Wi-Fi or start its hotspot, or give --host")
    return found[0]


def main(
    build: Path | None = None,
    port: int = DEFAULT_PORT,
    lan: bool = False,
    host: str | None = None,
    new: bool = False,
    folder: Path | None = None,
    open_browser: bool = True,
    lang: str | None = None,
) -> int:
    import uvicorn

    from .app import Classroom

    lang = lang or DEFAULT_LANG
    if lang not in messages.languages():
        raise DeckError(f"--lang {lang}: no such language (the languages: {', '.join(messages.languages())})")
    messages.use(lang)
    site = (build or repo_root() / "build").resolve()
    if not (site / "index.html").is_file():
        raise DeckError(f"{site}: no decks to serve (run `make slides`)")
    polls.polls()  # the questions, validated: a bad quizzes.yaml stops here, one line per problem
    if host and not lan:
        raise DeckError("--host is the address on the room's network: give it with --lan")
    room_host = _lan_host(host) if lan else None
    store = Store(data_dir(folder) / FILE)
    room = Room(store, new=new)
    _more_files()
    sockets = [_bind("127.0.0.1", port)]
    if room_host and room_host != "127.0.0.1":
        sockets.append(_bind(room_host, port))
    join = f"http://{room_host or '127.0.0.1'}:{port}/join"
    trainer = f"http://127.0.0.1:{port}/trainer?token={room.session.token}&lang={lang}"
    classroom = Classroom(room, site, join, lan)

    answers = sum(len(given) for given in room.answers.values())
    if room.resumed:
        say(t("cli.classroom.resumed", session=room.session.id, count=answers))
    else:
        say(t("cli.classroom.new", session=room.session.id))
    say(t("cli.classroom.database", path=store.path))
    say(t("cli.classroom.trainer", url=trainer))
    say(t("cli.classroom.join", url=join, code=shown_code(room.session.code)))
    if lan:
        say("")
        qr.terminal(f"{join}?code={room.session.code}", sys.stderr)
    else:
        say(t("cli.classroom.local_only"))
    say(t("cli.classroom.stop_hint"))
    if open_browser:
        webbrowser.open(trainer)
    config = uvicorn.Config(
        classroom.app, loop="asyncio", http="h11", ws="none", lifespan="off", log_level="warning",
        access_log=False, timeout_graceful_shutdown=1, server_header=False,
        # a phone answers every minute or so: its connection is kept rather than made again each time
        # (uvicorn's 5 s default made a whole room reconnect at once for every question)
        timeout_keep_alive=120,
    )
    # uvicorn shuts down on SIGINT and SIGTERM, then raises the signal again: here, KeyboardInterrupt
    interrupt_on_sigterm()
    try:
        uvicorn.Server(config).run(sockets=sockets)
    except KeyboardInterrupt:
        pass
    finally:
        for sock in sockets:
            sock.close()
        store.close()
    say(t("cli.classroom.stopped", path=store.path))
    return 0
