"""Reports as services on a real database: submitting dispatches to the body's group, the
body's actions and refusals, the reporter's rating and reopening, "me too", and the sweeper
escalating an overdue case once — also when a sweep is repeated after a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.cases import Status
from bot.domain.clock import FrozenClock
from bot.services.case_actions import (
    act_on_case,
    answer_question,
    my_cases,
    rate_case,
    reopen_case,
)
from bot.services.case_sweep import sweep_cases
from bot.services.case_views import case_view
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.report_filing import submit_report
from bot.services.reports import ReportDraft, find_similar, start_report, support_case
from storage import Database, UnitOfWork, cases_repo, roster_repo
from storage.case_models import Case, CaseEvent
from storage.models import Household, OutboxMessage
from tests.builders import make_group, make_resident, make_role, make_roster

ADMIN, REPORTER, NEIGHBOUR, STAFF, OWNERS, STRANGER = 9001, 101, 102, 201, 202, 301
PROPERTY_CHAT, COMMITTEE_CHAT, BUILDING_CHAT = -1001, -1002, -1003


@pytest.fixture
async def estate(db: Database, clock: FrozenClock):
    return await make_estate(db, clock)


async def make_estate(db: Database, clock: FrozenClock):
    """A roster with two residents, property staff, an owners' committee member and the
    property, committee and building groups."""
    roster = await make_roster(db, clock, admin_id=ADMIN)
    await make_resident(db, clock, REPORTER, roster.homes["101"])
    await make_resident(db, clock, NEIGHBOUR, roster.homes["201"])
    await make_role(db, clock, roster.community_id, STAFF, "property")
    await make_role(db, clock, roster.community_id, OWNERS, "owners_committee")
    await make_group(db, clock, roster.community_id, None, PROPERTY_CHAT, purpose="property")
    await make_group(db, clock, roster.community_id, None, COMMITTEE_CHAT, purpose="committee")
    await make_group(db, clock, roster.community_id, roster.building_id, BUILDING_CHAT)
    return roster


async def outbox(db: Database, kind: str | None = None) -> list[OutboxMessage]:
    async with db.reading() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            stmt = stmt.where(OutboxMessage.kind == kind)
        return list((await session.execute(stmt)).scalars())


async def report(db: Database, clock: FrozenClock, estate, *, user: int = REPORTER,
                 category: str = "repairs", **changes: object):
    start = await start_report(UnitOfWork(db, clock), user)
    category_id = next(c.id for c in start.categories if c.label.key == category)
    values: dict[str, object] = dict(category_id=category_id, description="楼道灯不亮",
                                     household_id=start.homes[0].household_id, place="home",
                                     photos=("PHOTO1",))
    values.update(changes)
    return await submit_report(UnitOfWork(db, clock), user, ReportDraft(**values))


async def test_only_verified_residents_report(db, clock, estate):
    with pytest.raises(NotPermitted):
        await start_report(UnitOfWork(db, clock), STRANGER)
    start = await start_report(UnitOfWork(db, clock), REPORTER)
    assert [c.label.key for c in start.categories][:3] == ["repairs", "sanitation", "safety"]
    assert start.homes[0].label.endswith("101")


async def test_a_report_goes_to_the_property_group_with_its_photo_and_deadlines(
        db, clock, estate):
    view = await report(db, clock, estate, shared=True)
    assert (view.number, view.status, view.body.key) == (1, Status.NEW, "property")
    assert view.ack_due == clock.now() + timedelta(hours=4)
    cards = await outbox(db, "case_card")
    assert [c.chat_id for c in cards] == [PROPERTY_CHAT]
    assert cards[0].params["photos"] == ["PHOTO1"]
    assert cards[0].params["reporter"] == "r101"
    neighbours = await outbox(db, "case_neighbours")
    assert [n.chat_id for n in neighbours] == [BUILDING_CHAT]
    assert "reporter" not in neighbours[0].params
    assert "timeline" not in neighbours[0].params
    assert neighbours[0].params["place_label"] == ""
    second = await report(db, clock, estate, urgent=True)
    assert second.number == 2
    assert second.ack_due == clock.now() + timedelta(hours=1)


async def test_the_view_a_report_returns_is_the_one_read_back(db, clock, estate):
    """submit_report builds its view from its one read; reading the case back gives the
    same, also for a home deeper in the tree than compound, building, entrance, floor."""
    async with UnitOfWork(db, clock) as uow:
        session = uow.session
        building = await roster_repo.get_unit(session, estate.building_id)
        unit = building
        for kind, name in (("entrance", "A"), ("entrance", "A1"), ("floor", "9")):
            unit = await roster_repo.add_unit(session, estate.community_id, unit, kind, name)
        home = Household(community_id=estate.community_id, floor_id=unit.id,
                         building_id=building.id, room="901", area=90)
        session.add(home)
        await session.flush()
        home_id = home.id
        await uow.commit()
    await make_resident(db, clock, 401, home_id)
    views = [await report(db, clock, estate, user=401, shared=True),
             await report(db, clock, estate, place="stairs", urgent=True, category="safety")]
    assert views[0].place_label == "幸福小区 1号楼 A A1 9 901"
    assert views[1].place_label == "幸福小区 1号楼"
    async with db.reading() as session:
        for view in views:
            assert view == await case_view(session, await session.get(Case, view.id))


async def test_bad_reports_are_refused(db, clock, estate):
    with pytest.raises(InvalidInput, match="description_empty"):
        await report(db, clock, estate, description="  ")
    with pytest.raises(InvalidInput, match="description_too_long"):
        await report(db, clock, estate, description="x" * 2001)
    with pytest.raises(InvalidInput, match="too_many_photos"):
        await report(db, clock, estate, photos=("a", "b", "c", "d"))
    with pytest.raises(NotFound):
        await report(db, clock, estate, category_id=999)
    with pytest.raises(NotFound):
        await report(db, clock, estate, household_id=estate.homes["301"])


async def test_similar_open_cases_are_offered_and_me_too_counts_once(db, clock, estate):
    first = await report(db, clock, estate, user=NEIGHBOUR, description="电梯坏了")
    start = await start_report(UnitOfWork(db, clock), REPORTER)
    draft = ReportDraft(category_id=next(c.id for c in start.categories
                                         if c.label.key == "repairs"),
                        description="电梯又坏了", household_id=start.homes[0].household_id,
                        place="home")
    similar = await find_similar(UnitOfWork(db, clock), REPORTER, draft)
    assert [s.case_id for s in similar] == [first.id]
    other = ReportDraft(**{**draft.__dict__, "category_id": next(
        c.id for c in start.categories if c.label.key == "sanitation")})
    assert await find_similar(UnitOfWork(db, clock), REPORTER, other) == []
    support = await support_case(UnitOfWork(db, clock), REPORTER, first.id)
    assert (support.added, support.supporters) == (True, 1)
    again = await support_case(UnitOfWork(db, clock), REPORTER, first.id)
    assert (again.added, again.supporters) == (False, 1)
    with pytest.raises(InvalidInput, match="own_case"):
        await support_case(UnitOfWork(db, clock), NEIGHBOUR, first.id)
    with pytest.raises(NotPermitted):
        await support_case(UnitOfWork(db, clock), STRANGER, first.id)
    edits = [m for m in await outbox(db, "case_card") if m.edit_of is not None]
    assert edits
    assert edits[-1].params["supporters"] == 1


async def test_only_the_responsible_body_acts_and_notes_are_required(db, clock, estate):
    view = await report(db, clock, estate)
    uow = UnitOfWork(db, clock)
    for user in (STRANGER, REPORTER, OWNERS):  # the owners' committee is not involved yet
        with pytest.raises(NotPermitted):
            await act_on_case(uow, user_id=user, case_id=view.id, action="accept")
    with pytest.raises(NotFound):
        await act_on_case(uow, user_id=STAFF, case_id=999, action="accept")
    with pytest.raises(InvalidInput, match="note_required"):
        await act_on_case(uow, user_id=STAFF, case_id=view.id, action="resolve", note=" ")
    with pytest.raises(InvalidInput, match="reason_required"):
        await act_on_case(uow, user_id=STAFF, case_id=view.id, action="reject")
    accepted = await act_on_case(uow, user_id=STAFF, case_id=view.id, action="accept")
    assert accepted.status is Status.ACCEPTED
    assert accepted.acked_at == clock.now()
    with pytest.raises(InvalidInput, match="already_accepted"):
        await act_on_case(uow, user_id=STAFF, case_id=view.id, action="accept")
    rejected = await act_on_case(uow, user_id=ADMIN, case_id=view.id, action="reject",
                                 note="不归物业管")
    assert rejected.status is Status.REJECTED
    with pytest.raises(InvalidInput, match="case_closed"):
        await act_on_case(uow, user_id=STAFF, case_id=view.id, action="resolve", note="ok")
    updates = [m.params["event"] for m in await outbox(db, "case_update")]
    assert updates == ["accepted", "rejected"]
    # The card's edit still waiting was brought up to date instead of a second one queued.
    edits = [m for m in await outbox(db, "case_card") if m.edit_of is not None]
    assert [e.params["status"] for e in edits] == ["rejected"]
    assert [e.kind for e in rejected.timeline] == ["submitted", "accepted", "rejected"]


async def test_question_answer_resolve_reopen_and_rate(db, clock, estate):
    view = await report(db, clock, estate)
    uow = UnitOfWork(db, clock)
    asked = await act_on_case(uow, user_id=STAFF, case_id=view.id, action="ask",
                              note="哪一层？")
    assert asked.status is Status.INFO
    with pytest.raises(NotPermitted):
        await answer_question(uow, user_id=NEIGHBOUR, case_id=view.id, text="3楼")
    answered = await answer_question(uow, user_id=REPORTER, case_id=view.id, text="3楼")
    assert answered.status is Status.ACCEPTED
    assert [m.params["answer"] for m in await outbox(db, "case_info_given")] == ["3楼"]
    with pytest.raises(InvalidInput, match="not_resolved"):
        await rate_case(uow, user_id=REPORTER, case_id=view.id, rating=4)
    with pytest.raises(InvalidInput, match="too_many_photos"):
        await act_on_case(uow, user_id=STAFF, case_id=view.id, action="resolve", note="好了",
                          photos=("F1", "F2", "F3", "F4"))
    await act_on_case(uow, user_id=STAFF, case_id=view.id, action="resolve", note="换了灯泡",
                      photos=("BEFORE", "FIXED"))
    assert [m.params["photos"] for m in await outbox(db, "case_resolved")] == [
        ["BEFORE", "FIXED"]]
    clock.advance(timedelta(hours=1))
    reopened = await reopen_case(uow, user_id=REPORTER, case_id=view.id)
    assert reopened.status is Status.ACCEPTED
    assert reopened.resolve_due == clock.now() + timedelta(hours=72)
    assert [c.params.get("reopened") for c in await outbox(db, "case_card")][-1] is True
    await act_on_case(uow, user_id=STAFF, case_id=view.id, action="resolve", note="修好了")
    with pytest.raises(InvalidInput, match="bad_rating"):
        await rate_case(uow, user_id=REPORTER, case_id=view.id, rating=6)
    rated = await rate_case(uow, user_id=REPORTER, case_id=view.id, rating=4)
    assert (rated.status, rated.rating) == (Status.CLOSED, 4)
    assert [(c.number, c.status) for c in await my_cases(uow, REPORTER)] == [
        (1, Status.CLOSED)]


async def test_reassign_gives_the_new_body_fresh_deadlines(db, clock, estate):
    view = await report(db, clock, estate)
    async with db.reading() as session:
        bodies = {b.key: b.id for b in await cases_repo.bodies(session, estate.community_id)}
    clock.advance(timedelta(hours=2))
    moved = await act_on_case(UnitOfWork(db, clock), user_id=STAFF, case_id=view.id,
                              action="reassign", body_id=bodies["residents_committee"])
    assert (moved.body.key, moved.level, moved.status) == ("residents_committee", 3,
                                                           Status.NEW)
    assert moved.ack_due == clock.now() + timedelta(hours=4)
    cards = await outbox(db, "case_card")
    assert [c.chat_id for c in cards if c.params.get("reassigned")] == [COMMITTEE_CHAT]
    with pytest.raises(NotPermitted):  # property is no longer responsible
        await act_on_case(UnitOfWork(db, clock), user_id=STAFF, case_id=view.id,
                          action="accept")


async def test_an_overdue_case_escalates_once_even_when_the_sweep_is_repeated(
        db, clock, estate):
    view = await report(db, clock, estate)
    clock.advance(timedelta(hours=3))
    assert await sweep_cases(UnitOfWork(db, clock), clock.now(), 100) == 1
    assert [m.chat_id for m in await outbox(db, "case_reminder")] == [PROPERTY_CHAT]
    clock.advance(timedelta(hours=1))
    assert await sweep_cases(UnitOfWork(db, clock), clock.now(), 100) == 1
    # A restart runs the sweep again at the same moment: nothing is due any more.
    assert await sweep_cases(UnitOfWork(db, clock), clock.now(), 100) == 0
    escalated = [m for m in await outbox(db, "case_card") if m.params.get("escalated")]
    assert [m.chat_id for m in escalated] == [COMMITTEE_CHAT]
    assert [t[1] for t in escalated[0].params["timeline"]] == ["submitted", "escalated"]
    # The card says the deadline passed, and when and where it climbs next.
    assert escalated[0].params["overdue"] is True
    assert escalated[0].params["next_escalation"] == (view.ack_due + timedelta(hours=4)
                                                      ).isoformat()
    assert escalated[0].params["next_body"] == ["residents_committee", None]
    assert view.overdue is False
    assert view.next_escalation == view.ack_due
    # The owners' committee may act now, and the escalation stops once resolved.
    await act_on_case(UnitOfWork(db, clock), user_id=OWNERS, case_id=view.id,
                      action="resolve", note="已修")
    # The reporter hears it from the body that acted, not from the one assigned.
    assert (await outbox(db, "case_resolved"))[-1].params["by"] == ["owners_committee", None]
    clock.advance(timedelta(days=3))
    await sweep_cases(UnitOfWork(db, clock), clock.now(), 100)
    async with db.reading() as session:
        case = await session.get(Case, view.id)
        escalations = await session.scalar(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == view.id, CaseEvent.kind == "escalated"))
    assert (case.level, escalations, case.status) == (2, 1, "resolved")
    clock.advance(timedelta(days=4))
    await sweep_cases(UnitOfWork(db, clock), clock.now(), 100)
    async with db.reading() as session:
        assert (await session.get(Case, view.id)).status == "closed"
    assert [m.params["event"] for m in await outbox(db, "case_update")][-1] == "auto_closed"


async def test_a_group_shared_by_two_levels_gets_the_escalated_card_once(db, clock, estate):
    """Both committees hear of cases in the committee group: a case that climbs past both
    (after downtime) is posted there once, and the card property already has is edited."""
    view = await report(db, clock, estate)
    clock.advance(timedelta(hours=4 + 4 + 1))  # two windows past the accept deadline
    await sweep_cases(UnitOfWork(db, clock), clock.now(), 100)
    cards = await outbox(db, "case_card")
    new = [(c.chat_id, c.params.get("escalated")) for c in cards if c.edit_of is None]
    assert new == [(PROPERTY_CHAT, None), (COMMITTEE_CHAT, True)]
    edits = [c for c in cards if c.edit_of is not None]
    assert [e.chat_id for e in edits] == [PROPERTY_CHAT]
    assert edits[0].params["level_body"] == ["residents_committee", None]
    assert edits[0].params["photos"] == ["PHOTO1"]
    async with db.reading() as session:
        assert (await session.get(Case, view.id)).level == 3
    # One more window: the admins (no group: in private) get it; no second committee card.
    clock.advance(timedelta(hours=4))
    await sweep_cases(UnitOfWork(db, clock), clock.now(), 100)
    cards = await outbox(db, "case_card")
    assert [c.chat_id for c in cards if c.edit_of is None] == [PROPERTY_CHAT, COMMITTEE_CHAT,
                                                              ADMIN]


async def test_a_case_waiting_for_its_reporter_pauses_and_reminds_them_once(db, clock, estate):
    """Asked a question, the case does not climb: the reporter is reminded after a day,
    and the answer moves the deadline on by as long as the wait lasted."""
    view = await report(db, clock, estate)
    uow = UnitOfWork(db, clock)
    await act_on_case(uow, user_id=STAFF, case_id=view.id, action="ask", note="哪一层？")
    clock.advance(timedelta(hours=23))
    assert await sweep_cases(uow, clock.now(), 100) == 0
    clock.advance(timedelta(hours=1))
    assert await sweep_cases(uow, clock.now(), 100) == 1
    reminders = [m.params for m in await outbox(db, "case_update") if m.params.get("reminder")]
    assert [(r["event"], r["note"]) for r in reminders] == [("info_asked", "哪一层？")]
    clock.advance(timedelta(days=5))  # far past the 3-day resolve deadline
    assert await sweep_cases(uow, clock.now(), 100) == 0
    async with db.reading() as session:
        case = await session.get(Case, view.id)
        assert (case.level, case.next_due_at) == (1, None)
    answered = await answer_question(uow, user_id=REPORTER, case_id=view.id, text="3楼")
    waited = timedelta(days=6)
    assert answered.resolve_due == view.resolve_due + waited
    assert answered.next_escalation == view.resolve_due + waited
    clock.advance(timedelta(hours=56))  # the moved deadline is 16 hours away
    assert await sweep_cases(uow, clock.now(), 100) == 1  # its reminder, and no climb
    async with db.reading() as session:
        case = await session.get(Case, view.id)
        assert (case.level, case.resolve_reminded) == (1, True)


async def test_at_the_top_of_the_chain_a_passed_deadline_is_said_once(db, clock, estate):
    """Nobody is above the community admins: when their window ends they are told once,
    the card says the deadline passed, and a repeated sweep does nothing more."""
    view = await report(db, clock, estate)
    uow = UnitOfWork(db, clock)
    async with db.reading() as session:
        admins = next(b.id for b in await cases_repo.bodies(session, estate.community_id)
                      if b.key == "admins")
    handed = await act_on_case(uow, user_id=STAFF, case_id=view.id, action="reassign",
                               body_id=admins)
    assert (handed.next_escalation, handed.overdue) == (None, False)
    clock.advance(timedelta(hours=3))
    assert await sweep_cases(uow, clock.now(), 100) == 1
    [reminder] = [m.params for m in await outbox(db, "case_reminder")]
    assert reminder["top"] is True
    clock.advance(timedelta(hours=1))
    assert await sweep_cases(uow, clock.now(), 100) == 1
    assert await sweep_cases(uow, clock.now(), 100) == 0
    overdue = [m for m in await outbox(db, "case_reminder") if m.params.get("overdue")]
    assert [m.chat_id for m in overdue] == [ADMIN]  # the admins have no group: in private
    async with db.reading() as session:
        case = await session.get(Case, view.id)
        assert (case.level, case.next_due_at) == (4, None)
        assert (await case_view(session, case)).overdue is True
    edits = [m.params for m in await outbox(db, "case_card") if m.edit_of is not None]
    assert edits[-1]["overdue"] is True
