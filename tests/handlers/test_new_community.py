"""Handler tier: the /newcommunity flow — refusals, bad input, start over, cancel, and a
flow that continues on a second Dispatcher after a restart."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from bot.domain.clock import FrozenClock
from bot.pacer import Pacer
from storage import Database
from storage.models import Community, RoleAssignment
from tests.conftest import ADMIN_ID, make_settings
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person, make_callback, make_message

ADMIN = Person(ADMIN_ID, "Wang", "en")
STRANGER = Person(555, "Zhao", "en")


async def feed(app: App, update: object) -> None:
    await app.dp.feed_update(app.bot, update)


async def communities(db: Database) -> list[tuple[str, str, str]]:
    async with db.reading() as session:
        rows = await session.execute(select(Community.name, Community.timezone,
                                            Community.locale))
        return [tuple(r) for r in rows]


async def test_only_bootstrap_admins_may_create(app: App, fake_session: FakeSession):
    await feed(app, make_message(STRANGER, "/newcommunity"))
    (answer,) = fake_session.texts()
    assert answer.startswith("Only the operators of this bot can create a community.")
    assert "BOOTSTRAP_ADMIN_IDS" not in answer
    assert "Traceback" not in answer


async def test_create_with_bad_input_then_confirm(app: App, fake_session: FakeSession,
                                                   sqlite_db: Database):
    await feed(app, make_message(ADMIN, "/newcommunity"))
    assert "name" in fake_session.texts()[0]
    await feed(app, make_message(ADMIN, "x" * 101))
    assert "101" in fake_session.texts()[0]
    await feed(app, make_message(ADMIN, "  Sunny   Garden "))
    assert "time zone" in fake_session.texts()[0]
    await feed(app, make_message(ADMIN, "Mars/Base"))
    assert "Mars/Base" in fake_session.texts()[0]
    await feed(app, make_message(ADMIN, "asia/urumqi"))  # any case: stored as IANA spells it
    assert "language" in fake_session.texts()[0]
    await feed(app, make_callback(ADMIN, "v1flow:nc:lang:en"))
    summary = fake_session.texts()[-1]
    assert "Sunny Garden" in summary
    assert "Asia/Urumqi" in summary
    await feed(app, make_callback(ADMIN, "v1flow:nc:confirm:"))
    created = fake_session.texts()[-1]
    assert created.startswith("Community “Sunny Garden” is created (number 1).")
    # and what to do next, in order: the homes, the groups, the roles
    steps = created.split("\n\n", 1)[1]
    assert steps.index("/template") < steps.index("/import") < steps.index("/bind") \
        < steps.index("/roles")
    assert "/units" in steps
    assert await communities(sqlite_db) == [("Sunny Garden", "Asia/Urumqi", "en")]
    async with sqlite_db.reading() as session:
        assert await session.scalar(select(RoleAssignment.role)) == "admin"
    await feed(app, make_callback(ADMIN, "v1flow:nc:confirm:"))
    assert fake_session.texts() == ["This button has expired."]
    assert len(await communities(sqlite_db)) == 1


async def test_start_over_and_cancel_save_nothing(app: App, fake_session: FakeSession,
                                                   sqlite_db: Database):
    await feed(app, make_message(ADMIN, "/newcommunity"))
    await feed(app, make_message(ADMIN, "First"))
    await feed(app, make_callback(ADMIN, "v1flow:nc:tz:Asia/Shanghai"))
    await feed(app, make_callback(ADMIN, "v1flow:nc:lang:zh_CN"))
    await feed(app, make_callback(ADMIN, "v1flow:nc:restart:"))
    fake_session.take()
    await feed(app, make_message(ADMIN, "Second"))
    await feed(app, make_message(ADMIN, "/cancel"))
    assert fake_session.texts()[-1] == "Cancelled. Nothing was saved."
    assert await communities(sqlite_db) == []


async def test_sticker_at_a_text_step_is_answered(app: App, fake_session: FakeSession):
    await feed(app, make_message(ADMIN, "/newcommunity"))
    fake_session.take()
    await feed(app, make_message(ADMIN, "", sticker={
        "file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
        "is_animated": False, "is_video": False}))
    assert "text or the buttons" in fake_session.texts()[0]


async def test_flow_survives_a_restart(sqlite_db: Database, clock: FrozenClock):
    """Two Dispatcher instances on one database: the second continues at the same step."""
    def start() -> tuple[App, FakeSession]:
        session = FakeSession()
        application = build_app(make_settings(), clock, session=session, db=sqlite_db,
                                pacer=Pacer(1000, chat_per_second=1000, chat_burst=1000))
        return application, session

    first, first_session = start()
    await feed(first, make_message(ADMIN, "/newcommunity"))
    await feed(first, make_message(ADMIN, "Harmony Court"))
    assert "time zone" in first_session.texts()[-1]
    second, second_session = start()
    await feed(second, make_callback(ADMIN, "v1flow:nc:tz:Asia/Shanghai"))
    assert "language" in second_session.texts()[-1]
    await feed(second, make_callback(ADMIN, "v1flow:nc:lang:zh_CN"))
    assert "Harmony Court" in second_session.texts()[-1]
    assert second_session.errors == []


async def test_a_command_mid_flow_is_a_command_not_an_answer(app: App,
                                                              fake_session: FakeSession):
    await feed(app, make_message(ADMIN, "/newcommunity"))
    fake_session.take()
    await feed(app, make_message(ADMIN, "/help"))
    assert "Commands you can use here" in fake_session.texts()[0]
    await feed(app, make_message(ADMIN, "Garden"))
    assert "time zone" in fake_session.texts()[0], "the flow is still at its step"


REDIS_URL = os.environ.get("ZHONGYI_TEST_REDIS", "redis://127.0.0.1:6379/15")


def _redis_unreachable() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        return f"Redis not reachable at {REDIS_URL} ({exc.__class__.__name__}: {exc})"
    return None


async def test_flow_survives_a_restart_with_redis(sqlite_db: Database, clock: FrozenClock):
    """With REDIS_URL set, conversation state lives in Redis and a second Dispatcher (a
    restarted or second process) continues the flow."""
    reason = _redis_unreachable()
    if reason:
        pytest.skip(reason)
    import redis.asyncio

    def start() -> tuple[App, FakeSession]:
        session = FakeSession()
        application = build_app(make_settings(redis_url=REDIS_URL), clock, session=session,
                                db=sqlite_db,
                                pacer=Pacer(1000, chat_per_second=1000, chat_burst=1000))
        return application, session

    client = redis.asyncio.Redis.from_url(REDIS_URL)
    pattern = f"fsm:{ADMIN_ID}:{ADMIN_ID}:*"  # this test's keys only: the server may be shared

    async def forget() -> None:
        for key in await client.keys(pattern):
            await client.delete(key)

    await forget()
    try:
        first, first_session = start()
        await feed(first, make_message(ADMIN, "/newcommunity"))
        await feed(first, make_message(ADMIN, "Redis Court"))
        assert "time zone" in first_session.texts()[-1]
        assert await client.keys(pattern), "the state is in Redis"
        await first.dp.storage.close()
        second, second_session = start()
        await feed(second, make_callback(ADMIN, "v1flow:nc:tz:Asia/Shanghai"))
        assert "language" in second_session.texts()[-1]
        await second.dp.storage.close()
    finally:
        await forget()
        await client.aclose()
