"""The room answers back (`make classroom`): the class votes on the deck's quizzes from its phones.

The rules of a session and the store (no server), then the real server started as a trainer starts
it (`classroom.launch`, a child process on 127.0.0.1) and asked over HTTP: every bad input gets its
4xx and stores nothing (the database is read to check), a killed server resumes with its counts,
the trainer's token never reaches a participant, the export writes its CSV. Then, in headless
Chromium with every other host refused, the trainer's deck and three phones (fr, en, es, 360×740):
open a vote, three answers, the chart shows them, reveal, the phones show the result; the server
killed and restarted mid-vote; axe on the phones' page; the deck from a file has no room control.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from markupsafe import escape

from conftest import ROOT
from wto_ecommerce_deck import chromium, cli, messages
from wto_ecommerce_deck.conventions import LETTERS
from wto_ecommerce_deck.classroom import limits, polls
from wto_ecommerce_deck.classroom.app import DEVICE_COOKIE, TRAINER_COOKIE, negotiate
from wto_ecommerce_deck.classroom.launch import Launched, free_port
from wto_ecommerce_deck.classroom.polls import BadChoice, RoomError, UnknownQuestion
from wto_ecommerce_deck.classroom.room import Room
from wto_ecommerce_deck.classroom.store import FILE, Store

# The questions voted on are read from the data (quizzes.yaml changes; its ids with it): a
# single-choice question with at least three choices, another one, and an order question.
_SINGLES = [p for p in polls.polls().values() if p.kind == "single" and p.size >= 3]
SINGLE = _SINGLES[0].id
OTHER = next(p.id for p in polls.polls().values() if p.kind == "single" and p.id != SINGLE)
ORDER = next(p.id for p in polls.polls().values() if p.kind == "order" and p.size >= 3)
RIGHT = polls.poll(SINGLE).right  # its right choice, and two wrong ones
WRONG, WRONG2 = [i for i in range(polls.poll(SINGLE).size) if i != RIGHT][:2]
DECK = polls.poll(SINGLE).question.section  # the section deck that asks it
STEPS = polls.poll(ORDER).size
PAGE = "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>deck</title></head><body></body></html>"


def bars(*choices: int, size: int | None = None) -> list[int]:
    """The bars of SINGLE (or a question of `size` choices) after these answers: how many chose each."""
    return [choices.count(i) for i in range(size or polls.poll(SINGLE).size)]


# --- the rules, without a server ---------------------------------------------------------------


class Clock:
    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_questions_and_their_answers_are_the_quizzes_of_the_data():
    from wto_ecommerce_deck import data

    questions = data.load_facts().questions
    assert list(polls.polls()) == [q.id for q in questions] and {"single", "order"} <= {q.kind for q in questions}
    single = polls.poll(SINGLE)
    assert single.kind == "single" and single.right == single.question.answer
    assert single.is_right(str(RIGHT)) and not single.is_right(str(WRONG))
    order = polls.poll(ORDER)
    assert order.kind == "order" and order.right == list(range(STEPS))  # the file's order is the right one
    assert order.public("es")["choices"][0]["letter"] == "A"
    assert [c["index"] for c in order.public("fr")["choices"]] == list(order.question.shown_order())
    section = [q.id for q in questions if q.section == single.question.section]
    assert single.public("en")["number"] == f"Question {section.index(SINGLE) + 1} of {len(section)}"
    assert "q-nope" not in polls.polls()
    with pytest.raises(UnknownQuestion):
        polls.poll("q-nope")


@pytest.mark.parametrize(
    "question, choice",
    [(SINGLE, -1), (SINGLE, polls.poll(SINGLE).size), (SINGLE, True), (SINGLE, str(RIGHT)), (SINGLE, float(RIGHT)),
     (SINGLE, None), (SINGLE, [RIGHT]), (SINGLE, f"<b>{RIGHT}</b>"),
     (ORDER, list(range(STEPS - 1))), (ORDER, [*range(STEPS - 1), STEPS - 2]), (ORDER, [*range(STEPS - 1), STEPS]),
     (ORDER, [*range(STEPS - 1), True]), (ORDER, ",".join(map(str, range(STEPS)))), (ORDER, 0)],
)
def test_an_answer_that_is_not_one_of_the_questions_choices_is_refused(question, choice):
    with pytest.raises(BadChoice) as refused:
        polls.poll(question).parse(choice)
    assert refused.value.status == 422 and "<" not in str(refused.value)


def test_counts_per_choice_and_per_step_placed_right():
    assert polls.poll(SINGLE).counts([str(RIGHT), str(RIGHT), str(WRONG)]) == bars(RIGHT, RIGHT, WRONG)
    # order: a step counts where an answer put it in its right place. The right order puts every
    # step right; the first two swapped, all but those two; reversed, only a middle step (odd count)
    steps = list(range(STEPS))
    answers = [steps, [1, 0, *steps[2:]], steps[::-1]]
    expected = [1 + (i >= 2) + (i == STEPS - 1 - i) for i in steps]
    assert polls.poll(ORDER).counts([",".join(map(str, a)) for a in answers]) == expected


def make_room(tmp_path: Path, clock=None, new=False) -> Room:
    return Room(Store(tmp_path / FILE), new=new, clock=clock or Clock())


def test_the_room_takes_one_answer_per_device_on_the_open_question_only(tmp_path):
    room = make_room(tmp_path)
    phone, other = room.join(), room.join()
    with pytest.raises(RoomError) as refused:
        room.answer(phone, SINGLE, 2)  # nothing opened yet
    assert refused.value.status == 409
    room.act(SINGLE, "open")
    room.answer(phone, SINGLE, WRONG)
    room.answer(phone, SINGLE, RIGHT)  # changed: replaces the first
    room.answer(other, SINGLE, WRONG2)
    assert room.mine(phone) == RIGHT and room.tally(SINGLE) == (bars(RIGHT, WRONG2), 1)
    with pytest.raises(RoomError) as refused:
        room.answer(phone, OTHER, 0)  # not the current question
    assert refused.value.status == 409
    room.act(OTHER, "open")  # opening another closes the one before
    assert room.current == OTHER and not room.votes[SINGLE].open
    with pytest.raises(RoomError):
        room.answer(phone, SINGLE, WRONG)
    room.act(SINGLE, "open")  # reopened: its answers are still there
    assert room.mine(phone) == RIGHT
    room.act(SINGLE, "reveal")  # closes the vote
    assert room.votes[SINGLE].revealed and not room.votes[SINGLE].open
    view = room.trainer_view(connected=2)["votes"][SINGLE]
    assert view["right"] == RIGHT and view["right_answers"] == 1 and view["answers"] == 2
    phones = room.participant_view("en")
    assert phones["revealed"] and phones["result"]["counts"] == bars(RIGHT, WRONG2)
    assert phones["result"]["feedback"] == polls.poll(SINGLE).question.feedback.text("en")
    room.act(SINGLE, "reset")  # the answers deleted, the vote open again
    assert room.tally(SINGLE) == (bars(), 0) and room.votes[SINGLE].open and not room.votes[SINGLE].revealed
    with pytest.raises(RoomError) as refused:
        room.act(SINGLE, "delete")
    assert refused.value.status == 422


def test_the_counts_kept_at_each_answer_are_the_counts_of_the_answers_stored(tmp_path):
    """The room counts as answers come and change (O(1) each); a restart counts them from the file."""
    import random

    rng = random.Random(18)
    room = make_room(tmp_path)
    devices = [room.join() for _ in range(12)]
    for question in (SINGLE, ORDER):
        room.act(question, "open")
        poll = polls.poll(question)
        for _ in range(60):
            choice = rng.randrange(poll.size) if poll.kind == "single" else rng.sample(range(poll.size), poll.size)
            room.answer(rng.choice(devices), question, choice)
        stored = [choice for choice, _ in room.answers[question].values()]
        expected = (poll.counts(stored), sum(poll.is_right(c) for c in stored))
        assert room.tally(question) == expected
        room.store.close()
        room = make_room(tmp_path)
        assert room.tally(question) == expected


def test_a_new_room_on_the_same_file_resumes_the_session(tmp_path):
    room = make_room(tmp_path)
    phone = room.join()
    room.act(SINGLE, "open")
    room.answer(phone, SINGLE, RIGHT)
    room.store.close()
    again = make_room(tmp_path)
    same = lambda s: (s.id, s.code, s.token, s.started)  # noqa: E731
    assert again.resumed and same(again.session) == same(room.session)  # same number, code, token
    assert again.knows(phone) and again.current == SINGLE and again.votes[SINGLE].open
    assert again.mine(phone) == RIGHT
    fresh = make_room(tmp_path, new=True)
    assert not fresh.resumed and fresh.session.id == room.session.id + 1 and fresh.session.code != "" and not fresh.knows(phone)
    assert fresh.store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_file_that_is_not_a_room_database_is_one_line_naming_it(tmp_path):
    from wto_ecommerce_deck.errors import DeckError

    path = tmp_path / FILE
    path.write_bytes(b"not a database, just bytes " * 100)
    with pytest.raises(DeckError) as refused:
        Store(path)
    assert refused.value.lines == [f"{path}: not a room database (file is not a database); move it away to start afresh"]


def test_the_codes_are_six_digits_read_with_or_without_spaces(tmp_path):
    room = make_room(tmp_path)
    code = room.session.code
    assert len(code) == 6 and code.isdigit()
    assert room.code_is(code) and room.code_is(f"{code[:3]} {code[3:]}") and room.code_is(f"{code[:3]}\u00a0{code[3:]}")
    assert not room.code_is(code[:5]) and not room.code_is(None) and not room.code_is(int(code) if code[0] != "0" else 1)


def test_a_bucket_gives_its_burst_then_its_rate():
    clock = Clock(0.0)
    buckets = limits.Buckets(burst=3, rate=2, clock=clock)
    assert [buckets.allow("a") for _ in range(4)] == [True, True, True, False]
    assert buckets.allow("b") and buckets.retry_after("a") == 1
    clock.now = 0.5  # one more token
    assert buckets.allow("a") and not buckets.allow("a")


@pytest.mark.parametrize(
    "header, lang",
    [("es-ES,es;q=0.9,en;q=0.8", "es"), ("en-US,en;q=0.9", "en"), ("de-DE,de;q=0.9,en;q=0.5", "en"),
     ("de, it", "fr"), (None, "fr"), ("fr;q=0.2, es;q=0.8", "es"), ("es;q=0, en", "en"), ("en;q=bad, es", "es")],
)
def test_the_phones_page_speaks_the_browsers_language(header, lang):
    assert negotiate(header) == lang


# --- the real server, over HTTP ------------------------------------------------------------------


@pytest.fixture
def site(tmp_path) -> Path:
    """A folder with an index and a deck's page: what the server serves around the room."""
    folder = tmp_path / "site"
    (folder / "slides" / "fr").mkdir(parents=True)
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    (folder / "slides" / "fr" / f"{DECK}.html").write_text(PAGE, encoding="utf-8")
    return folder


