"""A local fake of the Telegram Bot API over HTTP, for end-to-end tests of the real bot process.

The bot runs unchanged (``python -m bot`` with ``TELEGRAM_API_URL=server.base_url``) and
long-polls this aiohttp server, which answers like ``api.telegram.org``:

* ``/bot{token}/{method}`` (GET/POST; JSON, urlencoded or multipart with uploads) and
  ``/file/bot{token}/{file_path}`` for downloads; a wrong token answers 401 ``Unauthorized``;
* every call is validated against the machine-readable Bot API schema ``api.min.json``
  (:mod:`tests.fakes.botapi_spec`): unknown method, missing parameter, broken documented length,
  bad inline keyboard or markup -> 400, and the failure is kept in :attr:`errors`;
* the simulated world (:mod:`tests.fakes.telegram_state`) lets a test act as users: write,
  send files, press buttons, add/remove the bot to groups, migrate a group, block the bot;
* Telegram's flood limits (:mod:`tests.fakes.telegram_limits`) answer 429 with retry_after;
* every call is recorded as a :class:`Call`; :meth:`wait_for` / :meth:`wait_idle` let tests
  read the bot's replies in order.

Standalone for manual trials: ``python -m tests.fakes.telegram_server --port 8081 --token T``
prints the URL, then reads lines from stdin and sends them as a user (``:help`` for commands;
see :mod:`tests.fakes.telegram_console`).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.botapi_spec import BotApiSpec
from tests.fakes.telegram_limits import Clock, FakeClock, Limits
from tests.fakes.telegram_methods import HANDLERS, SEND_METHODS, BotApiMethods
from tests.fakes.telegram_state import (
    JSON,
    ApiError,
    Call,
    FakeChat,
    FakeUser,
    StoredFile,
)

__all__ = [
    "ApiError", "Call", "FakeChat", "FakeClock", "FakeTelegramServer", "FakeUser", "Limits",
    "StoredFile",
]  # fmt: skip

log = logging.getLogger(__name__)

_STATUS_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                504: "Gateway Timeout"}
_MAX_UPLOAD = 60 * 1024 * 1024


class FakeTelegramServer(BotApiMethods):
    """The fake Bot API server; usable as ``async with FakeTelegramServer() as server``."""

    def __init__(
        self, token: str = "123456:TEST", *, bot_id: int | None = None,
        bot_username: str = "zhongyi_test_bot", limits: Limits | None = None,
        spec: BotApiSpec | None = None, clock: Clock = time.monotonic,
        host: str = "127.0.0.1", port: int = 0, privacy_mode: bool = False,
    ) -> None:
        super().__init__(token, bot_id=bot_id, bot_username=bot_username,
                         limits=limits or Limits(), spec=spec or BotApiSpec.load(), clock=clock,
                         privacy_mode=privacy_mode)
        self.host, self.port = host, port
        self.calls: list[Call] = []
        self.errors: list[Call] = []  # calls Telegram would refuse because of the bot
        self.count_429 = 0
        self.on_call: list[Callable[[Call], None]] = []  # hooks, e.g. for the console
        self._failures: dict[str, list[tuple[int, str]]] = {}
        self._consumed: set[int] = set()
        self._cursor = 0
        self._calls_event = asyncio.Event()
        self._last_activity = 0.0
        self._in_flight = 0
        self._runner: web.AppRunner | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` — what the bot gets as TELEGRAM_API_URL."""
        if self._runner is None:
            raise RuntimeError("the fake Telegram server is not started")
        return f"http://{self.host}:{self.port}"

    async def start(self) -> FakeTelegramServer:
        app = web.Application(client_max_size=_MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.closing = False
        log.info("fake Telegram Bot API listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        self.closing = True
        self._wake_pollers()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- test controls -------------------------------------------------------------------------
    def fail_next(self, method: str, status: int = 502, n: int = 1,
                  description: str | None = None) -> None:
        """The next ``n`` calls of ``method`` answer ``status`` (e.g. 502 Bad Gateway)."""
        name = self.spec.canonical(method) or method
        text = description or _STATUS_TEXT.get(status, f"Error {status}")
        self._failures.setdefault(name, []).extend([(status, text)] * n)

    def calls_of(self, method: str) -> list[Call]:
        name = (self.spec.canonical(method) or method).lower()
        return [c for c in self.calls if c.method.lower() == name]

    async def wait_for(self, method: str | None = None,
                       predicate: Callable[[Call], bool] | None = None,
                       timeout: float = 10.0) -> Call:  # noqa: ASYNC109
        """The first call (of ``method``, matching ``predicate``) not returned by an earlier
        wait_for; waits for it up to ``timeout`` seconds, then raises TimeoutError."""
        name = (self.spec.canonical(method) or method).lower() if method else None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._calls_event
            for index in range(self._cursor, len(self.calls)):
                call = self.calls[index]
                if index in self._consumed or (name and call.method.lower() != name):
                    continue
                if predicate is None or predicate(call):
                    self._consumed.add(index)
                    while self._cursor in self._consumed:
                        self._cursor += 1
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [f"{c.method} {c.params}" for c in self.calls[-5:]]
                raise TimeoutError(f"no {method or 'call'} matching within {timeout}s; "
                                   f"last calls: {recent}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def reset_cursor(self, *, to_end: bool = False) -> None:
        """Let wait_for see every call again, or (``to_end``) only calls made from now on."""
        self._consumed.clear()
        self._cursor = len(self.calls) if to_end else 0

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot fetched every update and made no call for ``quiet`` seconds
        (getUpdates long polls do not count)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = loop.time()
            busy = self._in_flight or self.pending_undelivered()
            if not busy and now - self._last_activity >= quiet:
                return
            if now >= deadline:
                raise TimeoutError(f"the bot was not idle for {quiet}s within {timeout}s "
                                   f"({self.pending_undelivered()} updates not fetched)")
            await asyncio.sleep(min(0.02, quiet / 4))

    def inject(self, update: JSON) -> JSON:
        with contextlib.suppress(RuntimeError):  # no running loop: standalone setup code
            self._last_activity = asyncio.get_running_loop().time()
        return super().inject(update)

    # -- HTTP ----------------------------------------------------------------------------------
    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        name = self.spec.canonical(method) or method
        polling = name == "getUpdates"
        call = Call(name, {}, self.clock())
        if not polling:
            self._in_flight += 1
        try:
            try:
                raw, uploads = await _read_request(request)
            except ValueError as exc:  # malformed JSON or form body
                raw, uploads = {}, {}
                call.status, call.response = 400, ApiError(
                    400, f"Bad Request: can't parse request body: {exc}").to_response()
            call.params, call.files = self._decode(name, raw, uploads)
            if call.status != 200:
                self.errors.append(call)
            elif request.match_info["token"] != self.token:
                error = ApiError(401, "Unauthorized", bot_error=False)
                call.status, call.response = 401, error.to_response()
            else:
                call.status, call.response = await self._dispatch(name, call)
        finally:
            if not polling or call.result:  # fetched updates count as activity too
                self._last_activity = asyncio.get_running_loop().time()
            if not polling:
                self._in_flight -= 1
        self._record(call)
        return web.json_response(call.response, status=call.status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").to_response(), status=401)
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").to_response(), status=404)
        return web.Response(body=stored.content,
                            content_type=stored.mime_type or "application/octet-stream")

    def _decode(self, name: str, raw: JSON, uploads: dict[str, tuple[str, bytes]]
                ) -> tuple[JSON, dict[str, tuple[str, bytes]]]:
        """Decode parameters; uploads are keyed by the parameter that attaches them."""
        for part in list(uploads):
            if part not in raw and name in self.spec.methods and part in self.spec.methods[
                    name].fields:
                raw[part] = f"attach://{part}"  # a file posted directly under its parameter
        params = self.spec.decode_params(name, raw)
        files: dict[str, tuple[str, bytes]] = {}

        def claim(key: str, value: Any) -> None:
            if isinstance(value, str) and value.startswith("attach://"):
                upload = uploads.pop(value.removeprefix("attach://"), None)
                if upload is not None:
                    files[key] = upload

        for key, value in params.items():
            claim(key, value)
            if isinstance(value, list):  # sendMediaGroup: media[0], media[1]...
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        claim(f"{key}[{index}]", item.get("media"))
        files.update(uploads)
        return params, files

    async def _dispatch(self, name: str, call: Call) -> tuple[int, JSON]:
        if self._failures.get(name):
            status, text = self._failures[name].pop(0)
            return status, {"ok": False, "error_code": status, "description": text}
        problem = self.spec.validate(name, call.params)
        try:
            if problem is not None:
                raise ApiError(400, problem)
            self._check_chats(name, call.params)
            result = await self._run_handler(name, call)
        except ApiError as exc:
            if exc.bot_error:
                self.errors.append(call)
                log.warning("fake Telegram refused %s %s: %s", name, call.params, exc)
            return exc.status, exc.to_response()
        except Exception as exc:  # a bug of the fake itself: make it loud
            log.exception("fake Telegram failed on %s", name)
            self.errors.append(call)
            return 500, {"ok": False, "error_code": 500,
                         "description": f"Internal Server Error: fake server bug: {exc!r}"}
        return 200, {"ok": True, "result": result}

    def _check_chats(self, name: str, params: JSON) -> None:
        for key in ("from_chat_id", "chat_id"):
            if isinstance(params.get(key), int | str):
                self.check_access(self.resolve_chat(params[key]))
        if name in SEND_METHODS:
            retry_after = self.rate_limiter.acquire(params["chat_id"])
            if retry_after is not None:
                self.count_429 += 1
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}",
                               {"retry_after": retry_after}, bot_error=False)

    async def _run_handler(self, name: str, call: Call) -> Any:
        handler = HANDLERS.get(name)
        if handler is None:
            if self.spec.methods[name].returns == ("Boolean",):
                return True
            raise ApiError(400, f"Bad Request: {name} is not supported by the fake server")
        kwargs = {"method": name} if "method" in inspect.signature(handler).parameters else {}
        result = handler(self, call.params, call.files, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        log.debug("%s %s -> %s %s", call.method, call.params, call.status, call.response)
        for hook in self.on_call:
            hook(call)
        self._calls_event.set()
        self._calls_event = asyncio.Event()


async def _read_request(request: web.Request) -> tuple[JSON, dict[str, tuple[str, bytes]]]:
    """Query string + body (JSON, urlencoded or multipart) -> (raw params, uploaded files)."""
    raw: JSON = dict(request.query)
    uploads: dict[str, tuple[str, bytes]] = {}
    if request.content_type == "application/json" and request.can_read_body:
        body = await request.json()
        if isinstance(body, dict):
            raw.update(body)
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                uploads[key] = (value.filename, value.file.read())
            else:
                raw[key] = value
    return raw, uploads


if __name__ == "__main__":  # python -m tests.fakes.telegram_server --port 8081 --token T
    from tests.fakes.telegram_console import main

    main()
