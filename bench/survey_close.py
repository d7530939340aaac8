"""Benchmark: closing a survey with 100,000 answers, and publishing one to 500 groups.

Part 1, on an SQLite file and on PostgreSQL (a fresh schema, dropped afterwards; skipped
with a reason when no server answers): a community of 20,000 households (40 buildings ×
25 floors × 20 rooms, one verified resident each, a residents' group per building) and a
five-question survey (single, multiple, rating, single, free text) answered by all 20,000
residents, 10 % of them recorded door to door: 100,000 answers. The setup bulk-inserts
with SQLAlchemy core and is not timed. Timed: `compute_results` (three runs) and the whole
`close_survey` (results, snapshot, outbox rows, commit). Target ≤ 2 s. The slowest SQL
statements of the close are listed. `--anonymous` makes the survey anonymous: its ballots
are keyed by salted hashes, and closing also re-inserts them in random order.

Part 2, SQLite: a survey published to 500 residents' groups (one per floor) is 500
`survey_post` outbox rows; the real OutboxSender and Pacer (SEND_RATE 25/s) then drain them
to the fake Bot API server with Telegram's limits on. Printed: wall time against
500 / 25 = 20 s, and the 429 answers (target 0). `--quick` stops after counting the rows.

    /work/venv/bin/python bench/survey_close.py [--quick] [--no-postgres] [--anonymous]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `bench` and `tests`

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.support import postgres_schema, postgres_unreachable
from bot.app import build_app
from bot.config import Settings
from bot.domain.clock import FrozenClock, SystemClock
from bot.domain.surveys import Audience, QuestionDraft, QuestionKind, SurveyDraft, ballot_key
from bot.services.communities import create_community
from bot.services.survey_close import close_survey, compute_results
from bot.services.surveys import get_survey, publish_survey
from storage import Database, UnitOfWork, outbox_repo, roster_repo
from storage.migrate import upgrade
from storage.models import (
    Answer,
    Ballot,
    ChatGroup,
    Household,
    OutboxMessage,
    Participation,
    Resident,
    Survey,
)
from tests.fakes.telegram_server import FakeTelegramServer, Limits

TARGET_SECONDS = 2.0
TOKEN, SEND_RATE = "123456:BENCH-TOKEN-abcdefghijklmnop", 25.0
ADMIN, CONTACT, FIRST_USER = 1, 2, 100_000
BUILDINGS, FLOORS, ROOMS = 40, 25, 20
QUESTIONS = (
    QuestionDraft(QuestionKind.SINGLE, "同意加装电梯吗？", ("同意", "不同意", "弃权")),
    QuestionDraft(QuestionKind.MULTI, "最关心什么？", ("费用", "噪音", "采光", "工期"),
                  max_choices=2),
    QuestionDraft(QuestionKind.RATING, "对物业满意吗？"),
    QuestionDraft(QuestionKind.SINGLE, "愿意分摊费用吗？", ("愿意", "不愿意")),
    QuestionDraft(QuestionKind.TEXT, "其他意见"),
)


def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))


async def build_community(db: Database, clk: Any, buildings: int, floors: int, rooms: int,
                          *, building_groups: bool = True,
                          ) -> tuple[int, int, list[int], list[int]]:
    """(community id, compound id, floor ids, household ids): one verified resident per
    household, and (`building_groups`) a residents' group per building."""
    info = await create_community(UnitOfWork(db, clk), creator_id=ADMIN,
                                  bootstrap_admins=frozenset({ADMIN}), name="Bench",
                                  timezone="Asia/Shanghai", locale="zh_CN", daily_time="08:00")
    now = clk.now()
    async with UnitOfWork(db, clk) as uow:
        session = uow.session
        compound = await roster_repo.add_unit(session, info.id, None, "compound", "幸福小区")
        floor_ids, homes = [], []
        for b in range(1, buildings + 1):
            building = await roster_repo.add_unit(session, info.id, compound, "building",
                                                  f"{b}号楼", b)
            if building_groups:
                session.add(ChatGroup(chat_id=-1_000_000 - b, thread_id=0, title=f"{b}号楼",
                                      community_id=info.id, unit_id=building.id,
                                      purpose="residents", active=True, created_at=now,
                                      updated_at=now))
            for f in range(1, floors + 1):
                floor = await roster_repo.add_unit(session, info.id, building, "floor",
                                                   str(f), f)
                floor_ids.append(floor.id)
                homes += [{"community_id": info.id, "floor_id": floor.id,
                           "building_id": building.id, "room": f"{f}{r:02d}", "area": 90,
                           "owner_key": None} for r in range(1, rooms + 1)]
        await session.execute(insert(Household), homes)
        household_ids = list((await session.execute(
            select(Household.id).order_by(Household.id))).scalars())
        await session.execute(insert(Resident), [
            {"user_id": FIRST_USER + i, "household_id": h, "relation": "owner",
             "status": "verified", "requested_at": now, "decided_by": ADMIN,
             "decided_at": now} for i, h in enumerate(household_ids)])
        await uow.commit()
    return info.id, compound.id, floor_ids, household_ids