@pytest.fixture
def server(site, tmp_path):
    with Launched(site, tmp_path / "data") as launched:
        yield launched


def trainer(server: Launched) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}, timeout=10)


def phone(server: Launched, join: bool = True) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=10)
    if join:
        assert client.post("/api/join", json={"code": server.code}).status_code == 200
    return client


def stored(server: Launched) -> dict:
    """Every row of the room's database, read beside the running server."""
    db = sqlite3.connect(f"file:{server.data / FILE}?mode=ro", uri=True)
    try:
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in ("session", "device", "vote", "answer")}
    finally:
        db.close()


def first_event(client: httpx.Client, path: str) -> str:
    with client.stream("GET", path) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                return line[len("data: "):]
    raise AssertionError("no event")


def test_every_bad_input_gets_its_4xx_and_nothing_is_stored(server):
    boss = trainer(server)
    assert boss.post("/api/trainer/vote", json={"question": SINGLE, "action": "open"}).status_code == 200
    joined = phone(server)
    assert joined.post("/api/answer", json={"question": SINGLE, "choice": WRONG}).status_code == 200
    stranger = phone(server, join=False)
    forged = httpx.Client(base_url=server.url, cookies={DEVICE_COOKIE: "made-up-device-id"}, timeout=10)
    wrong = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer not-the-token"}, timeout=10)
    markup = '<img src=x onerror="alert(1)">'
    too_big = {"question": SINGLE, "choice": RIGHT, "padding": "x" * limits.BODY_LIMIT}
    cases = [
        ("bad room code", lambda: stranger.post("/api/join", json={"code": "000000" if server.code != "000000" else "111111"}), 403),
        ("HTML as the room code", lambda: stranger.post("/api/join", json={"code": markup}), 403),
        ("join: not JSON", lambda: stranger.post("/api/join", content=b"code=1", headers={"Content-Type": "application/json"}), 400),
        ("join: a form", lambda: stranger.post("/api/join", data={"code": server.code}), 415),
        ("join: oversize body", lambda: stranger.post("/api/join", json={"code": server.code, "x": "y" * 2000}), 413),
        ("answer without joining", lambda: stranger.post("/api/answer", json={"question": SINGLE, "choice": RIGHT}), 403),
        ("answer from a forged device", lambda: forged.post("/api/answer", json={"question": SINGLE, "choice": RIGHT}), 403),
        ("unknown question", lambda: joined.post("/api/answer", json={"question": "q-nope", "choice": RIGHT}), 404),
        ("HTML as the question", lambda: joined.post("/api/answer", json={"question": markup, "choice": RIGHT}), 404),
        ("unknown choice", lambda: joined.post("/api/answer", json={"question": SINGLE, "choice": polls.poll(SINGLE).size}), 422),
        ("HTML as the choice", lambda: joined.post("/api/answer", json={"question": SINGLE, "choice": markup}), 422),
        ("question not open", lambda: joined.post("/api/answer", json={"question": OTHER, "choice": 0}), 409),
        ("oversize body", lambda: joined.post("/api/answer", json=too_big), 413),
        ("not JSON", lambda: joined.post("/api/answer", content=b"{question", headers={"Content-Type": "application/json"}), 400),
        ("not an object", lambda: joined.post("/api/answer", json=[SINGLE, RIGHT]), 400),
        ("no JSON type", lambda: joined.post("/api/answer", content=json.dumps({"question": SINGLE, "choice": RIGHT})), 415),
        ("trainer route without token", lambda: stranger.get("/api/trainer/room"), 401),
        ("trainer vote without token", lambda: joined.post("/api/trainer/vote", json={"question": OTHER, "action": "open"}), 401),
        ("trainer stream without token", lambda: joined.get("/api/trainer/stream"), 401),
        ("trainer QR code without token", lambda: joined.get("/api/trainer/qr.svg"), 401),
        ("trainer summary without token", lambda: joined.get("/api/trainer/summary"), 401),
        ("trainer vote, bad token", lambda: wrong.post("/api/trainer/vote", json={"question": OTHER, "action": "open"}), 403),
        ("trainer login, bad token", lambda: stranger.get("/trainer", params={"token": "guess"}), 403),
        ("trainer vote, unknown question", lambda: boss.post("/api/trainer/vote", json={"question": markup, "action": "open"}), 404),
        ("trainer vote, unknown action", lambda: boss.post("/api/trainer/vote", json={"question": OTHER, "action": "<b>"}), 422),
        ("trainer vote, never opened", lambda: boss.post("/api/trainer/vote", json={"question": ORDER, "action": "reveal"}), 409),
    ]
    results = []
    for name, send, expected in cases:
        before = stored(server)
        response = send()
        results.append((name, response.status_code, stored(server) == before, markup not in response.text))
    assert results == [(name, expected, True, True) for name, _, expected in cases]
    assert [row[3] for row in stored(server)["answer"]] == [str(WRONG)]  # the one answer given before
    assert TRAINER_COOKIE not in stranger.cookies and DEVICE_COOKIE not in stranger.cookies
    # an order question: its steps, each once
    assert boss.post("/api/trainer/vote", json={"question": ORDER, "action": "open"}).status_code == 200
    before = stored(server)
    assert joined.post("/api/answer", json={"question": ORDER, "choice": [0, 0, *range(2, STEPS)]}).status_code == 422
    assert stored(server) == before
    assert phone(server).post("/api/answer", json={"question": ORDER, "choice": [1, 0, *range(2, STEPS)]}).status_code == 200


