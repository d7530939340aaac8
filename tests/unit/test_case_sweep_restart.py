"""A sweep of overdue cases that dies part way — an error mid-batch, a crash just before the
commit, the task cancelled — and a fresh sweep after it: every overdue case climbs each
level exactly once, with one card per level and one notice to its reporter, and none is
skipped. Two sweepers running at once do the same."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.clock import FrozenClock
from bot.services import case_sweep
from bot.services.case_sweep import sweep_cases
from bot.services.case_views import card_params, case_view
from bot.services.report_filing import submit_report
from bot.services.reports import ReportDraft, start_report
from bot.services.sweeper import sweep
from storage import Database, UnitOfWork
from storage.case_models import Case, CaseEvent
from storage.models import OutboxMessage
from tests.builders import make_group, make_resident, make_role, make_roster

ADMIN, STAFF, OWNERS = 9001, 201, 202
PROPERTY_CHAT, COMMITTEE_CHAT = -1001, -1002
#: Where each level hears of an escalated case: both committees in the committee group,
#: the admins in private.
LEVEL_CHATS = {2: COMMITTEE_CHAT, 3: COMMITTEE_CHAT, 4: ADMIN}
#: (category, urgent) of the reports and the levels each has climbed 12 h 1 min later.
REPORTS = (("repairs", False, [2, 3, 4]),  # ack 4 h: three windows overdue
           ("sanitation", False, [2]),  # ack 8 h: one window overdue
           ("safety", False, [2, 3, 4]),  # ack 2 h: far overdue, capped at the top
           ("repairs", True, [2, 3, 4]),  # urgent: ack 1 h
           ("disputes", False, []),  # the residents' committee, ack 24 h: not due yet
           ("parking", False, [2]))  # ack 8 h
LATER = timedelta(hours=12, minutes=1)


@pytest.fixture
async def cases(db: Database, clock: FrozenClock) -> dict[int, list[int]]:
    """Reports by several residents, each case's id → the levels it must climb by LATER."""
    roster = await make_roster(db, clock, admin_id=ADMIN, floors=3, rooms=4)
    await make_role(db, clock, roster.community_id, STAFF, "property")
    await make_role(db, clock, roster.community_id, OWNERS, "owners_committee")
    await make_group(db, clock, roster.community_id, None, PROPERTY_CHAT, purpose="property")
    await make_group(db, clock, roster.community_id, None, COMMITTEE_CHAT, purpose="committee")
    expected = {}
    for n, home in enumerate(sorted(roster.homes.values())):
        user = 1000 + n
        await make_resident(db, clock, user, home)
        category, urgent, levels = REPORTS[n % len(REPORTS)]
        start = await start_report(UnitOfWork(db, clock), user)
        draft = ReportDraft(category_id=next(c.id for c in start.categories
                                             if c.label.key == category),
                            description=f"问题 {n}", household_id=home,
                            place="home" if n % 2 else "stairs", urgent=urgent)
        view = await submit_report(UnitOfWork(db, clock), user, draft)
        expected[view.id] = levels
    clock.advance(LATER)
    return expected


async def check_each_escalated_once(db: Database, clock: FrozenClock,
                                    expected: dict[int, list[int]]) -> None:
    """The timeline, the cards and the reporter's notices of each case show every level it
    climbed once; nothing is left due."""
    async with db.reading() as session:
        events = (await session.execute(
            select(CaseEvent).where(CaseEvent.kind == "escalated").order_by(CaseEvent.id)
        )).scalars().all()
        rows = (await session.execute(
            select(OutboxMessage).where(OutboxMessage.kind.in_(["case_card", "case_update"]))
            .order_by(OutboxMessage.id))).scalars().all()
        states = {c.id: c for c in (await session.execute(select(Case))).scalars()}
        views = {case_id: card_params(await case_view(session, states[case_id]))
                 for case_id in expected}
    climbed = {case_id: [e.details["to_level"] for e in events if e.case_id == case_id]
               for case_id in expected}
    assert climbed == expected
    cards = [r for r in rows if r.kind == "case_card" and r.params.get("escalated")]
    for case_id, levels in expected.items():
        mine = [r for r in cards if r.params["case_id"] == case_id]
        # Each chat the levels reached hear of cases in gets the card once (the two
        # committees share the committee group).
        assert Counter(r.chat_id for r in mine) == Counter({LEVEL_CHATS[lv] for lv in levels})
        notices = [r for r in rows if r.kind == "case_update"
                   and r.params["case_id"] == case_id and r.params["event"] == "escalated"]
        assert len(notices) == (1 if levels else 0)
        if levels:
            assert states[case_id].level == levels[-1]
        for card in mine:  # the card carries the case as it now stands, each step once
            assert card.params["timeline"] == views[case_id]["timeline"]
            assert card.params["level"] == views[case_id]["level"]
        due = states[case_id].next_due_at  # None: at the top, nothing more to do
        assert due is None or due > clock.now()
    assert await sweep_cases(UnitOfWork(db, clock), clock.now(), 100) == 0