async def answer_all(db: Database, clk: FrozenClock, survey_id: int,
                     household_ids: list[int]) -> int:
    """Every resident answers; every tenth household is recorded door to door instead."""
    view = await get_survey(UnitOfWork(db, clk), survey_id)
    async with db.reading() as session:
        salt = (await session.get(Survey, survey_id)).salt  # set when it is anonymous
    q = view.questions
    opts = [[o.id for o in question.options] for question in q]
    now = clk.now()
    keys, participations = [], []
    for i, home in enumerate(household_ids):
        door = i % 10 == 0
        key = f"h{home}" if door else f"u{FIRST_USER + i}"
        keys.append((key, "door" if door else "self"))
        participations.append({"survey_id": survey_id, "respondent_key": key,
                               "household_id": home, "source": "door" if door else "self",
                               "user_id": None if door else FIRST_USER + i,
                               "recorded_by": CONTACT if door else None, "at": now})
    async with UnitOfWork(db, clk) as uow:
        session = uow.session
        await session.execute(insert(Participation), participations)
        await session.execute(insert(Ballot), [
            {"survey_id": survey_id, "ballot_key": ballot_key(k, salt), "source": s, "at": now}
            for k, s in keys])
        ballots = list((await session.execute(select(Ballot.id).where(
            Ballot.survey_id == survey_id).order_by(Ballot.id))).scalars())
        answers = []
        for n, ballot in enumerate(ballots):
            answers += [
                {"ballot_id": ballot, "question_id": q[0].id, "option_id": opts[0][n % 3]},
                {"ballot_id": ballot, "question_id": q[1].id, "option_id": opts[1][n % 4]},
                {"ballot_id": ballot, "question_id": q[2].id, "rating": 1 + n % 5},
                {"ballot_id": ballot, "question_id": q[3].id, "option_id": opts[3][n % 2]},
                {"ballot_id": ballot, "question_id": q[4].id, "text": f"意见 {n}"}]
        for start in range(0, len(answers), 20_000):
            await session.execute(insert(Answer), [
                {"option_id": None, "rating": None, "text": None, **a}
                for a in answers[start:start + 20_000]])
        await uow.commit()
    return len(answers)


class StatementTimer:
    """Sums the time of each SQL statement the engine runs, to name the slow ones."""

    def __init__(self, db: Database) -> None:
        self.engine = db.engine.sync_engine
        self.times: dict[str, list[float]] = defaultdict(list)
        self.started: list[float] = []
        event.listen(self.engine, "before_cursor_execute", self.before)
        event.listen(self.engine, "after_cursor_execute", self.after)

    def before(self, *args: Any) -> None:
        self.started.append(time.perf_counter())

    def after(self, _conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
        self.times[" ".join(statement.split())[:110]].append(
            time.perf_counter() - self.started.pop())

    def report(self, top: int = 4) -> None:
        total = sum(sum(t) for t in self.times.values())
        calls = sum(len(t) for t in self.times.values())
        print(f"    SQL: {calls} statements, {total:.2f} s; slowest:")
        for statement, spent in sorted(self.times.items(), key=lambda kv: -sum(kv[1]))[:top]:
            print(f"    {sum(spent):6.3f} s ×{len(spent):<5} {statement}")

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self.before)
        event.remove(self.engine, "after_cursor_execute", self.after)


async def part_one(name: str, db: Database, anonymous: bool) -> None:
    await upgrade(db)
    clk = clock()
    started = time.perf_counter()
    community, compound, _floors, homes = await build_community(db, clk, BUILDINGS, FLOORS,
                                                                ROOMS)
    published = await publish_survey(
        UnitOfWork(db, clk), creator_id=ADMIN, community_id=community,
        draft=SurveyDraft(title="加装电梯意见征集", questions=QUESTIONS,
                          scope_unit_ids=(compound,), audience=Audience.RESIDENTS,
                          deadline=clk.now() + timedelta(days=7), anonymous=anonymous))
    answers = await answer_all(db, clk, published.survey_id, homes)
    if not db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.execute(text("ANALYZE"))  # what autovacuum would have done by now
    kind = " (anonymous: closing also re-inserts the ballots in random order)" if anonymous else ""
    print(f"{name}: {len(homes):,} households, {answers:,} answers{kind} "
          f"(setup {time.perf_counter() - started:.1f} s, not timed)")
    runs = []
    for _ in range(3):
        async with UnitOfWork(db, clk)(readonly=True) as uow:
            survey = await uow.session.get(Survey, published.survey_id)
            start = time.perf_counter()
            results = await compute_results(uow.session, survey)
            runs.append(time.perf_counter() - start)
    print(f"  compute_results      first {runs[0]:.2f} s, best {min(runs):.2f} s  "
          f"(turnout {results['turnout']['answered']:,}/{results['turnout']['households']:,}"
          f", door {results['turnout']['door']:,})")
    timer = StatementTimer(db)
    start = time.perf_counter()
    groups = await close_survey(UnitOfWork(db, clk), user_id=ADMIN,
                                survey_id=published.survey_id)
    spent = time.perf_counter() - start
    timer.close()
    verdict = "PASS" if spent <= TARGET_SECONDS else "MISS"
    print(f"  close_survey (whole) {spent:.2f} s   target <= {TARGET_SECONDS:.0f} s  {verdict}"
          f"  ({groups} groups told)")
    timer.report()
    async with db.reading() as session:
        queued = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind.in_(["survey_results", "survey_texts"])))
    print(f"  outbox rows queued   {queued} (results per group + written answers)")


