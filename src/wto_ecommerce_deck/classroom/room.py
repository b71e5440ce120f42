"""One session of votes: who may answer, which question is open, what the room answered.

The state lives in the database (`store.py`) and, for speed, in memory: every change is written
first, then applied to the copy in memory, which the views are made from. A new `Room` on the same
file resumes the latest session (its code, token, votes and answers), unless `new=True`.

The rules:

* A device joins with the room code; it is then known by a random id (a cookie) and nothing else.
* The room follows one question at a time (`current`): the last one the trainer opened. Opening
  another closes the one before. Only the current question, while its vote is open, takes answers;
  a device may change its answer until the vote closes (one answer per device and question).
* `reveal` closes the vote and shows the right answer and the counts on the phones; `reset`
  deletes the question's answers and opens its vote again; `close` and `open` close and reopen.

Every refusal is a `RoomError` with its HTTP status (`polls.py`); nothing is stored then.
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from typing import Any, Callable

from ..messages import t
from . import polls
from .polls import Poll, RoomError
from .store import Session, Store, Vote

CODE_DIGITS = 6
ACTIONS = ("open", "close", "reveal", "reset")
_SPACES = re.compile(r"[\s\u00a0\u202f.-]")


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def shown_code(code: str) -> str:
    """« 482 913 »: easier to read out and to copy from a projector."""
    return f"{code[:3]}\u00a0{code[3:]}"


class Room:
    def __init__(self, store: Store, new: bool = False, clock: Callable[[], float] = time.time):
        self.store = store
        self.clock = clock
        session = None if new else store.latest_session()
        self.resumed = session is not None
        if session is None:
            session = store.new_session(new_code(), secrets.token_urlsafe(24), clock())
        self.session: Session = session
        self.devices = store.devices(session.id)
        self.votes: dict[str, Vote] = store.votes(session.id)
        self.answers: dict[str, dict[str, tuple[str, float]]] = store.answers(session.id)
        self.current: str | None = session.current
        self.seq = 0  # answers stored since this server started: the trainer's stream carries it
        # per question: the counts per choice and the right answers, kept up to date at each answer
        # (the trainer's view is made at every answer: it must not count them all again)
        self._tally: dict[str, tuple[list[int], int]] = {}
        for qid, given in self.answers.items():
            for choice, _ in given.values():
                self._count(qid, choice, +1)

    # --- who ---

    def code_is(self, given: Any) -> bool:
        return isinstance(given, str) and hmac.compare_digest(_SPACES.sub("", given).encode(), self.session.code.encode())

    def token_is(self, given: Any) -> bool:
        return isinstance(given, str) and hmac.compare_digest(given.encode(), self.session.token.encode())

    def join(self) -> str:
        """A new anonymous device of this session (its id goes into the device's cookie)."""
        device = secrets.token_urlsafe(16)
        self.store.add_device(self.session.id, device, self.clock())
        self.devices.add(device)
        return device

    def knows(self, device: Any) -> bool:
        return isinstance(device, str) and device in self.devices

    # --- answers ---

    def answer(self, device: str, question: Any, choice: Any) -> int:
        """Store a device's answer to the open question; its sequence number. RoomError when refused."""
        poll = polls.poll(question)
        vote = self.votes.get(poll.id)
        if poll.id != self.current or vote is None or not vote.open:
            raise RoomError("the vote on this question is not open", 409)
        stored = poll.parse(choice)
        at = self.clock()
        self.store.save_answer(self.session.id, poll.id, device, stored, at)
        given = self.answers.setdefault(poll.id, {})
        if device in given:
            self._count(poll.id, given[device][0], -1)
        given[device] = (stored, at)
        self._count(poll.id, stored, +1)
        self.seq += 1
        return self.seq

    def _count(self, question: str, stored: str, sign: int) -> None:
        poll = polls.poll(question)
        counts, right = self._tally.get(question) or ([0] * poll.size, 0)
        for index, n in enumerate(poll.counts([stored])):
            counts[index] += sign * n
        self._tally[question] = (counts, right + sign * poll.is_right(stored))

    def tally(self, question: str) -> tuple[list[int], int]:
        """The counts per choice (`Poll.counts`) and the number of right answers of a question."""
        counts, right = self._tally.get(question) or ([0] * polls.poll(question).size, 0)
        return list(counts), right

    def mine(self, device: str) -> int | list[int] | None:
        """The device's answer to the current question, as it sent it."""
        found = self.answers.get(self.current or "", {}).get(device)
        return Poll.load(found[0]) if found else None

    # --- the trainer ---

    def act(self, question: Any, action: Any) -> Vote:
        poll = polls.poll(question)
        if action not in ACTIONS:
            raise RoomError(f"unknown action (one of: {', '.join(ACTIONS)})", 422)
        now = self.clock()
        vote = self.votes.get(poll.id)
        if action in ("open", "reset"):
            previous = self.votes.get(self.current or "")
            if previous is not None and previous.question != poll.id and previous.open:
                self._save(Vote(previous.question, False, previous.revealed, previous.opened, now), self.current)
            fresh = Vote(poll.id, True, False, now if vote is None or action == "reset" else vote.opened)
            if action == "reset":
                self.store.reset(self.session.id, fresh, poll.id)
                self.answers.pop(poll.id, None)
                self._tally.pop(poll.id, None)
                self.votes[poll.id] = fresh
                self.current = poll.id
            else:
                self._save(fresh, poll.id)
            return fresh
        if vote is None:
            raise RoomError("this question's vote was never opened", 409)
        closed = Vote(poll.id, False, vote.revealed or action == "reveal", vote.opened, vote.closed if not vote.open else now)
        self._save(closed, self.current)
        return closed

    def _save(self, vote: Vote, current: str | None) -> None:
        self.store.save_vote(self.session.id, vote, current)
        self.votes[vote.question] = vote
        self.current = current

    # --- views ---

    def trainer_view(self, connected: int) -> dict:
        """What the trainer's deck shows: every vote, its counts, the right answer once revealed."""
        votes = {}
        for qid, vote in self.votes.items():
            counts, right = self.tally(qid)
            entry = {"open": vote.open, "revealed": vote.revealed, "answers": len(self.answers.get(qid, ())), "counts": counts}
            if vote.revealed:
                entry["right"] = polls.poll(qid).right
                entry["right_answers"] = right
            votes[qid] = entry
        return {"session": self.session.id, "seq": self.seq, "current": self.current, "connected": connected,
                "devices": len(self.devices), "votes": votes}

    def participant_view(self, lang: str) -> dict:
        """What every phone shows (the same for all, in `lang`): the current question, and the
        counts and the right answer once revealed."""
        vote = self.votes.get(self.current or "")
        if vote is None:
            return {"joined": True, "question": None}
        poll = polls.poll(vote.question)
        view = {"joined": True, "question": poll.public(lang), "open": vote.open, "revealed": vote.revealed, "result": None}
        if vote.revealed:
            view["result"] = {
                "answers": len(self.answers.get(poll.id, ())),
                "counts": self.tally(poll.id)[0],
                "right": poll.right,
                "feedback": poll.question.feedback.text(lang),
            }
        return view

    def summary(self, lang: str) -> dict:
        """The session's votes in a few words, for the « Sources » slide (words of `room.summary`):
        the totals, then each question, the least often answered right first."""
        ranked = []  # (share answered right, row)
        total = right = 0
        for qid in self.votes:
            answers, good = len(self.answers.get(qid, ())), self.tally(qid)[1]
            total += answers
            right += good
            ranked.append((good / answers if answers else 1.0, {
                "id": qid,
                "prompt": polls.poll(qid).question.prompt.text(lang),
                "figures": t("room.summary.question", lang, answers=t("room.summary.answers", lang, count=answers),
                             percent=_percent(good, answers)),
            }))
        line = t(
            "room.summary.line", lang,
            questions=t("room.summary.questions", lang, count=len(ranked)),
            devices=t("room.summary.devices", lang, count=len(self.devices)),
            answers=t("room.summary.answers", lang, count=total),
            percent=_percent(right, total),
        )
        # worst answered first: the questions to come back to (the Sources slide keeps those that fit)
        rows = [row for _, row in sorted(ranked, key=lambda pair: pair[0])]
        return {"title": t("room.summary.title", lang), "line": line, "questions": rows}


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0
