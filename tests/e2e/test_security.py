"""Secrets and the webhook, with the real bot process in webhook mode at LOG_LEVEL=DEBUG: only
requests carrying the secret token get in, the operator's /healthz and /metrics answer, and
the bot token never reaches the log — at DEBUG, through a handler error, up to the shutdown.

The tests of this module run in order on one process: the last one stops it."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
import pytest

from storage import UnitOfWork, outbox_repo
from tests.e2e.conftest import WEBHOOK_SECRET, BotSpec
from tests.e2e.harness import SECRET_PART, TOKEN, BotProcess, Transcript, en, eventually
from tests.e2e.texts import HELP_TITLE, LANGUAGE_SET, OOPS, WELCOME
from tests.fakes.telegram_server import FakeTelegramServer

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

BOTS = {"bot": BotSpec(env={"LOG_LEVEL": "DEBUG"}, webhook=True)}
WEBHOOK_PATH = "/telegram/webhook"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def url(bot: BotProcess, path: str) -> str:
    return f"http://{bot.overrides['WEBHOOK_LISTEN']}{path}"


async def post(bot: BotProcess, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET,
               ) -> int:
    """POSTs an update to the bot's webhook like Telegram does; returns the HTTP status."""
    headers = {HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as http, http.post(
            url(bot, WEBHOOK_PATH), json=update, headers=headers) as response:
        return response.status


async def get(bot: BotProcess, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url(bot, path)) as response:
        return response.status, await response.text()


def telegram(bot: BotProcess) -> Callable[[dict[str, Any]], Coroutine[Any, Any, None]]:
    """What a transcript uses to deliver the user's updates: Telegram posting them."""
    async def deliver(update: dict[str, Any]) -> None:
        status = await post(bot, update)
        assert status == 200, f"the webhook answered {status} to Telegram's own request"
    return deliver


def token_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if TOKEN in line or SECRET_PART in line]


async def test_the_webhook_is_registered_with_its_secret(
        server: FakeTelegramServer, bot: BotProcess):
    (call,) = server.calls_of("setWebhook")
    assert call.params["url"] == "https://example.invalid" + WEBHOOK_PATH
    assert call.params.get("secret_token") == WEBHOOK_SECRET
    assert not server.calls_of("getUpdates"), "a bot in webhook mode must not poll"


async def test_only_requests_with_the_secret_token_are_handled(
        server: FakeTelegramServer, bot: BotProcess):
    t = Transcript(server, bot)
    user = server.user(3101, "Hook", "en")
    forged = [server.send_text(user, "/start"), server.send_text(user, "/start")]
    for update in forged:
        server.updates.remove(update)  # never offered to getUpdates: only posted below
    assert await post(bot, forged[0], secret=None) == 401
    assert await post(bot, forged[1], secret="wrong") == 401
    t.deliver = telegram(bot)
    await t.user_says(user, "/help")
    await t.bot_says(user, contains=en(HELP_TITLE))
    await t.bot_is_silent(user)  # the two refused /start were never handled
    assert not t.problems(), t.problems()


async def test_health_and_metrics_answer(bot: BotProcess):
    assert await get(bot, "/healthz") == (200, '{"status": "ok"}')
    async with bot.database() as db:
        uow = UnitOfWork(db, bot.clock())
        async with uow:
            outbox_repo.enqueue(uow.session, chat_id=-1_001_800_000_001, kind="daily_digest",
                                now=uow.now(), params={
                                    "community": "幸福里", "day": "2026-12-01T01:00:00+00:00",
                                    "timezone": "Asia/Shanghai", "groups_active": 1,
                                    "groups_inactive": 0})
            await uow.commit()
    status, text = await eventually(
        lambda: get(bot, "/metrics"), what="/metrics counting the sent message",
        until=lambda answer: 'zhongyi_outbox_messages{status="sent"} 1' in answer[1])
    assert status == 200
    assert re.search(r"^# TYPE zhongyi_outbox_messages gauge$", text, re.M), text


async def test_the_token_never_reaches_the_logs(server: FakeTelegramServer, bot: BotProcess):
    """A DEBUG run handles a few updates, a button and a handler error."""
    t = Transcript(server, bot, deliver=telegram(bot))  # not the fixture: a traceback is due
    user = server.user(3001, "Mallory", "en")
    await t.user_says(user, "/start")
    await t.bot_says(user, equals=en(WELCOME, name=user.first_name))
    await t.user_says(user, "/language")
    menu = await t.bot_buttons(user, buttons=["✓ English"])
    await t.press(user, menu, "✓ English")
    await t.bot_says(user, equals=en(LANGUAGE_SET, language="English"))
    server.fail_next("sendMessage", 502)  # the handler's reply fails: the error handler runs
    await t.user_says(user, "/help")
    await t.bot_says(user, equals=en(OOPS))
    await t.user_says(user, "/privacy")
    await t.bot_says(user, contains="/delete_me")

    log = bot.logs()
    assert " DEBUG " in log, "the run did not log at DEBUG: the test proves nothing"
    assert "Traceback" in log, "no handler error was logged: the test proves nothing"
    assert not token_lines(log), "the bot token is in the log:\n" + "\n".join(token_lines(log))


async def test_webhook_mode_stops_cleanly_on_sigterm(bot: BotProcess):
    code = await bot.stop()
    assert not token_lines(bot.logs()), "the bot token is in the log (at shutdown)"
    assert code == 0, (f"SIGTERM killed the webhook process (exit {code}) instead of shutting "
                       f"it down:\n{bot.tail(10)}")