def test_too_many_requests_from_one_device_are_refused_and_not_stored(server):
    trainer(server).post("/api/trainer/vote", json={"question": SINGLE, "action": "open"})
    client = phone(server)
    accepted = refused = None
    for i in range(40):
        choice = i % 2  # alternate, so that a refused answer differs from the last stored one
        response = client.post("/api/answer", json={"question": SINGLE, "choice": choice})
        if response.status_code == 429:
            refused = choice
            assert int(response.headers["retry-after"]) >= 1
            break
        assert response.status_code == 200
        accepted = choice
    assert refused is not None and accepted is not None and refused != accepted
    assert [row[3] for row in stored(server)["answer"]] == [str(accepted)]


def test_guessing_the_code_or_the_token_is_stopped_after_ten_tries(server):
    guesser = phone(server, join=False)
    codes = [f"{n:06d}" for n in range(20) if f"{n:06d}" != server.code][:10]
    assert [guesser.post("/api/join", json={"code": code}).status_code for code in codes] == [403] * 10
    blocked = guesser.post("/api/join", json={"code": server.code})  # even the right one, for a while
    assert blocked.status_code == 429 and 1 <= int(blocked.headers["retry-after"]) <= 6
    assert guesser.get("/trainer", params={"token": server.token}).status_code == 429
    assert stored(server)["device"] == []


