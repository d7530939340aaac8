"""The outbox against Telegram's send limits, with the real bot process: every queued
message reaches its group exactly once — through 429s, a restart, a crash, a group that
kicked the bot and a group that became a supergroup.

The rows are seeded with the project's own storage API, as a service would enqueue them;
every test uses its own groups, so one bot process serves the module."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import select

from storage import UnitOfWork, groups_repo, outbox_repo
from storage.models import ChatGroup, OutboxMessage
from tests.e2e.harness import BotProcess, en, eventually, has_cjk, zh
from tests.e2e.texts import DIGEST_CONNECTED, DIGEST_TITLE
from tests.fakes.telegram_server import Call, FakeTelegramServer

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

COMMUNITY = "幸福里"
DAY = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
PARAMS = {"community": COMMUNITY, "day": DAY.isoformat(), "timezone": "Asia/Shanghai",
          "groups_active": 3, "groups_inactive": 0}
_group_ids = itertools.count(1)


def new_groups(server: FakeTelegramServer, n: int, kind: str = "supergroup") -> list[int]:
    """`n` groups the bot is a member of (the fake's default), never used by another test."""
    ids = []
    for _ in range(n):
        number = next(_group_ids)
        chat_id = -1_001_700_000_000 - number if kind == "supergroup" else -700_000 - number
        server.group(chat_id, f"楼栋群 {number}", kind)
        ids.append(chat_id)
    return ids


async def seed(bot: BotProcess, chat_ids: Iterable[int], *, en_groups: Iterable[int] = (),
               known_groups: Iterable[int] = ()) -> None:
    """Queues one daily digest per group in one transaction, like a service would; groups in
    `en_groups` / `known_groups` get a chat_groups row (English / the default locale)."""
    async with bot.database() as db:
        uow = UnitOfWork(db, bot.clock())
        async with uow:
            now = uow.now()
            for chat_id in [*en_groups, *known_groups]:
                await groups_repo.seen_group(uow.session, chat_id, "楼栋群", now, active=True)
            for chat_id in en_groups:
                await groups_repo.set_locale(uow.session, chat_id, "en", now)
            for chat_id in chat_ids:
                outbox_repo.enqueue(uow.session, chat_id=chat_id, kind="daily_digest",
                                    params=dict(PARAMS), now=now)
            await uow.commit()


async def rows(bot: BotProcess, chat_ids: Iterable[int]) -> dict[int, OutboxMessage]:
    async with bot.database() as db, db.reading() as session:
        found = await session.scalars(select(OutboxMessage).where(
            OutboxMessage.chat_id.in_(list(chat_ids))))
        return {row.chat_id: row for row in found}


async def statuses(bot: BotProcess, chat_ids: Iterable[int]) -> Counter[str]:
    return Counter(row.status for row in (await rows(bot, chat_ids)).values())


def delivered(server: FakeTelegramServer, chat_ids: Iterable[int]) -> Counter[int]:
    """How many messages each of these chats received (answered 200 by the server)."""
    wanted = set(chat_ids)
    return Counter(c.params["chat_id"] for c in server.calls_of("sendMessage")
                   if c.ok and c.params.get("chat_id") in wanted)


async def wait_delivered(server: FakeTelegramServer, bot: BotProcess, chat_ids: Iterable[int],
                         timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Waits on the server's calls until each chat got a message."""
    waiting = set(chat_ids) - set(delivered(server, chat_ids))

    def wanted(call: Call) -> bool:
        return call.ok and call.params.get("chat_id") in waiting

    while waiting:
        try:
            call = await server.wait_for("sendMessage", wanted, timeout=timeout)
        except TimeoutError:
            raise AssertionError(
                f"{len(waiting)} groups got nothing within {timeout}s: {sorted(waiting)[:5]}…; "
                f"outbox: {dict(await statuses(bot, chat_ids))}\n{bot.tail(30)}") from None
        waiting.discard(call.params["chat_id"])


async def all_sent_once(server: FakeTelegramServer, bot: BotProcess, chat_ids: list[int]) -> None:
    await server.wait_idle(quiet=0.5, timeout=30)
    counts = delivered(server, chat_ids)
    twice = {chat: n for chat, n in counts.items() if n > 1}
    assert not twice, f"groups that got the digest more than once: {twice}"
    assert set(counts) == set(chat_ids), f"groups that got nothing: {set(chat_ids) - set(counts)}"
    found = await rows(bot, chat_ids)
    assert {r.status for r in found.values()} == {"sent"}, await statuses(bot, chat_ids)
    assert all(r.message_id for r in found.values()), "a sent row without its message_id"


def digest(locale: str) -> list[str]:
    """The two lines of the digest as a reader in `locale` should see them."""
    tr = zh if locale == "zh_CN" else en
    day = format_date(DAY.astimezone(ZoneInfo("Asia/Shanghai")), "long", locale=locale)
    return [tr(DIGEST_TITLE, community=COMMUNITY, day=day), tr(DIGEST_CONNECTED, active=3)]


async def test_a_broadcast_to_60_groups_keeps_the_limits_and_each_locale(
        server: FakeTelegramServer, bot: BotProcess):
    """Every group gets exactly one digest, no 429 at all, in the group's language."""
    groups = new_groups(server, 60)
    english = groups[:2]
    before = server.count_429
    await seed(bot, groups, en_groups=english)
    await wait_delivered(server, bot, groups)
    await all_sent_once(server, bot, groups)
    assert server.count_429 == before, "the sender broke Telegram's limits (429)"

    assert server.sent(english[0])[0]["text"] == "\n".join(digest("en"))
    text = server.sent(groups[-1])[0]["text"]
    missing = [line.msgid for line in digest("zh_CN") if not line.translated]
    assert not missing, f"zh_CN has no translation yet for {missing}; the group got {text!r}"
    assert text == "\n".join(digest("zh_CN"))
    assert has_cjk(text, [COMMUNITY]), f"a zh_CN group got no Chinese: {text!r}"


async def test_under_tight_limits_429s_are_waited_out_and_nothing_is_lost(
        server: FakeTelegramServer, bot: BotProcess):
    """The server allows 5 sends a second: the sender waits retry_after and keeps the row."""
    groups = new_groups(server, 12)
    before = server.count_429
    normal = server.rate_limiter.limits
    server.rate_limiter.limits = dataclasses.replace(normal, global_per_second=5)
    try:
        await seed(bot, groups)
        await wait_delivered(server, bot, groups)
        await all_sent_once(server, bot, groups)
    finally:
        server.rate_limiter.limits = normal
    assert server.count_429 > before, "the tightened limits were never hit: test proves nothing"


async def test_a_restart_in_the_middle_sends_nothing_twice(
        server: FakeTelegramServer, bot: BotProcess):
    groups = new_groups(server, 40)
    await seed(bot, groups)
    for _ in range(15):
        await server.wait_for("sendMessage", lambda c: c.ok and c.params["chat_id"] in groups)
    code = await bot.stop()
    assert code == 0, f"SIGTERM did not stop the bot cleanly ({code})"
    halfway = await statuses(bot, groups)
    assert halfway["sending"] == 0, f"a clean stop left rows half-sent: {dict(halfway)}"
    assert halfway["pending"] > 0, "everything was sent before the stop: test proves nothing"
    await bot.start()
    await wait_delivered(server, bot, groups)
    await all_sent_once(server, bot, groups)


async def test_a_group_that_kicked_the_bot_is_marked_inactive(
        server: FakeTelegramServer, bot: BotProcess):
    kicked, fine = new_groups(server, 2)
    server.forbid(kicked)
    await seed(bot, [kicked, fine], known_groups=[kicked, fine])
    await wait_delivered(server, bot, [fine])

    async def state() -> tuple[str, bool | None]:
        row = (await rows(bot, [kicked]))[kicked]
        async with bot.database() as db, db.reading() as session:
            active = await session.scalar(select(ChatGroup.active).where(
                ChatGroup.chat_id == kicked))
        return row.status, active

    settled = await eventually(state, until=lambda s: s[0] not in ("pending", "sending"),
                               what="the kicked group's row settled")
    assert settled == ("failed", False), "want: row failed, chat_groups.active false"
    refused = [c for c in server.calls_of("sendMessage") if c.params["chat_id"] == kicked]
    assert refused, "the sender never tried the kicked group"
    assert all(c.status == 403 for c in refused)
    assert (await rows(bot, [fine]))[fine].status == "sent"


async def test_a_group_that_became_a_supergroup_gets_it_at_its_new_id(
        server: FakeTelegramServer, bot: BotProcess):
    (old,) = new_groups(server, 1, kind="group")
    new = old * 1000 - 1_000_000_000_000
    server.migrate_group(old, new)
    await seed(bot, [old], known_groups=[old])
    await wait_delivered(server, bot, [new])
    await server.wait_idle(quiet=0.5)
    assert delivered(server, [old, new]) == {new: 1}
    assert (await rows(bot, [new]))[new].status == "sent"
    async with bot.database() as db, db.reading() as session:
        known = list(await session.scalars(select(ChatGroup.chat_id).where(
            ChatGroup.chat_id.in_([old, new]))))
    assert known == [new], "the group's record did not move to its supergroup id"


async def test_a_crash_in_the_middle_sends_nothing_twice(
        server: FakeTelegramServer, bot: BotProcess):
    """SIGKILL mid-broadcast, restarted at once like a supervisor would. Rows caught
    mid-send are not resent (Telegram has no idempotency key): once the bot's clock is past
    the 5-minute claim timeout they are marked failed, and their groups are free again."""
    groups = new_groups(server, 40)
    await seed(bot, groups)
    for _ in range(15):
        await server.wait_for("sendMessage", lambda c: c.ok and c.params["chat_id"] in groups)
    await bot.kill()
    caught = {chat for chat, row in (await rows(bot, groups)).items() if row.status == "sending"}
    await bot.start()
    others = [g for g in groups if g not in caught]
    await wait_delivered(server, bot, others)

    bot.advance(301)

    final = await eventually(lambda: statuses(bot, groups),
                             until=lambda found: not found["sending"] and not found["pending"],
                             what="every row sent or failed once past the claim timeout",
                             timeout=5)
    await server.wait_idle(quiet=0.5)
    counts = delivered(server, groups)
    assert max(counts.values()) == 1, {c: n for c, n in counts.items() if n > 1}
    assert final["failed"] <= len(caught), final
    by_chat = await rows(bot, groups)
    assert all(counts[c] == 1 for c, row in by_chat.items() if row.status == "sent")

    # A caught group is not blocked for ever: its next message goes out.
    if caught:
        later = min(caught)
        server.reset_cursor(to_end=True)
        await seed(bot, [later])
        try:
            await server.wait_for("sendMessage", lambda c: c.ok and c.params["chat_id"] == later)
        except TimeoutError:
            raise AssertionError(f"group {later} gets nothing any more after the crash: "
                                 f"{dict(await statuses(bot, [later]))}") from None
