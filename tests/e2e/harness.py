"""End-to-end harness: the real `python -m bot` process against the fake Bot API server.

* :class:`BotProcess` starts the bot in its own working directory with a fresh SQLite file,
  waits until it polls, stops it with SIGTERM (or SIGKILL), and moves its time forward by
  writing the clock file (`ZHONGYI_CLOCK_FILE`) — tests never sleep for a deadline.
* :class:`Transcript` replays a conversation, Zulip-style: what the user sends, then what
  the bot answers, read in order from the calls the fake server recorded.
* :func:`en` / :func:`zh` read the expected texts from the gettext catalogs, so the tests
  follow the translators instead of copying their words.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import copy
import functools
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from babel.messages.pofile import read_po

from bot.domain.clock import OffsetFileClock
from storage import Database
from tests.fakes.telegram_server import Call, FakeChat, FakeTelegramServer, FakeUser

TOKEN = "123456789:AAE-e2e-SECRET-token-value"
SECRET_PART = TOKEN.split(":", 1)[1]
PROJECT = Path(__file__).resolve().parents[2]
LOCALES = PROJECT / "locales"
BRAND = "众议"  # in the English texts too: never counts as "the reply is Chinese"
#: Bot API methods whose text a user reads in the chat.
SAYS = frozenset({"sendMessage", "editMessageText", "sendPhoto", "sendDocument",
                  "editMessageCaption"})
START_TIMEOUT = 40.0
REPLY_TIMEOUT = 10.0
#: Every BotProcess made in this test run, so a failing test can show their logs.
BOTS: list[BotProcess] = []

T = TypeVar("T")
JSON = dict[str, Any]


# -- expected texts --------------------------------------------------------------------------
class Localized(str):
    """An expected text taken from a catalog. `translated` is False when the catalog has no
    (non-fuzzy) translation yet: the text is then the English msgid gettext falls back to."""

    msgid: str
    locale: str
    translated: bool
    params: tuple[str, ...]

    def __new__(cls, text: str, *, msgid: str, locale: str, translated: bool,
                params: Iterable[str] = ()) -> Localized:
        value = super().__new__(cls, text)
        value.msgid, value.locale, value.translated = msgid, locale, translated
        value.params = tuple(params)
        return value


@functools.cache
def _catalog(locale: str) -> Any:
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def localized(locale: str, msgid: str, **kw: object) -> Localized:
    """The msgstr of `msgid` in `locale`, formatted with `kw` like the bot does."""
    message = _catalog(locale).get(msgid)
    if message is None:
        raise LookupError(f"{msgid!r} is not in the {locale} catalog: was the code's text "
                          "changed without `pybabel extract` / `pybabel update`?")
    translated = bool(message.string) and not message.fuzzy
    text = message.string if translated else msgid
    if kw:
        text = text.format(**kw)
    return Localized(text, msgid=msgid, locale=locale, translated=translated or locale == "en",
                     params=[str(v) for v in kw.values()])


def en(msgid: str, **kw: object) -> Localized:
    return localized("en", msgid, **kw)


def zh(msgid: str, **kw: object) -> Localized:
    return localized("zh_CN", msgid, **kw)


_CHATTER = re.compile(r"apscheduler\.[\w.]+: (Running job|Job \"|Looking for|Next wakeup)"
                      r"|DEBUG aiosqlite: ")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_cjk(text: str, ignore: Iterable[str] = ()) -> bool:
    """Whether `text` has Chinese characters besides the brand name and the given values."""
    for part in (BRAND, *ignore):
        text = text.replace(part, "")
    return bool(_HAN.search(text))


# -- waiting ---------------------------------------------------------------------------------
async def eventually(check: Callable[[], Awaitable[T]], *, what: str,
                     until: Callable[[T], object] = bool,
                     timeout: float = REPLY_TIMEOUT) -> T:  # noqa: ASYNC109
    """Polls `check` until `until(value)` holds (for database state, which has no event to
    wait on) and returns the value; fails showing the last value after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await check()
        if until(value):
            return value
        if loop.time() >= deadline:
            raise AssertionError(f"{what}: not within {timeout}s (last seen: {value!r})")
        await asyncio.sleep(0.1)


# -- the bot process -------------------------------------------------------------------------
class BotDied(AssertionError):
    pass