def test_the_trainer_token_reaches_no_participant(server):
    boss = trainer(server)
    boss.post("/api/trainer/vote", json={"question": SINGLE, "action": "open"})
    client = phone(server, join=False)
    seen = [client.get("/join"), client.get("/room/join.js"), client.get("/room/join.css"), client.get("/"),
            client.get(f"/slides/fr/{DECK}.html"), client.post("/api/join", json={"code": server.code}),
            client.get("/api/state"), client.post("/api/answer", json={"question": SINGLE, "choice": RIGHT})]
    boss.post("/api/trainer/vote", json={"question": SINGLE, "action": "reveal"})
    event = first_event(client, "/api/stream?lang=es")
    for response in seen:
        assert response.status_code == 200, response.url
        assert server.token not in response.text and server.token not in str(response.headers), response.url
    assert server.token not in event and json.loads(event)["result"]["right"] == RIGHT
    # the deck the trainer's browser asks for carries the room's config; the same page to anyone else does not
    login = httpx.get(f"{server.url}/trainer", params={"token": server.token, "lang": "fr"})
    assert login.status_code == 303 and login.headers["location"] == "/index.html"
    cookie = login.cookies[TRAINER_COOKIE]
    assert "httponly" in login.headers["set-cookie"].lower() and "samesite=strict" in login.headers["set-cookie"].lower()
    deck = httpx.get(f"{server.url}/slides/fr/{DECK}.html", cookies={TRAINER_COOKIE: cookie})
    assert 'id="deck-room"' in deck.text and server.token not in deck.text and server.code not in deck.text
    assert 'id="deck-room"' not in seen[4].text
    page = seen[0]
    assert "default-src 'none'" in page.headers["content-security-policy"] and "script-src 'self'" in page.headers["content-security-policy"]


def test_the_phones_page_speaks_the_language_asked_for(server):
    client = phone(server, join=False)
    for header, lang in (("es-ES,es;q=0.9", "es"), ("en-GB", "en"), ("de", "fr")):
        page = client.get("/join", headers={"Accept-Language": header}).text
        assert f'<html lang="{lang}">' in page and str(escape(messages.t("room.join.heading", lang))) in page
    assert '<html lang="es">' in client.get("/join?lang=es", headers={"Accept-Language": "en"}).text


