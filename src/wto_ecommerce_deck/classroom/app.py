"""The room's web application (Starlette): the built decks, the trainer's controls, the phones' page.

Routes (every API answer is JSON; an error is `{"error": "…"}` with its 4xx status):

| route | who | what |
|---|---|---|
| `GET /…` | anyone | `build/` as it is (`Site`); a deck asked for by the trainer's browser gets the room's config (below) |
| `GET /trainer?token=…` | trainer | checks the token, sets the trainer's cookie (HttpOnly), redirects to the index |
| `GET /join` | phones | the participant's page, in the browser's language (`?lang=` switches) |
| `GET /room/join.js`, `/room/join.css` | phones | its script and style (`assets/theme/`) |
| `POST /api/join` `{"code"}` | phones | the room code → a device cookie (HttpOnly) |
| `GET /api/state?lang=` | phones | the current question, the device's own answer |
| `GET /api/stream?lang=` | phones | the same, pushed at every change (server-sent events) |
| `POST /api/answer` `{"question", "choice"}` | phones | an answer to the open question |
| `GET /api/trainer/room` | trainer | the room code, the join address, whether the room's network can reach it |
| `GET /api/trainer/qr.svg` | trainer | the join QR code (address and code) |
| `GET /api/trainer/stream` | trainer | every vote and its counts, pushed at every answer (server-sent events) |
| `POST /api/trainer/vote` `{"question", "action"}` | trainer | open, close, reveal, reset |
| `GET /api/trainer/summary?lang=` | trainer | the session in a few words (the « Sources » slide) |

Security (docs/maintainers.md, « The room »): a phone needs the room code once, then its random
device id (cookie); the trainer's routes need the trainer's token (cookie set by `/trainer`, or
`Authorization: Bearer`), which no participant's answer ever carries: the room's config is put
into a deck only for a request that holds it. Cookies are HttpOnly and SameSite=Strict, and every
POST must be `application/json` (a page of another origin cannot send that without a CORS
preflight, which this server never grants). Bodies over `limits.BODY_LIMIT` are refused (413),
each device has a rate limit (429), and wrong codes or tokens from one address are limited too.
Nothing a participant sends is echoed: errors are fixed sentences, and the phones' page sets
every text with `textContent` under a Content-Security-Policy that allows this server's files only.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import re
from pathlib import Path
from typing import Any, AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from .. import messages, theme
from ..messages import DEFAULT_LANG, group, t
from ..paths import theme_dir
from ..pipeline.layout import page_name
from ..serve import MIME_TYPES
from . import limits, qr
from .polls import RoomError
from .room import Room, shown_code

DEVICE_COOKIE = "wto_room_device"
TRAINER_COOKIE = "wto_room_trainer"
COOKIE_AGE = 12 * 3600  # a training day
HEARTBEAT = 15.0  # seconds between comments on an idle stream (keeps phones' connections open)
DECK_PATH = re.compile(r"slides/([a-z]{2})/[0-9]{2}_[a-z0-9_]+\.html")
JOIN_FILES = {"join.js": "text/javascript", "join.css": "text/css"}
JOIN_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

for _suffix, _type in MIME_TYPES.items():  # what `make serve` gives the JupyterLite site
    mimetypes.add_type(_type, _suffix)


class Hub:
    """A version number that streams wait on: each change wakes every waiting stream once."""

    def __init__(self) -> None:
        self.version = 0
        self._changed = asyncio.Event()

    def changed(self) -> None:
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, seen: int, timeout: float) -> bool:
        """True when the version moved past `seen`; False after `timeout` seconds without."""
        if self.version != seen:
            return True
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            return False
        return True


def _languages() -> list[str]:
    return messages.languages()


def negotiate(accept: str | None) -> str:
    """The first of our languages in an Accept-Language header, by its q-value; else French."""
    ours = _languages()
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((accept or "").split(",")):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        if lang not in ours:
            continue
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            continue
        if q > 0 and (best is None or (q, -position) > (best[0], best[1])):
            best = (q, -position, lang)
    return best[2] if best else DEFAULT_LANG


async def _refused(request: Request, exc: RoomError) -> JSONResponse:
    headers = dict(SECURITY_HEADERS)
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse({"error": str(exc)}, exc.status, headers=headers)


class Classroom:
    """The application around one `Room`: `.app` is the ASGI app uvicorn runs."""

    def __init__(self, room: Room, site: Path, join_url: str, lan: bool):
        self.room = room
        self.site = site
        self.join_url = join_url  # what the phones open: http://<address>:<port>/join
        self.lan = lan
        self.phones_hub = Hub()  # what the phones show changed (a vote opened, closed, revealed)
        self.trainer_hub = Hub()  # that, or an answer stored, or a phone connected: the trainer's
        self.streams = 0
        self.phones = 0  # phones' streams open: « connected »
        self.device_limit = limits.Buckets(burst=10, rate=2)
        self.failure_limit = limits.Buckets(burst=10, rate=10 / 60)  # bad codes or tokens per address
        self._views: dict[tuple[int, str], str] = {}
        api = [
            Route("/trainer", self.trainer_login),
            Route("/join", self.join_page),
            Route("/room/{name}", self.join_file),
            Route("/api/join", self.api_join, methods=["POST"]),
            Route("/api/state", self.api_state),
            Route("/api/stream", self.api_stream),
            Route("/api/answer", self.api_answer, methods=["POST"]),
            Route("/api/trainer/room", self.api_room),
            Route("/api/trainer/qr.svg", self.api_qr),
            Route("/api/trainer/stream", self.api_trainer_stream),
            Route("/api/trainer/vote", self.api_vote, methods=["POST"]),
            Route("/api/trainer/summary", self.api_summary),
        ]
        self.app = Starlette(
            routes=[*api, Mount("/", Site(self, site))],
            exception_handlers={RoomError: _refused},
            max_body_size=limits.BODY_LIMIT,
        )

    # --- who is asking ---

    @staticmethod
    def address(request: Request) -> str:
        return request.client.host if request.client else "?"

    def is_trainer(self, headers: Headers) -> bool:
        return self.room.token_is(self._token(headers))

    @staticmethod
    def _token(headers: Headers) -> str | None:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == TRAINER_COOKIE:
                return value
        return None

    def trainer(self, request: Request) -> None:
        """A trainer's route: 401 without a token, 403 with a wrong one (429 after too many)."""
        token = self._token(request.headers)
        address = self.address(request)
        if self.failure_limit.blocked(address):
            raise RoomError("too many wrong codes or tokens from this address: wait a few seconds", 429,
                            self.failure_limit.retry_after(address))
        if token is None:
            raise RoomError("this is the trainer's: the trainer's token is missing", 401)
        if not self.room.token_is(token):
            self.failure_limit.allow(address)
            raise RoomError("this is the trainer's: wrong trainer token", 403)

    def device(self, request: Request) -> str:
        """A participant's route: the device must have joined this session, within its rate."""
        device = request.cookies.get(DEVICE_COOKIE)
        if not self.room.knows(device):
            raise RoomError("join the room first (its code)", 403)
        if not self.device_limit.allow(device):
            raise RoomError("too many requests from this device: wait a second", 429, self.device_limit.retry_after(device))
        return device

    @staticmethod
    async def body(request: Request) -> dict:
        """The JSON object of a POST (415 if it is not JSON, 400 if it is not an object)."""
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            raise RoomError("send JSON (Content-Type: application/json)", 415)
        try:
            value = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise RoomError("the body is not valid JSON", 400) from None
        if not isinstance(value, dict):
            raise RoomError("the body must be a JSON object", 400)
        return value

    def lang(self, request: Request) -> str:
        given = request.query_params.get("lang")
        return given if given in _languages() else negotiate(request.headers.get("accept-language"))

    # --- the trainer ---

    async def trainer_login(self, request: Request) -> Response:
        address = self.address(request)
        if self.failure_limit.blocked(address):
            return Response("too many wrong tokens from this address: wait a few seconds\n", 429, media_type="text/plain",
                            headers={"Retry-After": str(self.failure_limit.retry_after(address))})
        token = request.query_params.get("token", "")
        if not self.room.token_is(token):
            self.failure_limit.allow(address)
            return Response("wrong trainer token: open the address the server printed\n", 403, media_type="text/plain")
        lang = self.lang(request)
        response = RedirectResponse("/" + page_name("index.html", lang), 303, headers=SECURITY_HEADERS)
        response.set_cookie(TRAINER_COOKIE, token, max_age=COOKIE_AGE, httponly=True, samesite="strict")
        return response

    async def api_room(self, request: Request) -> Response:
        self.trainer(request)
        code = self.room.session.code
        return JSONResponse({
            "code": shown_code(code), "join": self.join_url, "lan": self.lan,
            "session": self.room.session.id, "started": self.room.session.started,
        }, headers={"Cache-Control": "no-store"})

    async def api_qr(self, request: Request) -> Response:
        self.trainer(request)
        url = f"{self.join_url}?code={self.room.session.code}"
        title = t("room.deck.qr", self.lang(request))
        return Response(qr.svg(url, title), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})

    async def api_vote(self, request: Request) -> Response:
        self.trainer(request)
        body = await self.body(request)
        self.room.act(body.get("question"), body.get("action"))
        self.phones_hub.changed()
        self.trainer_hub.changed()
        return JSONResponse(self.room.trainer_view(self.phones))

    async def api_summary(self, request: Request) -> Response:
        self.trainer(request)
        return JSONResponse(self.room.summary(self.lang(request)), headers={"Cache-Control": "no-store"})

    async def api_trainer_stream(self, request: Request) -> Response:
        self.trainer(request)
        return self.stream(lambda: json.dumps(self.room.trainer_view(self.phones)), self.trainer_hub)

    # --- the phones ---

    async def join_page(self, request: Request) -> Response:
        lang = self.lang(request)
        languages = [
            {"lang": other, "name": group("language_name", other)[other], "current": other == lang}
            for other in _languages()
        ]
        data = {"lang": lang, "words": group("room.join", lang, raw=True),
                "quiz": {"answer": t("quiz.answer", lang, letter="{letter}", choice="{choice}"),
                         "right_order": t("quiz.right_order", lang, order="{order}"),
                         "move_hint": t("quiz.move_hint", lang),
                         "up_step": t("quiz.up_step", lang, number="{number}"),
                         "down_step": t("quiz.down_step", lang, number="{number}"),
                         "right": t("quiz.right", lang), "wrong": t("quiz.wrong", lang)}}
        page = theme.render("join.html.j2", lang, data=data, languages=languages)
        return HTMLResponse(page, headers={**SECURITY_HEADERS, "Content-Security-Policy": JOIN_CSP,
                                           "Cache-Control": "no-cache", "Content-Language": lang})

    async def join_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in JOIN_FILES:
            raise HTTPException(404)
        return FileResponse(theme_dir() / name, media_type=JOIN_FILES[name],
                            headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

    async def api_join(self, request: Request) -> Response:
        address = self.address(request)
        if self.failure_limit.blocked(address):
            raise RoomError("too many wrong codes from this address: wait a few seconds", 429, self.failure_limit.retry_after(address))
        body = await self.body(request)
        if not self.room.code_is(body.get("code")):
            self.failure_limit.allow(address)
            raise RoomError("wrong room code", 403)
        device = request.cookies.get(DEVICE_COOKIE)
        response = JSONResponse({"joined": True}, headers=SECURITY_HEADERS)
        if not self.room.knows(device):
            response.set_cookie(DEVICE_COOKIE, self.room.join(), max_age=COOKIE_AGE, httponly=True, samesite="strict")
        return response

    def phone_view(self, lang: str) -> str:
        """The phones' view as JSON, made once per change and language."""
        key = (self.phones_hub.version, lang)
        if key not in self._views:
            self._views = {k: v for k, v in self._views.items() if k[0] == key[0]}
            self._views[key] = json.dumps(self.room.participant_view(lang))
        return self._views[key]

    async def api_state(self, request: Request) -> Response:
        device = request.cookies.get(DEVICE_COOKIE)
        if not self.room.knows(device):
            return JSONResponse({"joined": False}, headers={"Cache-Control": "no-store"})
        self.device(request)
        state = json.loads(self.phone_view(self.lang(request)))
        state["mine"] = self.room.mine(device)
        return JSONResponse(state, headers={"Cache-Control": "no-store"})

    async def api_stream(self, request: Request) -> Response:
        self.device(request)
        lang = self.lang(request)
        return self.stream(lambda: self.phone_view(lang), self.phones_hub, phone=True)

    async def api_answer(self, request: Request) -> Response:
        device = self.device(request)
        body = await self.body(request)
        seq = self.room.answer(device, body.get("question"), body.get("choice"))
        self.trainer_hub.changed()
        return JSONResponse({"stored": True, "seq": seq, "mine": self.room.mine(device)}, headers=SECURITY_HEADERS)

    # --- server-sent events ---

    def stream(self, view: Callable[[], str], hub: Hub, phone: bool = False) -> Response:
        """Server-sent events: `view()` now, then at every change of `hub` (a comment when idle)."""
        if self.streams >= limits.MAX_STREAMS:
            raise RoomError("too many open streams on this server", 503)
        self.streams += 1
        if phone:
            self.phones += 1
            self.trainer_hub.changed()  # the trainer sees one more phone connected

        async def events() -> AsyncIterator[str]:
            try:
                yield "retry: 1000\n\n"  # a lost connection (a restarted server) is tried again each second
                seen = None
                while True:
                    if hub.version != seen:
                        seen = hub.version
                        yield f"data: {view()}\n\n"
                    if not await hub.wait(seen, HEARTBEAT):
                        yield ": ping\n\n"
            finally:
                self.streams -= 1
                if phone:
                    self.phones -= 1
                    self.trainer_hub.changed()

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    # --- the decks ---

    def room_config(self, lang: str) -> str:
        """The `<script>` the trainer's deck starts its room from (deck.js): the API, the words."""
        words = group("room.deck", lang, raw=True)
        words["right_order"] = t("quiz.right_order", lang, order="{order}")
        words["colon"] = t("common.colon", lang)
        config = json.dumps({"api": "/api", "lang": lang, "words": words}, ensure_ascii=False)
        return '<script type="application/json" id="deck-room">' + config.replace("<", "\\u003c") + "</script>\n"


class Site(StaticFiles):
    """`build/` as files, revalidated at each visit; a deck asked for by the trainer gets the room's config."""

    def __init__(self, classroom: Classroom, folder: Path):
        super().__init__(directory=folder, html=True)
        self.classroom = classroom

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        page_lang = DECK_PATH.fullmatch(path)
        lang = page_lang[1] if page_lang else None
        if (
            lang in _languages() and isinstance(response, FileResponse) and response.status_code == 200
            and self.classroom.is_trainer(Headers(scope=scope))
        ):
            page = Path(response.path).read_text(encoding="utf-8")
            page = page.replace("</head>", self.classroom.room_config(lang) + "</head>", 1)
            return HTMLResponse(page, headers={**SECURITY_HEADERS, "Cache-Control": "no-store", "Vary": "Cookie"})
        response.headers["Cache-Control"] = "no-cache"
        response.headers["Vary"] = "Cookie"
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        return response
