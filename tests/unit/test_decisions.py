"""Decisions as services on a real database: progress announced to each residents' group
in the motion's scope, the refusals, "done" referring back to the case (its timeline, its
reporter) or survey it came from, the list, and the sweeper's quiet and overdue reminders —
each once, also after downtime and when a sweep is repeated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.clock import as_utc
from bot.services.decision_views import schedule
from bot.services.decisions import (
    check_actor,
    decision_detail,
    list_decisions,
    mark_done,
    post_progress,
    sweep_decisions,
)
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.report_filing import submit_report
from bot.services.reports import ReportDraft, ensure_defaults, start_report
from storage import Database, UnitOfWork, cases_repo, roster_repo
from storage.case_models import CaseEvent
from storage.deliberation_models import (
    AgendaItem,
    Decision,
    DecisionUpdate,
    Meeting,
    Motion,
    MotionScope,
)
from storage.models import OutboxMessage, Survey
from tests.builders import make_group, make_resident, make_role, make_roster

ADMIN, RESIDENT, REPORTER, STAFF, OWNERS, STRANGER = 9001, 101, 102, 201, 202, 301
BUILDING1, FLOOR2, BUILDING2, COMMITTEE, PROPERTY = -1001, -1002, -1003, -1004, -1005
DAY = timedelta(days=1)


@pytest.fixture
async def estate(db: Database, clock):
    roster = await make_roster(db, clock, admin_id=ADMIN)
    async with UnitOfWork(db, clock) as uow:
        compound = await roster_repo.get_unit(uow.session, roster.compound_id)
        other = await roster_repo.add_unit(uow.session, roster.community_id, compound,
                                           "building", "2号楼")
        roster.floors["other"] = other.id
        await ensure_defaults(uow.session, roster.community_id)
        await uow.commit()
    await make_resident(db, clock, RESIDENT, roster.homes["101"])
    await make_resident(db, clock, REPORTER, roster.homes["201"])
    await make_role(db, clock, roster.community_id, STAFF, "property")
    await make_role(db, clock, roster.community_id, OWNERS, "owners_committee")
    cid = roster.community_id
    await make_group(db, clock, cid, roster.building_id, BUILDING1)
    await make_group(db, clock, cid, roster.floors["2"], FLOOR2)
    await make_group(db, clock, cid, roster.floors["other"], BUILDING2)
    await make_group(db, clock, cid, None, COMMITTEE, purpose="committee")
    await make_group(db, clock, cid, None, PROPERTY, purpose="property")
    return roster


async def make_decision(db: Database, clock, community_id: int, *, scope: list[int | None],
                        body: str = "property", title: str = "修好2号楼电梯",
                        due_days: int = 30, quiet_days: int = 7, **origin: int) -> int:
    """A passed motion (with its scope rows) and its open decision, as the motion closing
    creates them."""
    now = clock.now()
    async with UnitOfWork(db, clock) as uow:
        session = uow.session
        bodies = {b.key: b for b in await cases_repo.bodies(session, community_id)}
        motion = Motion(community_id=community_id, creator_id=ADMIN, question="是否更换电梯?",
                        rule="majority", status="passed", deadline=now, created_at=now,
                        closed_at=now, **origin)
        session.add(motion)
        await session.flush()
        for unit_id in scope:
            session.add(MotionScope(motion_id=motion.id, unit_id=unit_id))
        due_at = now + due_days * DAY
        decision = Decision(
            community_id=community_id, motion_id=motion.id, body_id=bodies[body].id,
            title=title, status="open", progress=0, due_at=due_at, quiet_days=quiet_days,
            last_update_at=now, overdue_reminded=False, created_at=now)
        schedule(decision, now)
        session.add(decision)
        await uow.commit()
        return decision.id


async def report_case(db: Database, clock) -> int:
    start = await start_report(UnitOfWork(db, clock), REPORTER)
    category = next(c.id for c in start.categories if c.label.key == "repairs")
    view = await submit_report(UnitOfWork(db, clock), REPORTER, ReportDraft(
        category_id=category, description="电梯坏了", household_id=start.homes[0].household_id,
        place="elevator"))
    return view.id


async def outbox(db: Database, kind: str) -> list[OutboxMessage]:
    async with db.reading() as session:
        return list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == kind).order_by(OutboxMessage.id))).scalars())


async def test_progress_is_announced_to_each_group_in_scope(db, clock, estate):
    decision_id = await make_decision(db, clock, estate.community_id,
                                      scope=[estate.building_id])
    clock.advance(3 * DAY)
    posted = await post_progress(UnitOfWork(db, clock), user_id=STAFF, decision_id=decision_id,
                                 percent=40, note="  已订购新电梯 ", photo="PHOTO-1")
    assert posted.groups == 2
    rows = await outbox(db, "decision_progress")
    # The building's and its floor's groups; not the other building's.
    assert [r.chat_id for r in rows] == [BUILDING1, FLOOR2]
    params = rows[0].params
    assert (params["progress"], params["note"], params["photo"]) == (40, "已订购新电梯",
                                                                     "PHOTO-1")
    assert params["origin"]["question"] == "是否更换电梯?"
    async with db.reading() as session:
        decision = await session.get(Decision, decision_id)
        assert decision.progress == 40
        assert as_utc(decision.next_due_at) == clock.now() + 7 * DAY
        [update] = (await session.execute(select(DecisionUpdate))).scalars().all()
        assert (update.actor_id, update.percent, update.photo) == (STAFF, 40, "PHOTO-1")
    # 100% is not done: it stays open until someone marks it done.
    await post_progress(UnitOfWork(db, clock), user_id=ADMIN, decision_id=decision_id,
                        percent=100, note="安装完毕, 待验收")
    view = await decision_detail(UnitOfWork(db, clock), RESIDENT, decision_id)
    assert (view.status, view.progress, view.can_act) == ("open", 100, False)
    assert [u.percent for u in view.updates] == [40, 100]


async def test_a_whole_community_decision_goes_to_every_residents_group(db, clock, estate):
    decision_id = await make_decision(db, clock, estate.community_id, scope=[None])
    await post_progress(UnitOfWork(db, clock), user_id=STAFF, decision_id=decision_id,
                        percent=10, note="开始")
    assert [r.chat_id for r in await outbox(db, "decision_progress")] == [
        BUILDING1, FLOOR2, BUILDING2]


async def test_only_the_body_and_managers_post_and_bad_updates_are_refused(db, clock, estate):
    decision_id = await make_decision(db, clock, estate.community_id,
                                      scope=[estate.building_id])

    async def post(user: int, percent: int = 50, note: str | None = "进展") -> None:
        await post_progress(UnitOfWork(db, clock), user_id=user, decision_id=decision_id,
                            percent=percent, note=note)

    for user in (RESIDENT, STRANGER):
        with pytest.raises(NotPermitted, match="not_decision_body"):
            await post(user)
    with pytest.raises(NotFound, match="decision"):
        await post_progress(UnitOfWork(db, clock), user_id=STAFF, decision_id=999,
                            percent=10, note="x")
    await post(OWNERS, 50)  # a committee member answers for every decision
    with pytest.raises(InvalidInput) as backwards:
        await post(STAFF, 30)
    assert (backwards.value.code, backwards.value.details["current"]) == (
        "progress_backwards", 50)
    with pytest.raises(InvalidInput, match="decision_note_required"):
        await post(STAFF, 60, "  ")
    with pytest.raises(InvalidInput, match="decision_note_too_long"):
        await post(STAFF, 60, "x" * 1001)
    with pytest.raises(InvalidInput, match="bad_percent"):
        await post(STAFF, 101)
    with pytest.raises(InvalidInput, match="progress_backwards"):
        await check_actor(UnitOfWork(db, clock), STAFF, decision_id, 40)
    await mark_done(UnitOfWork(db, clock), user_id=STAFF, decision_id=decision_id,
                    note="完工")
    with pytest.raises(InvalidInput, match="decision_done"):
        await post(STAFF, 100)
    with pytest.raises(InvalidInput, match="decision_done"):
        await mark_done(UnitOfWork(db, clock), user_id=STAFF, decision_id=decision_id,
                        note="again")
    # Only the committee member's update went out (to the two groups in scope).
    assert len(await outbox(db, "decision_progress")) == 2


async def test_done_refers_back_to_the_case_and_tells_its_reporter(db, clock, estate):
    case_id = await report_case(db, clock)
    decision_id = await make_decision(db, clock, estate.community_id,
                                      scope=[estate.building_id], case_id=case_id)
    clock.advance(40 * DAY)
    closed = await mark_done(UnitOfWork(db, clock), user_id=STAFF, decision_id=decision_id,
                             note="新电梯已投入使用")
    assert (closed.decision.status, closed.decision.progress) == ("done", 100)
    rows = await outbox(db, "decision_done")
    assert [r.chat_id for r in rows] == [BUILDING1, FLOOR2, COMMITTEE, REPORTER]
    group, private = rows[0].params, rows[-1].params
    assert group["origin"] == {"question": "是否更换电梯?", "cases": [1], "surveys": [],
                               "meeting": None}
    assert group["note"] == "新电梯已投入使用"
    assert group["late"] is True
    assert "reporter_cases" not in group
    assert private["reporter_cases"] == [1]
    async with db.reading() as session:
        [event] = (await session.execute(select(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == "decision_done"))).scalars().all()
        assert (event.actor_id, event.note, event.details) == (
            STAFF, "新电梯已投入使用", {"decision_id": decision_id})
        decision = await session.get(Decision, decision_id)
        assert decision.next_due_at is None
        assert decision.done_at is not None
    # The case's card in the property group is refreshed to show the new step.
    assert any(r.edit_of for r in await outbox(db, "case_card"))


async def test_the_list_and_the_detail_with_an_origin_from_a_meeting(db, clock, estate):
    now = clock.now()
    case_id = await report_case(db, clock)
    async with UnitOfWork(db, clock) as uow:
        survey = Survey(community_id=estate.community_id, creator_id=ADMIN, kind="survey",
                        title="停车费调整意见", audience="residents", anonymous=False,
                        live_results=False, deadline=now, status="closed", created_at=now)
        meeting = Meeting(community_id=estate.community_id, creator_id=ADMIN, topic="年度议事会",
                          status="held", deadline=now, created_at=now)
        uow.session.add_all([survey, meeting])
        await uow.session.flush()
        uow.session.add_all([
            AgendaItem(meeting_id=meeting.id, position=1, text="停车", survey_id=survey.id),
            AgendaItem(meeting_id=meeting.id, position=2, text="电梯", case_id=case_id),
            AgendaItem(meeting_id=meeting.id, position=3, text="其他")])
        await uow.commit()
        meeting_id = meeting.id
    later = await make_decision(db, clock, estate.community_id, scope=[None], title="B",
                                due_days=60, meeting_id=meeting_id)
    sooner = await make_decision(db, clock, estate.community_id, scope=[None], title="A",
                                 due_days=5)
    done = await make_decision(db, clock, estate.community_id, scope=[None], title="C")
    await mark_done(UnitOfWork(db, clock), user_id=ADMIN, decision_id=done, note="ok")
    items = await list_decisions(UnitOfWork(db, clock), RESIDENT)
    assert [(i.id, i.status) for i in items] == [(sooner, "open"), (later, "open"),
                                                 (done, "done")]
    with pytest.raises(NotPermitted, match="no_community"):
        await list_decisions(UnitOfWork(db, clock), STRANGER)
    view = await decision_detail(UnitOfWork(db, clock), STAFF, later)
    assert view.can_act
    assert view.origin.meeting == "年度议事会"
    assert (view.origin.cases, view.origin.surveys) == ((1,), ("停车费调整意见",))
    # Another community's decision is not shown to this community's residents.
    other = await make_roster(db, clock, admin_id=ADMIN, name="别处")
    async with UnitOfWork(db, clock) as uow:
        await ensure_defaults(uow.session, other.community_id)
        await uow.commit()
    foreign = await make_decision(db, clock, other.community_id, scope=[None])
    with pytest.raises(NotPermitted, match="not_in_community"):
        await decision_detail(UnitOfWork(db, clock), RESIDENT, foreign)


async def test_the_sweeper_reminds_once_also_after_downtime(db, clock, estate):
    decision_id = await make_decision(db, clock, estate.community_id,
                                      scope=[estate.building_id], due_days=10)

    async def sweep() -> int:
        return await sweep_decisions(UnitOfWork(db, clock), clock.now(), 100)

    clock.advance(6 * DAY)
    assert await sweep() == 0
    clock.advance(DAY)
    assert await sweep() == 1
    assert await sweep() == 0  # a restart sweeps again at the same moment
    [quiet] = await outbox(db, "decision_reminder")
    assert quiet.chat_id == PROPERTY
    assert quiet.params["reasons"] == ["quiet"]
    # Down from day 7 to day 40: the due date and four quiet moments were missed.
    clock.advance(33 * DAY)
    assert await sweep() == 1
    assert await sweep() == 0
    reminders = await outbox(db, "decision_reminder")
    assert [r.params["reasons"] for r in reminders] == [["quiet"], ["quiet", "overdue"]]
    async with db.reading() as session:
        decision = await session.get(Decision, decision_id)
        assert decision.overdue_reminded
        assert as_utc(decision.next_due_at) == clock.now() + 2 * DAY  # day 42
    # An update restarts the quiet count; being overdue is not repeated.
    await post_progress(UnitOfWork(db, clock), user_id=STAFF, decision_id=decision_id,
                        percent=80, note="快好了")
    clock.advance(7 * DAY)
    assert await sweep() == 1
    assert (await outbox(db, "decision_reminder"))[-1].params["reasons"] == ["quiet"]
