"""Shared fixtures: a migrated database (SQLite file always, PostgreSQL where reachable),
a frozen clock, and the real application wired to a fake Bot API session."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.app import App, build_app
from bot.config import Settings
from bot.domain.clock import FrozenClock
from bot.pacer import Pacer
from storage import Database
from storage.migrate import upgrade
from tests.fakes.session import FakeSession

PG_URL = os.environ.get("ZHONGYI_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
TOKEN = "123456:TEST-TOKEN-abcdefghijklmnop"
ADMIN_ID = 9001


def _pg_reachable() -> str | None:
    """Returns why PostgreSQL cannot be used, or None when it can."""
    async def probe() -> None:
        import asyncpg

        conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg", "postgresql"),
                                     timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_URL} ({exc.__class__.__name__}: {exc})"
    return None


PG_SKIP_REASON = _pg_reachable()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))


async def make_database(kind: str, tmp_path: object) -> AsyncIterator[Database]:
    if kind == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path}/zhongyi.sqlite3")
        await upgrade(db)
        yield db
        await db.dispose()
        return
    if PG_SKIP_REASON:
        pytest.skip(PG_SKIP_REASON)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    await upgrade(db)
    try:
        yield db
    finally:
        await db.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[Database]:
    """A migrated database: an SQLite file, and PostgreSQL where one is reachable."""
    async for database in make_database(request.param, tmp_path):
        yield database


@pytest.fixture
async def sqlite_db(tmp_path: object) -> AsyncIterator[Database]:
    async for database in make_database("sqlite", tmp_path):
        yield database


def make_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {"telegram_bot_token": TOKEN,
                                 "bootstrap_admin_ids": frozenset({ADMIN_ID}),
                                 "_env_file": None}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def fake_session() -> FakeSession:
    return FakeSession()


@pytest.fixture
async def app(sqlite_db: Database, clock: FrozenClock,
              fake_session: FakeSession) -> AsyncIterator[App]:
    """The real Dispatcher and Bot on a real SQLite file, Telegram replaced by the fake
    session; fails the test on any call Telegram would reject or nobody expected."""
    application = build_app(make_settings(), clock, session=fake_session, db=sqlite_db,
                            pacer=Pacer(1000, chat_per_second=1000, chat_burst=1000))
    failures = FailedUpdates()
    logging.getLogger("handlers.errors").addHandler(failures)
    try:
        yield application
    finally:
        logging.getLogger("handlers.errors").removeHandler(failures)
    assert fake_session.errors == [], "calls Telegram would reject"
    assert fake_session.unexpected == [], "calls nobody expected"
    assert failures.records == [], "an update failed with an unexpected exception"


class FailedUpdates(logging.Handler):
    """Collects the errors the bot's error handler logged (it hides them from users)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))