class BotProcess:
    """`python -m bot` in `workdir`, talking to `server`; its output goes to `bot.log`."""

    def __init__(self, server: FakeTelegramServer, workdir: Path, *,
                 admins: Sequence[int] = (), log_level: str = "INFO",
                 env: dict[str, str] | None = None, owner: str = "") -> None:
        self.server = server
        self.owner = owner  # the test module it serves, to attach its log to failures
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.workdir / "bot.sqlite3"
        self.db_url = f"sqlite+aiosqlite:///{self.db_path}"
        self.clock_file = self.workdir / "clock.json"
        self.log_file = self.workdir / "bot.log"
        self.admins = tuple(admins)
        self.log_level = log_level
        self.overrides = dict(env or {})
        self.offset = 0.0
        self.proc: asyncio.subprocess.Process | None = None
        self.returncodes: list[int] = []
        self._write_clock()
        BOTS.append(self)

    @property
    def webhook(self) -> bool:
        return bool(self.overrides.get("WEBHOOK_URL"))

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def environment(self) -> dict[str, str]:
        env = {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
            "HOME": str(self.workdir),
            "PYTHONIOENCODING": "utf-8",
            "PYTHONPATH": str(PROJECT),  # the checkout these tests belong to, whatever the venv
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.server.base_url,
            "DATABASE_URL": self.db_url,
            "BOOTSTRAP_ADMIN_IDS": ",".join(str(a) for a in self.admins),
            "ZHONGYI_CLOCK_FILE": str(self.clock_file),
            "SWEEP_INTERVAL": "0.5",
            "LOG_LEVEL": self.log_level,
        }
        env.update(self.overrides)
        return env

    async def start(self, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109
        """Starts the bot and waits until it polls (or, in webhook mode, serves /healthz)."""
        if self.running:
            raise RuntimeError("the bot is already running")
        polls_before = self._polls()
        log = self._open_log()
        log.write(f"--- e2e harness: run {len(self.returncodes) + 1} of python -m bot ---\n"
                  .encode())
        log.flush()
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.workdir, env=self.environment(),
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log)
        finally:
            log.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not await self._ready(polls_before):
            if self.proc.returncode is not None:
                self.returncodes.append(self.proc.returncode)
                raise BotDied(f"the bot exited with {self.proc.returncode} while starting:\n"
                              f"{self.tail()}")
            if loop.time() >= deadline:
                raise BotDied(f"the bot was not ready within {timeout}s:\n{self.tail()}")
            await asyncio.sleep(0.05)

    async def stop(self, timeout: float = 20.0) -> int:  # noqa: ASYNC109
        """SIGTERM, then waits for the exit; returns the exit code (0 for a clean stop)."""
        return await self._end(signal.SIGTERM, timeout)

    async def kill(self) -> int:
        """SIGKILL: the process dies wherever it is, like a crash or an OOM kill."""
        return await self._end(signal.SIGKILL, 10.0)

    async def restart(self) -> None:
        code = await self.stop()
        if code != 0:
            raise BotDied(f"the bot exited with {code} on SIGTERM:\n{self.tail()}")
        await self.start()

    async def _end(self, sig: signal.Signals, timeout: float) -> int:  # noqa: ASYNC109
        if self.proc is None:
            raise RuntimeError("the bot was never started")
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
                raise BotDied(f"the bot did not exit within {timeout}s of {sig.name}:\n"
                              f"{self.tail()}") from None
        code = self.proc.returncode
        self.returncodes.append(code)
        return code

    async def _ready(self, polls_before: int) -> bool:
        if not self.webhook:
            return self._polls() > polls_before
        url = f"http://{self.overrides['WEBHOOK_LISTEN']}/healthz"
        with contextlib.suppress(aiohttp.ClientError, OSError):
            async with aiohttp.ClientSession() as http, http.get(url) as response:
                return response.status == 200
        return False

    def _polls(self) -> int:
        # The fake counts getUpdates requests as they *start* (it records a call only when
        # its long poll returns, up to the bot's 25 s timeout later).
        return self.server.polls_started

    def _open_log(self) -> Any:
        return self.log_file.open("ab")

    # -- observing and steering --------------------------------------------------------------
    def logs(self, since: int = 0) -> str:
        """The whole log (stdout and stderr of every run), or what came after `since`."""
        if not self.log_file.exists():
            return ""
        return self.log_file.read_bytes()[since:].decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log_file.stat().st_size if self.log_file.exists() else 0

    def tail(self, lines: int = 60, since: int = 0) -> str:
        """The last lines of the log, without the scheduler's twice-a-second chatter."""
        kept = [line for line in self.logs(since).splitlines() if not _CHATTER.search(line)]
        return "\n".join(kept[-lines:])

    def advance(self, seconds: float) -> None:
        """Moves the bot's clock forward; the process reads the file on every `now()`."""
        self.offset += seconds
        self._write_clock()

    def _write_clock(self) -> None:
        tmp = self.clock_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"offset_seconds": self.offset}))
        tmp.replace(self.clock_file)  # atomic: the bot never reads half a file

    def clock(self) -> OffsetFileClock:
        """The bot's own clock (system time plus the offset), for seeding rows."""
        return OffsetFileClock(self.clock_file)

    @contextlib.asynccontextmanager
    async def database(self) -> AsyncIterator[Database]:
        """The bot's SQLite file, through the project's own storage API."""
        db = Database(self.db_url)
        try:
            yield db
        finally:
            await db.dispose()


