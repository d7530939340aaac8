"""Benchmark: a district's day of issue reports — 6,000 cases created, and the sweeper over
10,000 open cases. Target ≤ 10 s each, on an SQLite file and on PostgreSQL (a fresh schema,
dropped afterwards; skipped with a reason when no server answers).

The estate: 3 communities × 12 buildings × 18 floors × 6 rooms (3,888 households, one
verified resident each), each community with a property group, a committee group, a
residents' group per building, property staff, both committees and an admin. Set up with
bulk inserts, not timed.

(a) Timed: 6,000 reports through `ReportDesk.submit`, the bot's way in, each with its
update's inbox row, 100 residents submitting at the same moment as in a burst (all
categories, 10 % urgent, 30 % shared with the building, a third with a photo); reports
arriving together share a transaction (`storage.group_commit`). Before that, 500 reports
one after another show what a lone report costs in its own transaction.

(b) 10,000 more open cases are bulk-inserted (not timed) as real rows the sweeper handles —
each with its `submitted` (and `accepted`, `resolved`) events, its posted case card, and
`next_due_at` set by the real clock `schedule` at the last time the sweeper looked:
30 % with an ack reminder due, 25 % one ack window overdue (escalate one level), 25 %
one resolve window overdue, 15 % four ack windows overdue (catch up 2 → 3 → 4 in one
step), 5 % resolved a week ago (auto-close). Timed: the real `sweep` with the case task,
batch 200, until nothing is due (send pacing excluded: the sender does not run). Then a
second sweep at the same moment must find nothing.

    /work/venv/bin/python bench/reports.py [--no-postgres] [--creates N] [--open N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `bench` and `tests`

from bench.support import postgres_schema, postgres_unreachable, verdict
from bench.survey_close import StatementTimer
from bot.domain.cases import Place, Status, reminder_lead
from bot.domain.clock import FrozenClock
from bot.services.case_sweep import schedule, sweep_cases
from bot.services.communities import create_community
from bot.services.report_filing import ReportDesk
from bot.services.reports import ReportDraft, ensure_defaults
from bot.services.sweeper import sweep
from storage import Database, UnitOfWork, cases_repo, roster_repo
from storage.case_models import Case, CaseEvent
from storage.migrate import upgrade
from storage.models import ChatGroup, Household, OutboxMessage, Resident, RoleAssignment, User

TARGET_SECONDS = 10.0
COMMUNITIES, BUILDINGS, FLOORS, ROOMS = 3, 12, 18, 6
CREATES, OPEN_CASES, BATCH = 6_000, 10_000, 200
ALONE, AT_ONCE = 500, 100  # part (a): reports one after another; residents at once
FIRST_USER = 100_000
PLACES = (Place.HOME, Place.HOME, Place.STAIRS, Place.ELEVATOR, Place.BASEMENT)
TEXTS = ("楼道灯不亮", "电梯停在三楼不动了", "地下室漏水", "垃圾桶满了没人清", "门禁坏了",
         "The stair light is out again", "楼顶有积水，下雨就渗到家里")
#: (share of the open cases, scenario) — see the module docstring.
MIX = ((30, "reminder"), (25, "ack_overdue"), (25, "resolve_overdue"), (15, "catch_up"),
       (5, "auto_close"))


def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))


@dataclass
class Estate:
    community_id: int
    staff: int
    homes: list[tuple[int, int]] = field(default_factory=list)  # (user, household)
    categories: list[Any] = field(default_factory=list)
    bodies: dict[int, Any] = field(default_factory=dict)  # id → Body
    targets: dict[int, int] = field(default_factory=dict)  # body id → the chat of its card


async def build_estate(db: Database, clk: FrozenClock, n: int) -> Estate:
    """Community `n`: its roster, residents, roles, groups, bodies and categories."""
    admin, base = 10 + n, FIRST_USER + n * 10_000
    info = await create_community(UnitOfWork(db, clk), creator_id=admin,
                                  bootstrap_admins=frozenset({admin}), name=f"社区{n}",
                                  timezone="Asia/Shanghai", locale="zh_CN", daily_time="08:00")
    now = clk.now()
    staff = {"property": 20 + 3 * n, "owners_committee": 21 + 3 * n,
             "residents_committee": 22 + 3 * n}
    estate = Estate(info.id, staff["property"])
    async with UnitOfWork(db, clk) as uow:
        session = uow.session
        compound = await roster_repo.add_unit(session, info.id, None, "compound", "幸福小区")
        groups = [{"chat_id": -(n + 1) * 100_000 - 1, "purpose": "property", "unit_id": None},
                  {"chat_id": -(n + 1) * 100_000 - 2, "purpose": "committee", "unit_id": None}]
        homes = []
        for b in range(1, BUILDINGS + 1):
            building = await roster_repo.add_unit(session, info.id, compound, "building",
                                                  f"{b}号楼", b)
            groups.append({"chat_id": -(n + 1) * 100_000 - 100 - b, "purpose": "residents",
                           "unit_id": building.id})
            for f in range(1, FLOORS + 1):
                floor = await roster_repo.add_unit(session, info.id, building, "floor",
                                                   str(f), f)
                homes += [{"community_id": info.id, "floor_id": floor.id,
                           "building_id": building.id, "room": f"{f}{r:02d}", "area": 90,
                           "owner_key": None} for r in range(1, ROOMS + 1)]
        await session.execute(insert(ChatGroup), [
            {**g, "thread_id": 0, "title": str(g["chat_id"]), "community_id": info.id,
             "active": True, "created_at": now, "updated_at": now} for g in groups])
        await session.execute(insert(Household), homes)
        ids = list((await session.execute(select(Household.id).where(
            Household.community_id == info.id).order_by(Household.id))).scalars())
        estate.homes = [(base + i, h) for i, h in enumerate(ids)]
        await session.execute(insert(User), [
            {"id": user, "first_name": f"居民{user}", "username": None,
             "language_code": "zh-hans", "locale": None, "created_at": now,
             "updated_at": now} for user, _ in estate.homes] + [
            {"id": user, "first_name": f"staff{user}", "username": None,
             "language_code": "zh-hans", "locale": None, "created_at": now,
             "updated_at": now} for user in staff.values()])
        await session.execute(insert(Resident), [
            {"user_id": user, "household_id": h, "relation": "owner", "status": "verified",
             "requested_at": now, "decided_by": admin, "decided_at": now}
            for user, h in estate.homes])
        await session.execute(insert(RoleAssignment), [
            {"user_id": user, "community_id": info.id, "role": role, "unit_id": None,
             "granted_by": admin, "granted_at": now} for role, user in staff.items()])
        await ensure_defaults(session, info.id)
        estate.categories = await cases_repo.categories(session, info.id)
        estate.bodies = {b.id: b for b in await cases_repo.bodies(session, info.id)}
        chats = {"property": groups[0]["chat_id"], "owners_committee": groups[1]["chat_id"],
                 "residents_committee": groups[1]["chat_id"], "admins": admin}
        estate.targets = {b.id: chats[b.key] for b in estate.bodies.values()}
        await uow.commit()
    return estate


async def create_cases(db: Database, clk: FrozenClock, estates: list[Estate], count: int,
                       at_once: int, first_update: int) -> ReportDesk:
    """Part (a): `count` reports through the bot's `ReportDesk`, `at_once` residents
    submitting at the same time, each report with its update's inbox row."""
    desk = ReportDesk(db, clk)

    async def resident(k: int) -> None:
        for i in range(k, count, at_once):
            estate = estates[i % len(estates)]
            user, household = estate.homes[(i * 7919) % len(estate.homes)]
            category = estate.categories[i % len(estate.categories)]
            draft = ReportDraft(category_id=category.id, description=TEXTS[i % len(TEXTS)],
                                household_id=household, place=PLACES[i % len(PLACES)],
                                photos=(f"PHOTO{i}",) if i % 3 == 0 else (),
                                urgent=i % 10 == 0, shared=i % 10 < 3)
            await desk.submit(UnitOfWork(db, clk, update_id=first_update + i), user, draft)

    await asyncio.gather(*[resident(k) for k in range(at_once)])
    return desk