def test_a_server_killed_mid_vote_restarts_with_its_counts(server):
    boss = trainer(server)
    boss.post("/api/trainer/vote", json={"question": SINGLE, "action": "open"})
    phones = [phone(server) for _ in range(3)]
    for client, choice in zip(phones, (RIGHT, RIGHT, WRONG)):
        assert client.post("/api/answer", json={"question": SINGLE, "choice": choice}).status_code == 200
    server.kill()
    with pytest.raises(httpx.TransportError):
        boss.get("/api/trainer/room")
    server.start()
    view = json.loads(first_event(boss, "/api/trainer/stream"))
    assert view["current"] == SINGLE and view["votes"][SINGLE]["counts"] == bars(RIGHT, RIGHT, WRONG) and view["votes"][SINGLE]["open"]
    assert any("reprise" in line for line in server.lines)
    # the phones go on where they were: same cookie, same vote
    assert phones[0].post("/api/answer", json={"question": SINGLE, "choice": WRONG2}).status_code == 200
    assert json.loads(first_event(boss, "/api/trainer/stream"))["votes"][SINGLE]["counts"] == bars(WRONG2, RIGHT, WRONG)


def test_export_writes_one_csv_per_session(server, tmp_path):
    boss = trainer(server)
    boss.post("/api/trainer/vote", json={"question": SINGLE, "action": "open"})
    for choice in (RIGHT, RIGHT, WRONG):
        phone(server).post("/api/answer", json={"question": SINGLE, "choice": choice})
    boss.post("/api/trainer/vote", json={"question": ORDER, "action": "open"})
    # every step right but the last two, swapped
    phone(server).post("/api/answer", json={"question": ORDER, "choice": [*range(STEPS - 2), STEPS - 1, STEPS - 2]})
    out = tmp_path / "export"
    result = subprocess.run(
        [sys.executable, "-m", "wto_ecommerce_deck", "classroom", "export", "--data-dir", str(server.data), "--out", str(out)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    (written,) = out.glob("session-1-*.csv")
    assert str(written) in result.stderr
    text = written.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    single = [r for r in rows if r["question"] == SINGLE]
    assert [(r["letter"], r["count"], r["correct"]) for r in single] == [
        (LETTERS[i], str(n), "yes" if i == RIGHT else "no") for i, n in enumerate(bars(RIGHT, RIGHT, WRONG))
    ]
    assert {r["answers"] for r in single} == {"3"} and single[RIGHT]["choice"] == polls.poll(SINGLE).question.choices[RIGHT].text("fr")
    assert all(r["time"] and r["opened"] and r["session_started"] for r in rows)
    order = {r["correct"]: r["count"] for r in rows if r["question"] == ORDER}  # the step's right place → placed right
    assert order == {str(place): "1" if place <= STEPS - 2 else "0" for place in range(1, STEPS + 1)}


def test_the_classroom_command_refuses_bad_input_in_one_line(tmp_path, site, capsys):
    def run(*args) -> tuple[int, str]:
        """The command's main() in this process: what it prints on stderr and its exit status
        (the command in its own process is `Launched`, and the port already taken below)."""
        status = cli.main(["classroom", *args])
        return status, capsys.readouterr().err

    status, said = run("--no-browser", "--build", str(tmp_path / "nowhere"), "--data-dir", str(tmp_path / "d"))
    assert status == 1 and said.splitlines()[0] == f"error: {tmp_path / 'nowhere'}: no decks to serve (run `make slides`)"
    status, said = run("--no-browser", "--build", str(site), "--lang", "xx", "--data-dir", str(tmp_path / "d"))
    assert status == 1 and "error: --lang xx: no such language" in said
    status, said = run("export", "--data-dir", str(tmp_path / "f"))
    assert status == 1 and "no room database yet" in said
    with Launched(site, tmp_path / "d") as first:
        busy = subprocess.run([sys.executable, "-m", "wto_ecommerce_deck", "classroom", "--no-browser", "--build", str(site),
                               "--port", str(first.port), "--data-dir", str(tmp_path / "e")],
                              capture_output=True, text=True, timeout=60)
    assert busy.returncode == 1 and f"error: cannot listen on 127.0.0.1:{first.port}" in busy.stderr
    assert first.stop() == 0 and "Serveur arrêté" in first.lines[-1]


# --- in the browser: the trainer's deck and the phones ---------------------------------------------

QUIZ_SLIDE = """(id) => { const s = document.querySelector(`.deck-fallback[data-fallback-for="${id}"]`).closest('section');
  const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); return !!s; }"""
PANEL = "section.present:not(.stack) .deck-room"
COUNTS = """() => Array.from(document.querySelectorAll('section.present:not(.stack) .deck-room-row'))
  .map(r => [Number(r.dataset.choice), Number(r.querySelector('.deck-room-count').textContent)])"""
# The panel and the Sources slide's summary are read by a room as the slides are (test_browser.py):
# what they show must be readable from the back, whole, above the footer and clear of reveal's arrows.
def unreadable(page) -> list:
    from test_browser import MIN_READABLE_PX, READABILITY
    from test_presenting import FOOTER_SPACE, OUTSIDE_THE_SLIDE

    return page.evaluate(READABILITY, [MIN_READABLE_PX]) + page.evaluate(OUTSIDE_THE_SLIDE, [FOOTER_SPACE, "*"])


PHONES = (("fr", "fr-FR", RIGHT), ("en", "en-US", WRONG), ("es", "es-ES", RIGHT))


@pytest.fixture
def room(built, tmp_path):
    """The room's server on the session's build."""
    with Launched(built, tmp_path / "room") as launched:
        yield launched


def allowed(server: Launched) -> tuple[str, ...]:
    return chromium.LOCAL + (server.url + "/",)


def open_trainer(offline_page, server: Launched, deck: str = DECK, lang: str = "fr"):
    view = offline_page((1280, 720), allow=allowed(server))
    view.page.goto(f"{server.url}/trainer?token={server.token}&lang={lang}")
    view.page.goto(f"{server.url}/slides/{lang}/{deck}.html")
    view.page.wait_for_selector("html[data-deck-ready=yes]")
    return view


def open_phone(offline_page, server: Launched, locale: str, code: bool = True):
    view = offline_page((360, 740), allow=allowed(server), locale=locale)
    view.page.goto(f"{server.url}/join" + (f"?code={server.code}" if code else ""))
    return view


def answer(view, choice: int) -> None:
    """Choose and send on a phone; return once the phone says it was stored (« … : C. … »)."""
    view.page.wait_for_selector("#join-question:not([hidden]) #join-send:not([hidden])")
    view.page.check(f"input[name=choice][value='{choice}']")
    view.page.click("#join-send")
    letter = LETTERS[choice]  # a single-choice question is shown in the file's order
    view.page.wait_for_function(f"() => document.getElementById('join-status').textContent.includes(' {letter}.')")


def test_three_phones_answer_and_the_deck_shows_the_votes_then_the_answer(offline_page, room):
    deck = open_trainer(offline_page, room)
    page = deck.page
    page.evaluate(QUIZ_SLIDE, SINGLE)
    page.click("section.present:not(.stack) .deck-room-toggle")  # the « Salle » control opens the vote
    page.wait_for_selector(PANEL + "[data-state=open]")
    url = page.text_content(PANEL + " .deck-room-url")
    assert url == f"{room.url}/join" and page.text_content(PANEL + " .deck-room-code") == f"Code\u00a0: {room.code[:3]}\u00a0{room.code[3:]}"
    assert page.evaluate(f"document.querySelector('{PANEL} .deck-room-qr').naturalWidth") > 0  # the QR code drew
    assert unreadable(page) == []
    phones = []
    for lang, locale, choice in PHONES:
        view = open_phone(offline_page, room, locale)
        view.page.wait_for_selector("#join-question:not([hidden])")
        assert view.page.evaluate("document.documentElement.lang") == lang
        assert view.page.text_content("#join-prompt") == polls.poll(SINGLE).question.prompt.text(lang)
        answer(view, choice)
        phones.append(view)
    # the chart shows the three answers within a second of the last one
    page.wait_for_function(f"() => document.querySelector('{PANEL} .deck-room-total').dataset.count === '3'", timeout=1000)
    assert page.evaluate(COUNTS) == list(map(list, enumerate(bars(RIGHT, WRONG, RIGHT))))
    page.keyboard.press("r")  # reveal
    page.wait_for_selector(PANEL + f"[data-state=revealed] .deck-room-right[data-choice='{RIGHT}']")
    assert unreadable(page) == []
    for (lang, _, choice), view in zip(PHONES, phones):
        view.page.wait_for_selector("#join-result:not([hidden])")
        right = messages.t("quiz.answer", lang, letter=f"{LETTERS[RIGHT]}. ", choice=polls.poll(SINGLE).question.choices[RIGHT].text(lang))
        assert view.page.text_content("#join-right") == right
        assert view.page.text_content("#join-verdict") == messages.t("quiz.right" if choice == RIGHT else "quiz.wrong", lang)
        yours = messages.t("room.join.yours", lang, letter=LETTERS[choice])
        assert view.page.text_content("#join-yours") == yours
        shown = view.page.eval_on_selector_all(".join-bar", "bars => bars.map(b => b.querySelector('.join-bar-count').textContent)")
        assert shown == [str(n) for n in bars(RIGHT, WRONG, RIGHT)]
        assert view.page.is_disabled(f"input[name=choice][value='{WRONG}']")
    for view in [deck, *phones]:
        assert view.external == [] and view.errors == []


def test_the_server_killed_and_restarted_mid_vote_keeps_the_counts(offline_page, room):
    deck = open_trainer(offline_page, room)
    page = deck.page
    page.evaluate(QUIZ_SLIDE, SINGLE)
    page.keyboard.press("v")  # the panel, from the keyboard
    page.wait_for_selector(PANEL + "[data-state=open]")
    phones = [open_phone(offline_page, room, locale) for _, locale, _ in PHONES]
    for view, choice in zip(phones[:2], (RIGHT, WRONG)):
        answer(view, choice)
    page.wait_for_function(f"() => document.querySelector('{PANEL} .deck-room-total').dataset.count === '2'", timeout=1000)
    room.kill()
    page.wait_for_selector(PANEL + " .deck-room-offline:not([hidden])")  # the panel says it lost the server
    room.start()
    page.wait_for_selector(PANEL + " .deck-room-offline", state="hidden", timeout=10_000)  # back, by itself
    assert page.evaluate(COUNTS) == list(map(list, enumerate(bars(RIGHT, WRONG))))
    phones[2].page.wait_for_selector("#join-question:not([hidden])", timeout=10_000)  # its stream came back too
    answer(phones[2], RIGHT)
    page.wait_for_function(f"() => document.querySelector('{PANEL} .deck-room-total').dataset.count === '3'", timeout=1000)
    assert page.evaluate(COUNTS) == list(map(list, enumerate(bars(RIGHT, WRONG, RIGHT))))
    db = sqlite3.connect(f"file:{room.data / FILE}?mode=ro", uri=True)
    assert sorted(row[0] for row in db.execute("SELECT choice FROM answer WHERE question = ?", (SINGLE,))) == sorted(map(str, (RIGHT, WRONG, RIGHT)))
    db.close()
    assert deck.external == [] and all(view.external == [] for view in phones)


def test_a_deck_left_open_across_a_new_session_says_to_open_the_trainers_address_again(offline_page, room):
    deck = open_trainer(offline_page, room)
    page = deck.page
    page.evaluate(QUIZ_SLIDE, SINGLE)
    page.keyboard.press("v")
    page.wait_for_selector(PANEL + "[data-state=open]")
    room.stop()
    room.start("--new")  # a new session: a new token, which this browser's cookie is not
    page.wait_for_function(
        f"() => document.querySelector('{PANEL} .deck-room-offline').textContent === {json.dumps(messages.t('room.deck.refused_token', 'fr'))}",
        timeout=10_000,
    )
    assert page.is_visible(PANEL + " .deck-room-offline")


def test_an_order_question_is_voted_by_moving_its_steps(offline_page, room):
    deck = open_trainer(offline_page, room, deck=polls.poll(ORDER).question.section)
    page = deck.page
    page.evaluate(QUIZ_SLIDE, ORDER)
    page.click("section.present:not(.stack) .deck-room-toggle")
    page.wait_for_selector(PANEL + "[data-state=open]")
    view = open_phone(offline_page, room, "es-ES")
    view.page.wait_for_selector("#join-question:not([hidden]) .join-step")
    shown = list(polls.poll(ORDER).question.shown_order())
    # put the steps in the right order with the ↑ buttons (a bubble sort, as a student would)
    for _ in range(len(shown)):
        for position in range(1, len(shown)):
            if shown[position] < shown[position - 1]:
                view.page.locator(".join-step").nth(position).locator("button").first.click()
                shown[position - 1], shown[position] = shown[position], shown[position - 1]
    view.page.click("#join-send")
    view.page.wait_for_function("() => document.getElementById('join-status').textContent !== ''")
    page.wait_for_function(f"() => document.querySelector('{PANEL} .deck-room-total').dataset.count === '1'", timeout=1000)
    assert page.evaluate(COUNTS) == [[i, 1] for i in polls.poll(ORDER).question.shown_order()]
    page.click(PANEL + " .deck-room-reveal")
    view.page.wait_for_selector("#join-result:not([hidden])")
    assert view.page.text_content("#join-verdict") == messages.t("quiz.right", "es")
    assert page.text_content(PANEL + " .deck-room-answer").startswith(messages.t("quiz.right_order", "fr", order=""))
    # each step marked with its right place once revealed
    marks = page.eval_on_selector_all(PANEL + " .deck-room-row", "rows => rows.map(r => [Number(r.dataset.choice), r.querySelector('.deck-room-mark').textContent])")
    assert marks == [[i, " → " + messages.t("room.deck.right_place", "fr", number=i + 1)] for i in polls.poll(ORDER).question.shown_order()]
    assert unreadable(page) == []
    assert deck.errors == [] and view.errors == []


def test_a_session_that_voted_on_every_quiz_still_fits_the_sources_slide(offline_page, room):
    boss = trainer(room)
    for question, poll in polls.polls().items():
        boss.post("/api/trainer/vote", json={"question": question, "action": "open"})
        choice = 0 if poll.kind == "single" else list(range(poll.size))
        assert phone(room).post("/api/answer", json={"question": question, "choice": choice}).status_code == 200
    deck = open_trainer(offline_page, room, deck="00_presentation_complete", lang="es")
    deck.page.evaluate("Reveal.slide(Reveal.getTotalSlides() - 1)")
    deck.page.wait_for_selector("section.present .deck-room-summary:not([hidden])")
    assert unreadable(deck.page) == []  # as test_presenting checks every slide
    # the questions that fit, worst answered first (here the order questions, answered right, come last),
    # then how many more the export holds
    shown = deck.page.eval_on_selector_all(".deck-room-summary-list li[data-question]", "items => items.map(i => i.dataset.question)")
    more = deck.page.text_content(".deck-room-summary-more").removeprefix(" · ")
    assert more == messages.t("room.deck.more", "es", count=len(polls.polls()) - len(shown))
    wrong = [q for q, poll in polls.polls().items() if poll.kind == "single" and poll.right != 0]
    assert set(shown) <= set(wrong)
    # a section deck has room for more of them
    deck.page.goto(f"{room.url}/slides/es/{DECK}.html")
    deck.page.wait_for_selector("html[data-deck-ready=yes]")
    deck.page.evaluate("Reveal.slide(Reveal.getTotalSlides() - 1)")
    deck.page.wait_for_selector("section.present .deck-room-summary:not([hidden])")
    assert unreadable(deck.page) == []
    listed = deck.page.eval_on_selector_all(".deck-room-summary-list li[data-question]", "items => items.map(i => i.dataset.question)")
    assert len(listed) >= 2 and listed[0] in wrong
    assert deck.errors == []


def test_the_sources_slide_shows_the_sessions_summary(offline_page, room):
    boss = trainer(room)
    boss.post("/api/trainer/vote", json={"question": SINGLE, "action": "open"})
    for choice in (RIGHT, WRONG):
        phone(room).post("/api/answer", json={"question": SINGLE, "choice": choice})
    deck = open_trainer(offline_page, room, lang="en")
    deck.page.evaluate("Reveal.slide(Reveal.getTotalSlides() - 1)")
    deck.page.wait_for_selector("section.present .deck-room-summary:not([hidden])")
    line = deck.page.text_content(".deck-room-summary-line")
    assert line == "The room's votes: 1 question, 2 devices, 2 answers; 50% right"
    assert deck.page.text_content(".deck-room-summary-list li") == polls.poll(SINGLE).question.prompt.text("en") + "2 answers, 50% right"
    assert unreadable(deck.page) == []
    assert deck.errors == []


def test_html_typed_into_the_phones_page_is_never_rendered(offline_page, room):
    view = open_phone(offline_page, room, "fr-FR", code=False)
    view.page.wait_for_selector("#join-code:not([hidden])")
    view.page.fill("#join-code-input", '<img src=x onerror="window.pwned=1">')
    view.page.click("#join-code-form button")
    view.page.wait_for_function("() => document.getElementById('join-status').textContent !== ''")
    assert view.page.text_content("#join-status") == messages.t("room.join.bad_code", "fr")
    assert view.page.evaluate("document.querySelectorAll('img').length === 0 && window.pwned === undefined")
    assert len(view.errors) == 1 and "403" in view.errors[0]  # the refused code, as the browser logs it
    view.page.fill("#join-code-input", room.code)
    view.page.click("#join-code-form button")
    view.page.wait_for_selector("#join-wait:not([hidden])")
    assert view.external == []


@pytest.mark.parametrize("lang, locale", [("fr", "fr-FR"), ("en", "en-US"), ("es", "es-ES")])
def test_axe_finds_no_violation_on_the_phones_page_in_any_state(offline_page, room, lang, locale):
    axe = Axe()
    boss = trainer(room)
    view = open_phone(offline_page, room, locale, code=False)
    page = view.page
    found = []

    def check(state: str) -> None:
        page.evaluate("document.fonts.ready.then(() => true)")
        found.extend((state, v["id"], v["impact"], v["nodes"][0]["html"][:100]) for v in axe.run(page).response["violations"])

    page.wait_for_selector("#join-code:not([hidden])")
    check("code")
    page.fill("#join-code-input", room.code)
    page.click("#join-code-form button")
    page.wait_for_selector("#join-wait:not([hidden])")
    check("waiting")
    boss.post("/api/trainer/vote", json={"question": SINGLE, "action": "open"})
    page.wait_for_selector("#join-question:not([hidden]) input[name=choice]")
    check("question")
    answer(view, RIGHT)
    boss.post("/api/trainer/vote", json={"question": SINGLE, "action": "reveal"})
    page.wait_for_selector("#join-result:not([hidden])")
    check("revealed")
    boss.post("/api/trainer/vote", json={"question": ORDER, "action": "open"})
    page.wait_for_selector("#join-question:not([hidden]) .join-step")
    check("order question")
    assert page.evaluate("document.documentElement.lang") == lang
    assert found == [] and view.external == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing wider than the phone


def test_the_deck_from_a_file_or_for_a_participant_has_no_room_control(offline_page, built, room):
    for url in [(built / "slides" / "fr" / f"{DECK}.html").as_uri(),
                f"{room.url}/slides/fr/{DECK}.html"]:  # the same deck, asked for by a phone
        view = offline_page((1280, 720), allow=allowed(room))
        view.page.goto(url)
        view.page.wait_for_selector("html[data-deck-ready=yes]")
        view.page.evaluate(QUIZ_SLIDE, SINGLE)
        assert view.page.evaluate("document.querySelectorAll('.deck-room-toggle, .deck-room, #deck-room').length") == 0
        view.page.keyboard.press("v")  # the room's key does nothing there
        assert view.page.evaluate("document.querySelectorAll('.deck-room').length") == 0
        assert [url for url in view.loaded if "/api/" in url] == []  # not one request to the room
        assert view.errors == [] and view.external == []