async def publish_to_groups(db: Database, groups: int) -> tuple[int, float]:
    """A community of `groups` floors with a residents' group each; publishes one survey
    to all of them. Returns (survey_post rows, seconds to publish)."""
    clk = SystemClock()
    await upgrade(db)
    community, compound, floor_ids, _homes = await build_community(
        db, clk, groups // 25, 25, 1, building_groups=False)
    async with UnitOfWork(db, clk) as uow:
        await uow.session.execute(insert(ChatGroup), [
            {"chat_id": -2_000_000 - i, "thread_id": 0, "title": f"floor {i}",
             "community_id": community, "unit_id": floor, "purpose": "residents",
             "active": True, "created_at": clk.now(), "updated_at": clk.now()}
            for i, floor in enumerate(floor_ids)])
        await uow.commit()
    start = time.perf_counter()
    await publish_survey(UnitOfWork(db, clk), creator_id=ADMIN, community_id=community,
                         draft=SurveyDraft(title="周六打扫楼道", questions=QUESTIONS[:1],
                                           scope_unit_ids=(compound,),
                                           audience=Audience.RESIDENTS,
                                           deadline=clk.now() + timedelta(days=2)))
    spent = time.perf_counter() - start
    async with db.reading() as session:
        posts = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "survey_post"))
    return posts, spent


async def wait_sent(db: Database, n: int, limit: float) -> dict[str, int]:
    deadline = time.perf_counter() + limit
    while True:
        counts = await outbox_repo.counts(db)
        if counts.get(outbox_repo.SENT, 0) >= n or time.perf_counter() > deadline:
            return counts
        await asyncio.sleep(0.05)


async def drain_posts(groups: int, quick: bool) -> None:
    """Part 2: the posts are outbox rows; the real sender and pacer deliver them."""
    with tempfile.TemporaryDirectory(prefix="zhongyi-publish-") as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        server = await FakeTelegramServer(TOKEN, limits=Limits()).start()
        try:
            posts, spent = await publish_to_groups(db, groups)
            print(f"publish to {groups} groups: {posts} survey_post outbox rows "
                  f"(publish_survey {spent:.2f} s)  {'PASS' if posts == groups else 'MISS'}")
            if quick:
                print("drain skipped (--quick)")
                return
            for i in range(groups):
                server.group(-2_000_000 - i, f"floor {i}")
                server.set_member(-2_000_000 - i, server.bot.id, "member")
            settings = Settings(telegram_bot_token=TOKEN, telegram_api_url=server.base_url,
                                send_rate=SEND_RATE, _env_file=None)
            session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
            app = build_app(settings, SystemClock(), session=session, db=db)
            start = time.perf_counter()
            sender = asyncio.create_task(app.sender.run(), name="outbox")
            counts = await wait_sent(db, posts, 3 * groups / SEND_RATE + 30)
            wall = time.perf_counter() - start
            await app.sender.stop()
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
            await app.bot.session.close()
            floor = groups / SEND_RATE
            delivered = len(server.sent())
            print(f"drain: {dict(sorted(counts.items()))}; {delivered} delivered")
            print(f"  wall {wall:.2f} s vs {groups}/{SEND_RATE:g} = {floor:.0f} s "
                  f"(ratio {wall / floor:.3f}); 429 answers {server.count_429}; "
                  f"refused {len(server.errors)}")
        finally:
            await server.stop()
            await db.dispose()


async def main(quick: bool, postgres: bool, anonymous: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="zhongyi-close-") as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        try:
            await part_one("sqlite", db, anonymous)
        finally:
            await db.dispose()
    reason = await postgres_unreachable() if postgres else "--no-postgres"
    if reason:
        print(f"postgresql skipped: {reason}")
    else:
        async with postgres_schema() as db:
            await part_one("postgresql", db, anonymous)
    print()
    await drain_posts(groups=500, quick=quick)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="count the posts, skip the drain")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--anonymous", action="store_true",
                        help="an anonymous survey (its close shuffles the ballots)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.quick, not arguments.no_postgres, arguments.anonymous))
