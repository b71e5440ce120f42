"""`classroom export`: the room's results for the training report, one CSV file per session.

`.classroom/export/session-<N>-<date>.csv` (or `--out`), UTF-8 with a byte-order mark (so that a
spreadsheet opens the accents right), one row per choice of every question voted on, in the order
the votes were opened:

| column | what |
|---|---|
| `session`, `session_started` | the session's number, when it began (ISO 8601, local time) |
| `question`, `kind`, `prompt` | the question's id in `assets/data/quizzes.yaml`, `single` or `order`, its text |
| `letter`, `choice` | the choice as the slide shows it (A, B, …) and its text |
| `correct` | `yes` for the right choice; for an order question, the step's right place (1, 2, …) |
| `count` | devices that chose it; for an order question, that put this step at its right place |
| `answers` | devices that answered the question |
| `opened`, `closed`, `time` | when its vote was (last) opened and closed, and its last answer |

The texts are in `--lang` (default French). Nothing is written for a session without votes.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from .. import messages
from ..errors import DeckError, say
from ..messages import DEFAULT_LANG, t
from . import polls
from .server import data_dir
from .store import FILE, Session, Store

COLUMNS = ("session", "session_started", "question", "kind", "prompt", "letter", "choice", "correct",
           "count", "answers", "opened", "closed", "time")


def when(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return datetime.datetime.fromtimestamp(seconds).astimezone().isoformat(timespec="seconds")


def rows(store: Store, session: Session, lang: str) -> list[dict]:
    answers = store.answers(session.id)
    found = []
    for qid, vote in store.votes(session.id).items():
        poll = polls.poll(qid)
        given = answers.get(qid, {})
        counts = poll.counts(choice for choice, _ in given.values())
        last = max((at for _, at in given.values()), default=None)
        for index in poll.question.shown_order():
            if poll.kind == "single":
                correct = "yes" if index == poll.question.answer else "no"
            else:
                correct = str(index + 1)
            found.append({
                "session": session.id, "session_started": when(session.started), "question": qid,
                "kind": poll.kind, "prompt": poll.question.prompt.text(lang), "letter": poll.letter(index),
                "choice": poll.question.choices[index].text(lang), "correct": correct, "count": counts[index],
                "answers": len(given), "opened": when(vote.opened), "closed": when(vote.closed), "time": when(last),
            })
    return found


def main(folder: Path | None = None, out: Path | None = None, session: int | None = None, lang: str | None = None) -> int:
    lang = lang or DEFAULT_LANG
    if lang not in messages.languages():
        raise DeckError(f"--lang {lang}: no such language (the languages: {', '.join(messages.languages())})")
    messages.use(lang)
    path = data_dir(folder) / FILE
    if not path.is_file():
        raise DeckError(f"{path}: no room database yet (`make classroom` makes it)")
    store = Store(path)
    try:
        sessions = store.sessions()
        if session is not None:
            sessions = [s for s in sessions if s.id == session]
            if not sessions:
                raise DeckError(f"{path}: no session {session} (the sessions: {', '.join(str(s.id) for s in store.sessions())})")
        out = (out or path.parent / "export").resolve()
        out.mkdir(parents=True, exist_ok=True)
        written = 0
        for item in sessions:
            found = rows(store, item, lang)
            if not found:
                continue
            day = datetime.datetime.fromtimestamp(item.started).strftime("%Y-%m-%d")
            target = out / f"session-{item.id}-{day}.csv"
            with target.open("w", encoding="utf-8-sig", newline="") as stream:
                writer = csv.DictWriter(stream, COLUMNS)
                writer.writeheader()
                writer.writerows(found)
            say(t("cli.classroom.exported", path=target, count=len({row["question"] for row in found})))
            written += 1
        if not written:
            say(t("cli.classroom.nothing_to_export", path=path))
    finally:
        store.close()
    return 0