async def escalated_cases(db: Database) -> int:
    async with db.reading() as session:
        return len(set((await session.execute(select(CaseEvent.case_id).where(
            CaseEvent.kind == "escalated"))).scalars()))


class Crash(Exception):
    """The process dies here."""


async def test_a_sweep_failing_mid_batch_is_redone_without_repeats(
        db: Database, clock: FrozenClock, cases: dict[int, list[int]],
        monkeypatch: pytest.MonkeyPatch):
    real, calls = case_sweep._escalate, []

    async def escalate_then_die(*args: object) -> None:
        await real(*args)
        calls.append(1)
        if len(calls) == 4:  # the second batch, after its first case
            raise Crash

    monkeypatch.setattr(case_sweep, "_escalate", escalate_then_die)
    with pytest.raises(Crash):
        await sweep(db, clock, [("cases", sweep_cases)], batch=3)
    monkeypatch.undo()
    assert await escalated_cases(db) == 3  # the first batch committed, the second did not
    assert (await sweep(db, clock, [("cases", sweep_cases)], batch=3))["cases"] > 0
    await check_each_escalated_once(db, clock, cases)
    clock.advance(timedelta(minutes=1))  # a later sweep does not redo any of it
    await sweep(db, clock, [("cases", sweep_cases)], batch=3)
    await check_each_escalated_once(db, clock, cases)


class DyingUnitOfWork(UnitOfWork):
    """Sends every statement of the sweep, then dies instead of committing."""

    async def commit(self) -> None:
        await self.session.flush()
        raise Crash


async def test_a_sweep_dying_just_before_its_commit_leaves_nothing_behind(
        db: Database, clock: FrozenClock, cases: dict[int, list[int]]):
    assert await sweep_cases(UnitOfWork(db, clock), clock.now(), 2) == 2
    with pytest.raises(Crash):
        await sweep_cases(DyingUnitOfWork(db, clock), clock.now(), 100)
    assert await escalated_cases(db) == 2  # only the committed batch
    await sweep(db, clock, [("cases", sweep_cases)])
    await check_each_escalated_once(db, clock, cases)


async def test_a_sweep_cancelled_mid_batch_is_redone_without_repeats(
        db: Database, clock: FrozenClock, cases: dict[int, list[int]],
        monkeypatch: pytest.MonkeyPatch):
    real, calls, stuck = case_sweep._escalate, [], asyncio.Event()

    async def escalate_then_hang(*args: object) -> None:
        await real(*args)
        calls.append(1)
        if len(calls) == 2:
            stuck.set()
            await asyncio.Event().wait()  # until cancelled, as at shutdown

    monkeypatch.setattr(case_sweep, "_escalate", escalate_then_hang)
    task = asyncio.create_task(sweep(db, clock, [("cases", sweep_cases)], batch=100))
    await asyncio.wait_for(stuck.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    monkeypatch.undo()
    await sweep(db, clock, [("cases", sweep_cases)])
    await check_each_escalated_once(db, clock, cases)


async def test_two_sweepers_at_once_escalate_each_case_once(
        db: Database, clock: FrozenClock, cases: dict[int, list[int]]):
    due = sum(1 for levels in cases.values() if levels)
    tasks = [("cases", sweep_cases)]
    first, second = await asyncio.gather(sweep(db, clock, tasks, batch=2),
                                         sweep(db, clock, tasks, batch=2))
    assert first["cases"] + second["cases"] == due
    await check_each_escalated_once(db, clock, cases)