def open_case(estate: Estate, i: int, scenario: str, now: datetime) -> dict[str, Any]:
    """The row of an open case as the clock left it the last time the sweeper looked;
    its next step is due at `now`."""
    category = estate.categories[i % len(estate.categories)]
    body = estate.bodies[category.body_id]
    ack, resolve = timedelta(hours=category.ack_hours), timedelta(hours=category.resolve_hours)
    ack_lead, resolve_lead = reminder_lead(ack), reminder_lead(resolve)
    created = {"reminder": now - ack + ack_lead / 2, "ack_overdue": now - ack * 1.25,
               "resolve_overdue": now - resolve * 1.1, "catch_up": now - ack * 4.5,
               "auto_close": now - timedelta(days=7, hours=1) - resolve / 2}[scenario]
    user, household = estate.homes[(i * 31) % len(estate.homes)]
    case = Case(community_id=estate.community_id, number=100_000 + i,
                category_id=category.id, body_id=body.id, level=body.level,
                base_level=body.level, reporter_id=user, household_id=household,
                building_id=None, place="home", latitude=None, longitude=None,
                description=TEXTS[i % len(TEXTS)], photos=[], urgent=False, shared=False,
                supporters=0, status=Status.NEW, created_at=created, acked_at=None,
                resolved_at=None, closed_at=None, ack_hours=category.ack_hours,
                resolve_hours=category.resolve_hours, ack_due=created + ack,
                resolve_due=created + resolve, ack_reminded=False, resolve_reminded=False,
                rating=None)
    looked = created
    if scenario in ("ack_overdue", "catch_up"):
        case.ack_reminded, looked = True, case.ack_due - ack_lead
    elif scenario == "resolve_overdue":
        case.status, case.acked_at = Status.ACCEPTED, created + timedelta(minutes=30)
        case.ack_reminded = case.resolve_reminded = True
        looked = case.resolve_due - resolve_lead
    elif scenario == "auto_close":
        case.status, case.acked_at = Status.ACCEPTED, created + timedelta(minutes=30)
        case.status, case.resolved_at = Status.RESOLVED, created + resolve / 2
        case.ack_reminded = True
        looked = case.resolved_at
    schedule(case, looked)
    if case.next_due_at is None or case.next_due_at > now:
        raise AssertionError(f"{scenario}: not due at {now}")
    row = {c.key: getattr(case, c.key) for c in Case.__table__.columns if c.key != "id"}
    row["status"] = str(case.status)
    return row


