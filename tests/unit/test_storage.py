"""The unit of work, the inbox and the outbox table, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.clock import FrozenClock
from bot.services.groups import bot_joined_group, bot_left_group, group_migrated
from bot.services.users import register_user, set_user_locale
from storage import Database, DuplicateUpdate, UnitOfWork, outbox_repo
from storage.models import ChatGroup, InboxEntry, OutboxMessage, User
from storage.uow import record_update, seen_in


async def update_seen(db: Database, update_id: int) -> bool:
    async with db.reading() as session:
        return await seen_in(session, update_id)


async def count(db: Database, model: type) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_update_and_its_effects_commit_together(db: Database, clock: FrozenClock):
    await register_user(UnitOfWork(db, clock, update_id=10), 1, "A", None, "en")
    assert await update_seen(db, 10)
    with pytest.raises(DuplicateUpdate):
        await set_user_locale(UnitOfWork(db, clock, update_id=10), 1, "zh_CN")
    async with db.reading() as session:
        assert await session.scalar(select(User.locale).where(User.id == 1)) is None
    assert await count(db, InboxEntry) == 1


async def test_update_without_effects_is_recorded_once(db: Database, clock: FrozenClock):
    await record_update(db, 11, clock.now())
    await record_update(db, 11, clock.now())
    assert await update_seen(db, 11)
    assert await count(db, InboxEntry) == 1


async def test_concurrent_writers_never_hit_a_locked_database(db: Database, clock: FrozenClock):
    async def one(i: int) -> None:
        uow = UnitOfWork(db, clock, update_id=1000 + i)
        await register_user(uow, i, f"user{i}", None, "zh")
        await set_user_locale(uow, i, "en")

    await asyncio.gather(*(one(i) for i in range(1, 81)))
    assert await count(db, User) == 80
    assert await count(db, InboxEntry) == 80


async def test_claim_takes_one_row_per_chat_oldest_first(db: Database, clock: FrozenClock):
    async with UnitOfWork(db, clock) as uow:
        for chat in (-1, -1, -2, 3):
            outbox_repo.enqueue(uow.session, chat_id=chat, kind="k", params={"n": chat},
                                now=clock.now())
        outbox_repo.enqueue(uow.session, chat_id=-4, kind="k", params={}, now=clock.now(),
                            not_before=clock.now() + timedelta(hours=1))
        await uow.commit()
    rows = await outbox_repo.claim(db, clock.now(), 10, busy_chats={3})
    assert [r.chat_id for r in rows] == [-1, -2]
    rest = await outbox_repo.claim(db, clock.now(), 10, busy_chats=set())
    assert [r.chat_id for r in rest] == [3], "chat -1 still has a row in flight"
    await outbox_repo.mark_sent(db, rows[0].id, 55, clock.now())
    last = await outbox_repo.claim(db, clock.now(), 10, busy_chats=set())
    assert [(r.chat_id, r.params) for r in last] == [(-1, {"n": -1})]


async def test_rows_of_a_migrated_group_follow_it(db: Database, clock: FrozenClock):
    await bot_joined_group(UnitOfWork(db, clock), -100, "Building 1")
    async with UnitOfWork(db, clock) as uow:
        outbox_repo.enqueue(uow.session, chat_id=-100, kind="k", params={}, now=clock.now())
        await uow.commit()
    await group_migrated(UnitOfWork(db, clock), -100, -1001234567890)
    async with db.reading() as session:
        assert await session.scalar(select(OutboxMessage.chat_id)) == -1001234567890
        assert await session.scalar(select(ChatGroup.chat_id)) == -1001234567890


async def test_removed_group_is_inactive_and_its_queue_dropped(db: Database, clock: FrozenClock):
    await bot_joined_group(UnitOfWork(db, clock), -200, "Floor 3")
    async with UnitOfWork(db, clock) as uow:
        outbox_repo.enqueue(uow.session, chat_id=-200, kind="k", params={}, now=clock.now())
        await uow.commit()
    await bot_left_group(UnitOfWork(db, clock), -200, "removed")
    async with db.reading() as session:
        assert await session.scalar(select(ChatGroup.active)) is False
        assert await session.scalar(select(OutboxMessage.status)) == "failed"


async def test_interrupted_sends_are_not_repeated(db: Database, clock: FrozenClock):
    async with UnitOfWork(db, clock) as uow:
        outbox_repo.enqueue(uow.session, chat_id=-1, kind="k", params={}, now=clock.now())
        await uow.commit()
    assert len(await outbox_repo.claim(db, clock.now(), 5, set())) == 1
    clock.advance(timedelta(minutes=10))
    assert await outbox_repo.recover_interrupted(db, clock.now() - timedelta(minutes=5)) == 1
    assert await outbox_repo.claim(db, clock.now(), 5, set()) == []


async def test_migrations_match_the_models(db: Database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.models import Base

    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_a_failed_begin_releases_the_write_lock(sqlite_db: Database, clock: FrozenClock,
                                                     monkeypatch: pytest.MonkeyPatch):
    from sqlalchemy.ext.asyncio import AsyncSession

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(AsyncSession, "connection", broken)
    with pytest.raises(RuntimeError):
        async with UnitOfWork(sqlite_db, clock):
            pass
    monkeypatch.undo()
    assert not sqlite_db.write_lock.locked()
    await register_user(UnitOfWork(sqlite_db, clock), 5, "E", None, "en")


async def test_the_hot_read_path_sees_every_commit(db: Database, clock: FrozenClock):
    stmt = select(User.locale).where(User.id == 7)
    assert await db.read_row(stmt) is None
    await register_user(UnitOfWork(db, clock), 7, "G", None, "en")
    assert (await db.read_row(stmt)).locale is None
    await set_user_locale(UnitOfWork(db, clock), 7, "zh_CN")
    assert (await db.read_row(stmt)).locale == "zh_CN", "no stale snapshot between reads"
