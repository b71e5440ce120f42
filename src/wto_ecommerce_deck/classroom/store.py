"""The room's votes on disk: one SQLite file (the standard library's `sqlite3`), in WAL mode.

`make classroom` keeps it at `.classroom/room.sqlite3` (git-ignored, readable by its owner only).
Every change is committed before the server answers the request that made it, so a server that is
stopped, killed or crashes loses nothing, and the next start resumes the session where it was
(`room.Room`). WAL with `synchronous=NORMAL`: a commit is a write to the log, without an fsync
(the log is synced at checkpoints): a killed process loses nothing, since what it committed is in
the operating system's cache; only a power cut can lose the last commits (docs/maintainers.md).

The tables:

* `session`: one per `make classroom --new` (the first start makes one): its room code, the
  trainer's token, when it began, the question the room follows (`current`);
* `device`: the anonymous devices that gave the room code (a random id in a cookie; nothing else
  is known about them);
* `vote`: per question voted on: open or closed, revealed or not, when it was opened and closed;
* `answer`: one row per device and question (an answer changed replaces the row).

No other module writes SQL. A file that is not such a database is a `DeckError` naming it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import DeckError

FILE = "room.sqlite3"
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS session (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    token TEXT NOT NULL,
    started REAL NOT NULL,
    current TEXT
);
CREATE TABLE IF NOT EXISTS device (
    id TEXT PRIMARY KEY,
    session INTEGER NOT NULL REFERENCES session(id),
    joined REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS vote (
    session INTEGER NOT NULL REFERENCES session(id),
    question TEXT NOT NULL,
    open INTEGER NOT NULL,
    revealed INTEGER NOT NULL,
    opened REAL NOT NULL,
    closed REAL,
    PRIMARY KEY (session, question)
);
CREATE TABLE IF NOT EXISTS answer (
    session INTEGER NOT NULL REFERENCES session(id),
    question TEXT NOT NULL,
    device TEXT NOT NULL REFERENCES device(id),
    choice TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (session, question, device)
);
"""


@dataclass(frozen=True)
class Session:
    id: int
    code: str  # the room code, six digits
    token: str  # the trainer's token
    started: float  # seconds since the epoch
    current: str | None = None  # the question the room follows


@dataclass
class Vote:
    question: str
    open: bool
    revealed: bool
    opened: float
    closed: float | None = None


class Store:
    """The database file, opened once by the server (one connection, used by its event loop)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists()
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            if fresh:
                os.chmod(self.path, 0o600)  # the trainer's token is in it
            mode = self.db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=5000")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise DeckError(f"{self.path}: a room database of version {version}, this program reads version {SCHEMA_VERSION}")
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise DeckError(f"{self.path}: not a room database ({exc}); move it away to start afresh") from None
        except OSError as exc:
            raise DeckError(f"{self.path}: cannot open ({exc.strerror})") from None
        if mode != "wal":
            raise DeckError(f"{self.path}: SQLite refused the WAL journal (got {mode!r}): is the folder on a network share?")

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- sessions ---

    def sessions(self) -> list[Session]:
        rows = self.db.execute("SELECT id, code, token, started, current FROM session ORDER BY id").fetchall()
        return [Session(*row) for row in rows]

    def latest_session(self) -> Session | None:
        row = self.db.execute("SELECT id, code, token, started, current FROM session ORDER BY id DESC LIMIT 1").fetchone()
        return Session(*row) if row else None

    def new_session(self, code: str, token: str, started: float) -> Session:
        cursor = self.db.execute("INSERT INTO session (code, token, started) VALUES (?, ?, ?)", (code, token, started))
        return Session(cursor.lastrowid, code, token, started)

    def set_current(self, session: int, question: str | None) -> None:
        self.db.execute("UPDATE session SET current = ? WHERE id = ?", (question, session))

    # --- devices ---

    def add_device(self, session: int, device: str, joined: float) -> None:
        self.db.execute("INSERT INTO device (id, session, joined) VALUES (?, ?, ?)", (device, session, joined))

    def devices(self, session: int) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT id FROM device WHERE session = ?", (session,))}

    # --- votes and answers ---

    def votes(self, session: int) -> dict[str, Vote]:
        rows = self.db.execute(
            "SELECT question, open, revealed, opened, closed FROM vote WHERE session = ? ORDER BY opened", (session,)
        )
        return {q: Vote(q, bool(o), bool(r), opened, closed) for q, o, r, opened, closed in rows}

    def save_vote(self, session: int, vote: Vote, current: str | None) -> None:
        """The vote and the question the room follows, together."""
        with self.transaction() as db:
            self._write_vote(db, session, vote, current)

    @staticmethod
    def _write_vote(db: sqlite3.Connection, session: int, vote: Vote, current: str | None) -> None:
        db.execute(
            "INSERT INTO vote (session, question, open, revealed, opened, closed) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (session, question) DO UPDATE SET open = excluded.open, revealed = excluded.revealed,"
            " opened = excluded.opened, closed = excluded.closed",
            (session, vote.question, int(vote.open), int(vote.revealed), vote.opened, vote.closed),
        )
        db.execute("UPDATE session SET current = ? WHERE id = ?", (current, session))

    def answers(self, session: int) -> dict[str, dict[str, tuple[str, float]]]:
        """question → device → (choice, time)."""
        found: dict[str, dict[str, tuple[str, float]]] = {}
        for question, device, choice, at in self.db.execute(
            "SELECT question, device, choice, at FROM answer WHERE session = ? ORDER BY at", (session,)
        ):
            found.setdefault(question, {})[device] = (choice, at)
        return found

    def save_answer(self, session: int, question: str, device: str, choice: str, at: float) -> None:
        self.db.execute(
            "INSERT INTO answer (session, question, device, choice, at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (session, question, device) DO UPDATE SET choice = excluded.choice, at = excluded.at",
            (session, question, device, choice, at),
        )

    def reset(self, session: int, vote: Vote, current: str | None) -> None:
        """A vote started again: its answers deleted, its state saved, in one transaction."""
        with self.transaction() as db:
            db.execute("DELETE FROM answer WHERE session = ? AND question = ?", (session, vote.question))
            self._write_vote(db, session, vote, current)