async def add_open_cases(db: Database, clk: FrozenClock, estates: list[Estate],
                         count: int) -> dict[str, int]:
    """Part (b) setup: `count` due open cases with their timelines and posted cards."""
    now, per_scenario = clk.now(), {}
    plan = [s for share, s in MIX for _ in range(share)]
    rows, scenarios = [], []
    for i in range(count):
        estate, scenario = estates[i % len(estates)], plan[(i // len(estates)) % len(plan)]
        rows.append((estate, open_case(estate, i, scenario, now)))
        scenarios.append(scenario)
        per_scenario[scenario] = per_scenario.get(scenario, 0) + 1
    async with UnitOfWork(db, clk) as uow:
        session = uow.session
        ids = []
        for start in range(0, count, 2_000):
            chunk = [row for _, row in rows[start:start + 2_000]]
            ids += list((await session.execute(insert(Case).returning(Case.id), chunk))
                        .scalars())
        events, cards = [], []
        for case_id, (estate, row), scenario in zip(ids, rows, scenarios, strict=True):
            events.append({"case_id": case_id, "at": row["created_at"],
                           "actor_id": row["reporter_id"], "kind": "submitted", "note": None,
                           "details": {"urgent": False}})
            if row["acked_at"] is not None:
                events.append({"case_id": case_id, "at": row["acked_at"],
                               "actor_id": estate.staff, "kind": "accepted", "note": None,
                               "details": {}})
            if scenario == "auto_close":
                events.append({"case_id": case_id, "at": row["resolved_at"],
                               "actor_id": estate.staff, "kind": "resolved",
                               "note": "修好了", "details": {}})
            cards.append({"chat_id": estate.targets[row["body_id"]], "thread_id": 0,
                          "kind": "case_card", "params": {"case_id": case_id},
                          "priority": 0, "status": "sent", "attempts": 1,
                          "not_before": row["created_at"], "created_at": row["created_at"],
                          "claimed_at": None, "edit_of": None, "ref": f"case:{case_id}",
                          "sent_at": row["created_at"], "message_id": case_id,
                          "error": None})
        for start in range(0, len(events), 5_000):
            await session.execute(insert(CaseEvent), events[start:start + 5_000])
        for start in range(0, len(cards), 5_000):
            await session.execute(insert(OutboxMessage), cards[start:start + 5_000])
        await uow.commit()
    return per_scenario


async def outbox_kinds(db: Database) -> dict[str, int]:
    """Pending outbox rows by kind (escalation cards and card edits told apart)."""
    counts: dict[str, int] = {}
    async with db.reading() as session:
        rows = await session.execute(select(OutboxMessage.kind, OutboxMessage.edit_of,
                                            OutboxMessage.params)
                                     .where(OutboxMessage.status == "pending"))
        for kind, edit_of, params in rows:
            if edit_of is not None:
                kind += " (edit)"
            elif kind in ("case_card", "case_update") and params.get("escalated"):
                kind += " (escalated)"
            elif kind == "case_update":
                kind += f" ({params.get('event')})"
            counts[kind] = counts.get(kind, 0) + 1
    return counts


async def run(name: str, db: Database, creates: int, open_cases: int) -> None:
    await upgrade(db)
    clk = clock()
    started = time.perf_counter()
    estates = [await build_estate(db, clk, n) for n in range(COMMUNITIES)]
    households = sum(len(e.homes) for e in estates)
    print(f"{name}: {COMMUNITIES} communities, {households:,} households and residents "
          f"(setup {time.perf_counter() - started:.1f} s, not timed)")

    start = time.perf_counter()
    await create_cases(db, clk, estates, ALONE, 1, first_update=0)
    spent = time.perf_counter() - start
    print(f"  (a) {ALONE:,} reports one after another (each its own transaction): "
          f"{spent / ALONE * 1000:.2f} ms each")
    timer = StatementTimer(db)
    start, cpu = time.perf_counter(), time.process_time()
    desk = await create_cases(db, clk, estates, creates, AT_ONCE, first_update=ALONE)
    spent, cpu = time.perf_counter() - start, time.process_time() - cpu
    timer.close()
    statements = sum(len(t) for t in timer.times.values())
    transactions = sum(desk.transactions.values())
    print(f"      create {creates:,} cases, {AT_ONCE} residents submitting at once   "
          f"{spent:.2f} s, {creates / spent:,.0f} cases/s (this process's CPU {cpu:.2f} s, "
          f"{cpu / creates * 1000:.2f} ms each; {transactions:,} transactions of "
          f"{creates / transactions:.1f} reports on average, largest "
          f"{max(desk.transactions)}; {statements / creates:.1f} statements per report, "
          f"BEGIN included)   target <= {TARGET_SECONDS:.0f} s  "
          f"{verdict(spent <= TARGET_SECONDS)}")
    created = await outbox_kinds(db)
    print(f"      outbox rows queued: {dict(sorted(created.items()))}")
    timer.report()

    started = time.perf_counter()
    mix = await add_open_cases(db, clk, estates, open_cases)
    if not db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.execute(text("ANALYZE"))  # what autovacuum would have done by now
    async with db.reading() as session:
        due = await session.scalar(select(func.count()).select_from(Case).where(
            Case.next_due_at <= clk.now()))
        total = await session.scalar(select(func.count()).select_from(Case))
    print(f"  (b) {open_cases:,} open cases added ({time.perf_counter() - started:.1f} s, "
          f"not timed): {mix}; {due:,} of {total:,} cases due")
    before = await outbox_kinds(db)
    timer = StatementTimer(db)
    start, cpu = time.perf_counter(), time.process_time()
    handled = await sweep(db, clk, [("cases", sweep_cases)], batch=BATCH)
    spent, cpu = time.perf_counter() - start, time.process_time() - cpu
    timer.close()
    after = await outbox_kinds(db)
    queued = {k: after.get(k, 0) - before.get(k, 0) for k in after
              if after.get(k, 0) != before.get(k, 0)}
    async with db.reading() as session:
        escalations = await session.scalar(select(func.count()).select_from(CaseEvent)
                                           .where(CaseEvent.kind == "escalated"))
        closed = await session.scalar(select(func.count()).select_from(Case)
                                      .where(Case.status == "closed"))
    again = await sweep_cases(UnitOfWork(db, clk), clk.now(), BATCH)
    print(f"      sweep: {handled['cases']:,} cases swept in {spent:.2f} s "
          f"({handled['cases'] / spent:,.0f} cases/s, this process's CPU {cpu:.2f} s)   "
          f"target <= {TARGET_SECONDS:.0f} s  "
          f"{verdict(spent <= TARGET_SECONDS and handled['cases'] == due)}")
    print(f"      {escalations:,} escalation steps recorded, {closed:,} auto-closed; "
          f"a second sweep at the same moment found {again}")
    print(f"      outbox rows queued: {dict(sorted(queued.items()))}")
    timer.report()


async def main(postgres: bool, creates: int, open_cases: int) -> None:
    with tempfile.TemporaryDirectory(prefix="zhongyi-reports-") as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        try:
            await run("sqlite", db, creates, open_cases)
        finally:
            await db.dispose()
    reason = await postgres_unreachable() if postgres else "--no-postgres"
    if reason:
        print(f"postgresql skipped: {reason}")
        return
    async with postgres_schema() as db:
        await run("postgresql", db, creates, open_cases)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--creates", type=int, default=CREATES)
    parser.add_argument("--open", type=int, default=OPEN_CASES, dest="open_cases")
    arguments = parser.parse_args()
    asyncio.run(main(not arguments.no_postgres, arguments.creates, arguments.open_cases))
