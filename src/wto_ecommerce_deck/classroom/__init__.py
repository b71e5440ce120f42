"""The room answers back (`make classroom`): the class votes on the deck's quizzes from its phones,
on the room's network, with no internet.

A server on the trainer's laptop serves `build/` and the room:

* `polls.py`: the questions and their right answers, from `assets/data/quizzes.yaml` (the data
  loader's), and what an answer may be;
* `store.py`: the votes on disk (SQLite, WAL) under `.classroom/`: a restart resumes the session;
* `room.py`: the session's rules (room code, devices, the open question, reveal, reset) and views;
* `limits.py`: rate limits per device and per address, the body size limit;
* `app.py`: the web application (Starlette): the decks, the trainer's routes, the phones' page
  (`/join`, `assets/theme/templates/join.html.j2`, `join.js`, `join.css`), server-sent events;
* `qr.py`: the join QR code (segno): SVG for the deck's panel, text for the terminal;
* `server.py`: the command (uvicorn on 127.0.0.1, and the room's address with `--lan`);
* `export.py`: `classroom export`, one CSV file per session.

The trainer's side is in the deck itself (`assets/theme/deck.js`, « the room »): a deck served
to the trainer's browser carries the room's config and shows a « Salle » control on every quiz
slide; from `file://` it is the deck it always was. docs/maintainers.md argues the design.
"""