@atexit.register
def _kill_leftovers() -> None:
    """A test run that dies (or is interrupted) must not leave bots polling behind it."""
    for process in BOTS:
        if process.running and process.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.proc.pid, signal.SIGKILL)


# -- transcripts -----------------------------------------------------------------------------
def _chat_id(chat: FakeUser | FakeChat | int) -> int:
    return chat if isinstance(chat, int) else chat.id


def _text(call: Call) -> str:
    return str(call.params.get("text") or call.params.get("caption") or "")


def _buttons(message: JSON) -> list[tuple[str, str]]:
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in keyboard for b in row]


class Transcript:
    """A conversation replayed against the running bot.

    `user_says` / `press` act as a user; `bot_says` / `bot_buttons` / `bot_answers` read the
    bot's next answer in that chat (in order) and check it. Expected texts from :func:`zh`
    that the zh_CN catalog does not translate yet are checked against the English fallback
    and collected in `missing`: the test goes on, and fails at its end listing them.
    """

    def __init__(self, server: FakeTelegramServer, bot: BotProcess | None = None, *,
                 deliver: Callable[[JSON], Awaitable[object]] | None = None) -> None:
        self.server = server
        self.bot = bot
        self.deliver = deliver
        self.missing: dict[str, str] = {}
        self.said: dict[int, list[str]] = {}
        server.reset_cursor(to_end=True)
        self.log_before = bot.log_size() if bot else 0

    # -- the user ----------------------------------------------------------------------------
    async def user_says(self, user: FakeUser, text: str,
                        chat: FakeChat | int | None = None) -> JSON:
        return await self.arrives(self.server.send_text(user, text, chat))

    async def user_sends_sticker(self, user: FakeUser) -> JSON:
        return await self.arrives(self.server.send_sticker(user))

    async def user_sends_voice(self, user: FakeUser) -> JSON:
        return await self.arrives(self.server.send_voice(user))

    async def arrives(self, update: JSON) -> JSON:
        """Long polling: the update waits in the fake for getUpdates. Webhook mode: it is
        taken out of that queue and handed to `deliver`, which posts it to the bot."""
        if self.deliver is not None:
            self.server.updates.remove(update)
            await self.deliver(update)
        return update

    async def press(self, user: FakeUser, message: JSON, button: str, *,
                    strict: bool = True) -> str:
        """Presses the button labelled `button` on `message` (as the user saw it); returns
        the callback query id. `strict=False` presses it even if the bot has since removed
        the keyboard, like a client showing an old message."""
        self._note(button)
        found = [data for text, data in _buttons(message) if text == button]
        if not found:
            raise AssertionError(f"no button {button!r} under the bot's message "
                                 f"{message.get('text')!r}; it has {_buttons(message)}")
        update = await self.arrives(self.server.press(user, message, found[0], strict=strict))
        return str(update["callback_query"]["id"])

    # -- the bot -----------------------------------------------------------------------------
    async def bot_says(self, chat: FakeUser | FakeChat | int, *, equals: str | None = None,
                       contains: str | Sequence[str] = (), lacks: str | Sequence[str] = (),
                       timeout: float = REPLY_TIMEOUT) -> JSON:  # noqa: ASYNC109
        """The bot's next message (or edit) in `chat`; returns it as Telegram would."""
        chat_id = _chat_id(chat)
        contains = [contains] if isinstance(contains, str) else list(contains)
        lacks = [lacks] if isinstance(lacks, str) else list(lacks)
        expected = f"equals {equals!r}" if equals is not None else f"contains {contains!r}"
        try:
            call = await self.server.wait_for(
                predicate=lambda c: (c.method in SAYS and c.ok
                                     and c.params.get("chat_id") == chat_id),
                timeout=timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot said nothing more in chat {chat_id} within {timeout}s; expected a "
                f"message that {expected}.\n{self._history(chat_id)}{self._log_tail()}"
            ) from None
        text = _text(call)
        self.said.setdefault(chat_id, []).append(text)
        problems = []
        if equals is not None and text != equals:
            problems.append(f"expected exactly:\n  {equals!r}")
        problems += [f"expected it to contain:\n  {c!r}" for c in contains if c not in text]
        problems += [f"expected it NOT to contain:\n  {c!r}" for c in lacks if c in text]
        for value in [equals, *contains]:
            if isinstance(value, Localized):
                self._note(value)
                if value.locale == "zh_CN" and value.translated and not has_cjk(
                        text, value.params):
                    problems.append("expected a Chinese reply (CJK characters)")
        if problems:
            raise AssertionError(f"in chat {chat_id} the bot said:\n  {text!r}\n"
                                 + "\n".join(problems) + "\n" + self._history(chat_id))
        return call.result if isinstance(call.result, dict) else call.params

    async def bot_buttons(self, chat: FakeUser | FakeChat | int, *, equals: str | None = None,
                          contains: str | Sequence[str] = (), buttons: Sequence[str] = (),
                          timeout: float = REPLY_TIMEOUT) -> JSON:  # noqa: ASYNC109
        """Like `bot_says`, for a message that must carry these inline buttons."""
        message = await self.bot_says(chat, equals=equals, contains=contains, timeout=timeout)
        labels = [text for text, _ in _buttons(message)]
        for button in buttons:
            self._note(button)
        absent = [b for b in buttons if b not in labels]
        if not labels or absent:
            raise AssertionError(f"the bot's message {message.get('text')!r} has buttons "
                                 f"{labels}; expected {list(buttons) or 'some'}")
        return message

    async def bot_answers(self, query_id: str, *, equals: str | None = None,
                          alert: bool | None = None,
                          timeout: float = REPLY_TIMEOUT) -> JSON:  # noqa: ASYNC109
        """The bot's answerCallbackQuery to the press `query_id` (its toast or alert)."""
        try:
            call = await self.server.wait_for(
                "answerCallbackQuery",
                predicate=lambda c: str(c.params.get("callback_query_id")) == query_id,
                timeout=timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not answer the button press {query_id} within "
                                 f"{timeout}s{self._log_tail()}") from None
        text = call.params.get("text")
        if equals is not None:
            if isinstance(equals, Localized):
                self._note(equals)
            assert text == equals, f"the bot answered the press with {text!r}, not {equals!r}"
        if alert is not None:
            shown = bool(call.params.get("show_alert"))
            assert shown == alert, f"show_alert was {shown}, expected {alert}"
        assert call.ok, f"answerCallbackQuery failed: {call.description}"
        return call.params

    async def bot_is_silent(self, chat: FakeUser | FakeChat | int, quiet: float = 0.5) -> None:
        """Nothing more was said in `chat` once the bot has been idle for `quiet` seconds."""
        await self.server.wait_idle(quiet=quiet)
        chat_id = _chat_id(chat)
        extra = []
        with contextlib.suppress(TimeoutError):
            while True:
                call = await self.server.wait_for(
                    predicate=lambda c: (c.method in SAYS
                                         and c.params.get("chat_id") == chat_id), timeout=0)
                extra.append(_text(call))
        assert not extra, f"the bot said more in chat {chat_id} than expected: {extra!r}"

    # -- reporting ---------------------------------------------------------------------------
    def problems(self) -> list[str]:
        """What is wrong besides the assertions already made: tracebacks in the log, texts
        zh_CN does not translate yet. (The conftest adds the calls Telegram refused.)"""
        found = []
        if self.bot is not None and "Traceback" in self.bot.logs(self.log_before):
            found.append("a traceback in the bot's log:\n" + self.bot.logs(self.log_before))
        if self.missing:
            found.append("zh_CN has no translation yet for: "
                         + "; ".join(repr(m) for m in sorted(self.missing)))
        return found

    def _note(self, value: str) -> None:
        if isinstance(value, Localized) and not value.translated:
            self.missing[value.msgid] = value.locale

    def _history(self, chat_id: int) -> str:
        said = self.said.get(chat_id, [])
        later = [f"{c.method}: {_text(c)!r}" for c in self.server.calls
                 if c.method in SAYS and c.params.get("chat_id") == chat_id]
        return ("earlier in this transcript the bot said: "
                + json.dumps(said[:-1], ensure_ascii=False)
                + "\neverything the bot said in this chat: "
                + ("\n  ".join(["", *later]) if later else "(nothing)"))

    def _log_tail(self) -> str:
        return f"\n--- bot log (tail) ---\n{self.bot.tail(40)}" if self.bot else ""


def duplicate(update: JSON) -> JSON:
    """The same update again, same update_id: what Telegram does after a lost ack."""
    return copy.deepcopy(update)
