"""The sweeper: each due row acted on once; after downtime, missed items fire once; on
PostgreSQL two sweepers running together split the work without doing anything twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select, update

from bot.domain.clock import FrozenClock, next_local_time
from bot.services.communities import create_community
from bot.services.sweeper import SweepConfig, default_tasks, sweep
from storage import Database, UnitOfWork
from storage.models import ChatGroup, Community, OutboxMessage

ADMINS = frozenset({1})


async def make_community(db: Database, clock: FrozenClock, name: str = "幸福里",
                         committee_chat: int = -500) -> int:
    info = await create_community(UnitOfWork(db, clock), creator_id=1, bootstrap_admins=ADMINS,
                                  name=name, timezone="Asia/Shanghai", locale="zh_CN",
                                  daily_time="08:00")
    async with UnitOfWork(db, clock) as uow:
        uow.session.add(ChatGroup(chat_id=committee_chat, thread_id=0, title="committee",
                                  community_id=info.id, purpose="committee", active=True,
                                  created_at=clock.now(), updated_at=clock.now()))
        await uow.commit()
    return info.id


async def digests(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.kind == "daily_digest"))


def test_next_local_time_is_in_the_communitys_zone():
    after = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert next_local_time(after, time(8), "Asia/Shanghai") == datetime(2026, 12, 2, 0, 0,
                                                                        tzinfo=UTC)
    assert next_local_time(after, time(8), "Europe/London") == datetime(2026, 12, 1, 8, 0,
                                                                        tzinfo=UTC)


async def test_daily_digest_fires_once_per_day_and_once_after_downtime(
    db: Database, clock: FrozenClock,
):
    tasks = default_tasks(SweepConfig(daily_time="08:00"))
    await make_community(db, clock)  # created at 09:00 Shanghai: first digest tomorrow 08:00
    assert (await sweep(db, clock, tasks))["daily"] == 0
    clock.advance(timedelta(hours=22, minutes=59))  # 07:59
    await sweep(db, clock, tasks)
    assert await digests(db) == 0
    clock.advance(timedelta(minutes=2))  # 08:01
    await sweep(db, clock, tasks)
    await sweep(db, clock, tasks)
    assert await digests(db) == 1
    clock.advance(timedelta(days=3, hours=5))  # the bot was down for three days
    assert (await sweep(db, clock, tasks))["daily"] == 1
    assert await digests(db) == 2
    async with db.reading() as session:
        due = await session.scalar(select(Community.next_daily_at))
    assert due.astimezone(UTC).hour == 0  # 08:00 in Shanghai
    assert due > clock.now()


async def test_sweep_handles_more_than_one_batch(db: Database, clock: FrozenClock):
    for i in range(7):
        await make_community(db, clock, name=f"c{i}", committee_chat=-600 - i)
    clock.advance(timedelta(days=1))
    handled = await sweep(db, clock, default_tasks(SweepConfig()), batch=3)
    assert handled["daily"] == 7
    assert await digests(db) == 7


async def test_two_sweepers_together_act_once_on_each_row(db: Database, clock: FrozenClock):
    for i in range(30):
        await make_community(db, clock, name=f"c{i}", committee_chat=-700 - i)
    async with db.writing() as session:
        await session.execute(update(Community).values(next_daily_at=clock.now()))
        await session.commit()
    tasks = default_tasks(SweepConfig())
    first, second = await asyncio.gather(sweep(db, clock, tasks, batch=4),
                                         sweep(db, clock, tasks, batch=4))
    assert first["daily"] + second["daily"] == 30
    assert await digests(db) == 30
