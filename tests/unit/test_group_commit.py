"""Group commit on a real database: reports submitted at the same moment share a transaction
and still behave as if each had its own — numbered in order, committed with their update's
inbox row, a refusal or a redelivered update only its own caller's problem, a conflict
retried, a caller that gave up left out."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.domain.clock import FrozenClock
from bot.services.errors import NotFound
from bot.services.report_filing import ReportDesk
from bot.services.reports import ReportDraft, start_report
from storage import Database, DuplicateUpdate, UnitOfWork
from storage.case_models import Case
from storage.group_commit import GroupCommit
from storage.models import InboxEntry, OutboxMessage
from storage.uow import record_update
from tests.builders import make_group, make_resident, make_roster

ADMIN, PROPERTY_CHAT = 9001, -1001
RESIDENTS = list(range(101, 113))


@pytest.fixture
async def estate(db: Database, clock: FrozenClock):
    roster = await make_roster(db, clock, admin_id=ADMIN)
    homes = list(roster.homes.values())
    for n, user in enumerate(RESIDENTS):
        await make_resident(db, clock, user, homes[n % len(homes)])
    await make_group(db, clock, roster.community_id, None, PROPERTY_CHAT, purpose="property")
    return roster


async def drafts(db: Database, clock: FrozenClock) -> dict[int, ReportDraft]:
    out = {}
    for user in RESIDENTS:
        start = await start_report(UnitOfWork(db, clock), user)
        out[user] = ReportDraft(category_id=start.categories[0].id,
                                description=f"楼道灯不亮 {user}",
                                household_id=start.homes[0].household_id, place="home")
    return out


async def count(db: Database, what) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(what))


async def test_reports_submitted_together_share_a_transaction(db, clock, estate):
    mine = await drafts(db, clock)
    desk = ReportDesk(db, clock)
    uows = [UnitOfWork(db, clock, update_id=500 + n) for n in range(len(RESIDENTS))]
    views = await asyncio.gather(*[desk.submit(uow, user, mine[user])
                                   for uow, user in zip(uows, RESIDENTS, strict=True)])
    assert [v.number for v in views] == list(range(1, len(RESIDENTS) + 1))
    assert [v.description for v in views] == [mine[u].description for u in RESIDENTS]
    assert sum(desk.transactions.values()) < len(RESIDENTS)  # some shared one
    assert sum(size * n for size, n in desk.transactions.items()) == len(RESIDENTS)
    assert all(uow.inbox_recorded for uow in uows)
    assert await count(db, InboxEntry) == len(RESIDENTS)
    assert await count(db, OutboxMessage) == len(RESIDENTS)  # one card each
    async with db.reading() as session:
        saved = dict((await session.execute(select(Case.reporter_id, Case.number))).all())
    assert saved == {v.reporter_id: v.number for v in views}


async def test_a_refused_report_in_a_batch_is_only_its_callers(db, clock, estate):
    mine = await drafts(db, clock)
    forged = ReportDraft(**{**vars(mine[RESIDENTS[1]]), "category_id": 99_999})
    desk = ReportDesk(db, clock)
    uows = [UnitOfWork(db, clock, update_id=600 + n) for n in range(3)]
    outcomes = await asyncio.gather(
        desk.submit(uows[0], RESIDENTS[0], mine[RESIDENTS[0]]),
        desk.submit(uows[1], RESIDENTS[1], forged),
        desk.submit(uows[2], RESIDENTS[2], mine[RESIDENTS[2]]), return_exceptions=True)
    assert isinstance(outcomes[1], NotFound)
    assert [outcomes[0].number, outcomes[2].number] == [1, 2]
    assert [u.inbox_recorded for u in uows] == [True, False, True]
    assert desk.transactions == {3: 1}
    assert await count(db, Case) == 2


async def test_a_redelivered_update_fails_alone_and_the_rest_are_filed(db, clock, estate):
    """The shared transaction fails on the inbox row; each call then runs on its own."""
    mine = await drafts(db, clock)
    await record_update(db, 701, clock.now())  # update 701 was handled already
    desk = ReportDesk(db, clock)
    outcomes = await asyncio.gather(*[
        desk.submit(UnitOfWork(db, clock, update_id=700 + n), user, mine[user])
        for n, user in enumerate(RESIDENTS[:3])], return_exceptions=True)
    assert isinstance(outcomes[1], DuplicateUpdate)
    assert [outcomes[0].number, outcomes[2].number] == [1, 2]
    assert desk.transactions == {1: 3}
    assert await count(db, Case) == 2
    assert await count(db, InboxEntry) == 3


async def test_a_conflict_is_retried_and_a_caller_that_gave_up_is_left_out(db, clock):
    """Generic: the work conflicts twice (another process took the number), then
    succeeds; a caller cancelled before its batch starts has no effect."""
    calls: list[list[str]] = []

    async def work(session, now, items):
        calls.append(list(items))
        if "conflict" in items and sum("conflict" in c for c in calls) <= 2:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return [item.upper() for item in items]

    group: GroupCommit[str, str] = GroupCommit(db, clock, work)
    first = asyncio.create_task(group.run(UnitOfWork(db, clock), "first"))
    gone = asyncio.create_task(group.run(UnitOfWork(db, clock), "gone"))
    conflict = asyncio.create_task(group.run(UnitOfWork(db, clock), "conflict"))
    await asyncio.sleep(0)  # all three queued, the worker not started yet
    gone.cancel()
    assert await first == "FIRST"
    assert await conflict == "CONFLICT"
    with pytest.raises(asyncio.CancelledError):
        await gone
    # The shared transaction (without the cancelled call) fails; each runs on its own,
    # and the conflicting one is tried again.
    assert calls == [["first", "conflict"], ["first"], ["conflict"], ["conflict"]]
    assert group.sizes == {1: 2}


async def test_an_unexpected_error_reaches_its_caller_only(db, clock):
    async def work(session, now, items):
        if "broken" in items:
            raise RuntimeError("broken")
        return items

    group: GroupCommit[str, str] = GroupCommit(db, clock, work)
    outcomes = await asyncio.gather(*[group.run(UnitOfWork(db, clock), item)
                                      for item in ("a", "broken", "b")],
                                    return_exceptions=True)
    assert outcomes[0] == "a"
    assert outcomes[2] == "b"
    assert isinstance(outcomes[1], RuntimeError)


async def test_a_lone_report_is_filed_at_once(db, clock, estate):
    mine = await drafts(db, clock)
    desk = ReportDesk(db, clock)
    view = await desk.submit(UnitOfWork(db, clock, update_id=800), RESIDENTS[0],
                             mine[RESIDENTS[0]])
    assert view.number == 1
    assert desk.transactions == {1: 1}
    with pytest.raises(NotFound):
        await desk.submit(UnitOfWork(db, clock, update_id=801), RESIDENTS[0],
                          ReportDraft(**{**vars(mine[RESIDENTS[0]]), "category_id": 99_999}))
    assert await count(db, InboxEntry) == 1
