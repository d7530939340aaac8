"""Meeting polls as services on a real database: creating one posts the poll to the groups
in scope, with its place and how long it lasts (2 hours for meetings from before the
choice); who may answer, toggling and live counts; the sweeper closing the poll with the
best time and its calendar file, reminders that fire once (also after a downtime), the
creator's override, and the minutes linked from the agenda's cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.domain.meetings import AgendaDraft, MeetingDraft
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.meeting_agenda import agenda_sources
from bot.services.meeting_close import choose_time, post_minutes, sweep_meetings
from bot.services.meetings import create_meeting, set_availability
from bot.services.report_filing import submit_report
from bot.services.reports import ReportDraft, start_report
from bot.services.surveys import surveys_created_by
from storage import Database, UnitOfWork
from storage.case_models import CaseEvent
from storage.deliberation_models import Meeting, MeetingSlot
from storage.migrate import upgrade
from storage.models import OutboxMessage, Survey
from tests.builders import make_group, make_resident, make_role, make_roster

ADMIN, LEAD, CONTACT, ALICE, DAN, STRANGER = 9001, 201, 202, 101, 103, 301
BUILDING_CHAT, FLOOR2_CHAT, COMMITTEE_CHAT = -100, -200, -900
H = timedelta(hours=1)


@pytest.fixture
async def estate(db: Database, clock):
    """Building 1 (floors 1–3): Alice on floor 1, Dan on floor 2, a building lead, a floor
    contact of floor 3; residents' groups on the building and on floor 2."""
    roster = await make_roster(db, clock, admin_id=ADMIN)
    await make_resident(db, clock, ALICE, roster.homes["101"])
    await make_resident(db, clock, DAN, roster.homes["201"])
    await make_role(db, clock, roster.community_id, LEAD, "building_lead", roster.building_id)
    await make_role(db, clock, roster.community_id, CONTACT, "floor_contact",
                    roster.floors["3"])
    await make_group(db, clock, roster.community_id, roster.building_id, BUILDING_CHAT)
    await make_group(db, clock, roster.community_id, roster.floors["2"], FLOOR2_CHAT)
    await make_group(db, clock, roster.community_id, None, COMMITTEE_CHAT, purpose="committee")
    return roster


async def outbox(db: Database, kind: str) -> list[OutboxMessage]:
    async with db.reading() as session:
        return list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == kind).order_by(OutboxMessage.id))).scalars())


async def meeting_row(db: Database, meeting_id: int) -> Meeting:
    async with db.reading() as session:
        return await session.get(Meeting, meeting_id)


async def slot_ids(db: Database, meeting_id: int) -> list[int]:
    async with db.reading() as session:
        return list((await session.execute(select(MeetingSlot.id).where(
            MeetingSlot.meeting_id == meeting_id).order_by(MeetingSlot.position))).scalars())


def draft(clock, roster, **changes: object) -> MeetingDraft:
    values: dict[str, object] = dict(
        topic="加装电梯", agenda=(AgendaDraft("费用分摊"),),
        times=(clock.now() + 72 * H, clock.now() + 48 * H),
        scope_unit_ids=(roster.building_id,), deadline=clock.now() + 24 * H)
    values.update(changes)
    return MeetingDraft(**values)


async def create(db, clock, roster, user: int = LEAD, **changes: object) -> int:
    published = await create_meeting(UnitOfWork(db, clock), creator_id=user,
                                     community_id=roster.community_id,
                                     draft=draft(clock, roster, **changes))
    return published.meeting_id


async def answer(db, clock, user: int, slot: int, value: str):
    return await set_availability(UnitOfWork(db, clock), user_id=user, slot_id=slot,
                                  answer=value)


async def test_a_meeting_is_posted_to_the_groups_in_scope_with_its_agenda(db, clock, estate):
    start = await start_report(UnitOfWork(db, clock), ALICE)
    case = await submit_report(UnitOfWork(db, clock), ALICE, ReportDraft(
        category_id=start.categories[0].id, description="电梯经常坏",
        household_id=start.homes[0].household_id, place="home"))
    async with UnitOfWork(db, clock) as uow:
        uow.session.add(Survey(community_id=estate.community_id, creator_id=ADMIN,
                               kind="survey", title="电梯意见征集", audience="residents",
                               anonymous=False, live_results=False, deadline=clock.now(),
                               status="closed", created_at=clock.now(),
                               closed_at=clock.now()))
        await uow.commit()
    sources = await agenda_sources(UnitOfWork(db, clock), LEAD, estate.community_id)
    assert [(s.kind, s.text) for s in sources] == [("case", "#1 电梯经常坏"),
                                                    ("survey", "电梯意见征集")]
    meeting_id = await create(db, clock, estate, agenda=(
        AgendaDraft("费用分摊"), AgendaDraft(case_id=case.id), AgendaDraft(survey_id=1)))
    posts = await outbox(db, "meeting_poll")
    assert sorted(p.chat_id for p in posts) == [FLOOR2_CHAT, BUILDING_CHAT]
    params = posts[0].params
    assert params["agenda"] == [["费用分摊", "text"], ["#1 电梯经常坏", "case"],
                                ["电梯意见征集", "survey"]]
    assert [s[1] for s in params["slots"]] == [(clock.now() + 48 * H).isoformat(),
                                               (clock.now() + 72 * H).isoformat()]
    assert (await meeting_row(db, meeting_id)).next_due_at == clock.now() + 24 * H


async def test_bad_meetings_are_refused(db, clock, estate):
    with pytest.raises(NotPermitted):
        await create(db, clock, estate, user=STRANGER)
    with pytest.raises(NotPermitted):
        await create(db, clock, estate, user=CONTACT)  # their floor, not the building
    with pytest.raises(InvalidInput, match="meeting_time_past"):
        await create(db, clock, estate, times=(clock.now() - H, clock.now() + 48 * H),
                     deadline=clock.now() - 2 * H)
    with pytest.raises(InvalidInput, match="meeting_deadline_late"):
        await create(db, clock, estate, deadline=clock.now() + 50 * H)
    with pytest.raises(InvalidInput, match="meeting_agenda_item"):
        await create(db, clock, estate, agenda=(AgendaDraft(survey_id=999),))
    with pytest.raises(InvalidInput, match="meeting_place_too_long"):
        await create(db, clock, estate, place="楼" * 101)
    with pytest.raises(InvalidInput, match="meeting_duration"):
        await create(db, clock, estate, duration_minutes=45)
    with pytest.raises(NotPermitted):
        await agenda_sources(UnitOfWork(db, clock), ALICE, estate.community_id)
    assert await outbox(db, "meeting_poll") == []


async def test_availability_toggles_refuses_others_and_coalesces_the_refresh(db, clock, estate):
    meeting_id = await create(db, clock, estate)
    first, second = await slot_ids(db, meeting_id)
    assert (await answer(db, clock, ALICE, first, "yes")).answer == "yes"
    assert (await answer(db, clock, ALICE, first, "maybe")).answer == "maybe"
    assert (await answer(db, clock, ALICE, first, "maybe")).answer is None
    await answer(db, clock, ALICE, second, "yes")
    await answer(db, clock, DAN, second, "no")
    with pytest.raises(NotPermitted, match="meeting_not_verified"):
        await answer(db, clock, STRANGER, first, "yes")
    with pytest.raises(InvalidInput, match="meeting_bad_button"):
        await answer(db, clock, ALICE, first, "perhaps")
    edits = [p for p in await outbox(db, "meeting_poll") if p.edit_of is not None]
    assert len(edits) == 2, "one pending edit per group post, however many answers"
    assert edits[0].params["slots"] == [[first, edits[0].params["slots"][0][1], 0, 0, 0],
                                        [second, edits[0].params["slots"][1][1], 1, 0, 1]]
    assert edits[0].not_before == clock.now() + timedelta(seconds=3)
    floor2 = await create(db, clock, estate, scope_unit_ids=(estate.floors["2"],))
    with pytest.raises(NotPermitted, match="meeting_not_in_scope"):
        await answer(db, clock, ALICE, (await slot_ids(db, floor2))[0], "yes")
    clock.advance(24 * H)
    with pytest.raises(InvalidInput, match="meeting_closed"):
        await answer(db, clock, DAN, first, "yes")


async def sweep(db, clock) -> int:
    return await sweep_meetings(UnitOfWork(db, clock), clock.now(), 50)


async def test_the_sweeper_closes_with_the_best_time_once(db, clock, estate):
    meeting_id = await create(db, clock, estate)
    first, second = await slot_ids(db, meeting_id)  # in 48 h and in 72 h
    await answer(db, clock, ALICE, first, "maybe")
    await answer(db, clock, ALICE, second, "yes")
    await answer(db, clock, DAN, first, "yes")
    await answer(db, clock, DAN, second, "maybe")
    clock.advance(24 * H - timedelta(minutes=1))
    assert await sweep(db, clock) == 0
    clock.advance(timedelta(minutes=2))
    assert await sweep(db, clock) == 1
    assert await sweep(db, clock) == 0
    meeting = await meeting_row(db, meeting_id)
    assert (meeting.status, meeting.slot_id) == ("scheduled", first), "tie: the earlier"
    # Announced less than 24 h before: the announcement stands for the 24 h reminder.
    assert (meeting.reminded_24h, meeting.next_due_at) == (True, meeting.starts_at - H)
    announced = await outbox(db, "meeting_scheduled")
    assert sorted(a.chat_id for a in announced) == [FLOOR2_CHAT, BUILDING_CHAT]
    assert announced[0].params["starts_at"] == meeting.starts_at.isoformat()
    [creator] = await outbox(db, "meeting_closed_creator")
    assert (creator.chat_id, creator.params["chosen"]) == (LEAD, first)
    finals = [p for p in await outbox(db, "meeting_poll") if p.edit_of is not None]
    assert {p.params["status"] for p in finals} == {"scheduled"}
    assert all(p.not_before <= clock.now() for p in finals)


async def test_the_place_and_the_duration_are_kept_and_announced(db, clock, estate):
    meeting_id = await create(db, clock, estate, place=" 3号楼一楼活动室 ", duration_minutes=90)
    meeting = await meeting_row(db, meeting_id)
    assert (meeting.place, meeting.duration_minutes) == ("3号楼一楼活动室", 90)
    posts = await outbox(db, "meeting_poll")
    assert {(p.params["place"], p.params["duration_minutes"]) for p in posts} == {
        ("3号楼一楼活动室", 90)}
    clock.advance(24 * H)
    await sweep(db, clock)
    announced = await outbox(db, "meeting_scheduled")
    assert len(announced) == 2
    assert {(a.params["place"], a.params["duration_minutes"]) for a in announced} == {
        ("3号楼一楼活动室", 90)}
    plain = await meeting_row(db, await create(db, clock, estate, place="  "))
    assert (plain.place, plain.duration_minutes) == (None, 120)


async def test_meetings_from_before_the_duration_keep_two_hours(tmp_path):
    """Migration 0005 on a database that already holds a meeting."""
    old = Database(f"sqlite+aiosqlite:///{tmp_path}/old.sqlite3")
    await upgrade(old, "0004")
    async with old.engine.begin() as connection:
        await connection.execute(text(
            "INSERT INTO communities (name, timezone, locale, created_by, created_at) "
            "VALUES ('幸福小区', 'Asia/Shanghai', 'zh_CN', 1, '2026-11-30 00:00:00')"))
        await connection.execute(text(
            "INSERT INTO meetings (community_id, creator_id, topic, status, deadline, "
            "reminded_24h, reminded_1h, created_at) VALUES (1, 1, '加装电梯', 'polling', "
            "'2026-12-02 00:00:00', 0, 0, '2026-11-30 00:00:00')"))
    await upgrade(old)
    async with old.engine.connect() as connection:
        assert (await connection.execute(text(
            "SELECT duration_minutes FROM meetings"))).scalar_one() == 120
    await old.dispose()


async def test_reminders_24h_and_1h_and_once_after_a_downtime(db, clock, estate):
    meeting_id = await create(db, clock, estate)
    other = await create(db, clock, estate, topic="停车")
    clock.advance(24 * H)
    await sweep(db, clock)  # both closed; both start in 24 h (no answers: the earliest)
    assert [r.params["before"] for r in await outbox(db, "meeting_reminder")] == []
    assert (await meeting_row(db, meeting_id)).reminded_24h, "the announcement covered it"
    clock.advance(23 * H + timedelta(minutes=30))  # the bot was down for 23.5 h
    assert await sweep(db, clock) == 2
    assert await sweep(db, clock) == 0
    reminders = await outbox(db, "meeting_reminder")
    assert [r.params["before"] for r in reminders] == ["1h"] * 4, "once, in each group"
    clock.advance(2 * H)
    assert await sweep(db, clock) == 0
    assert (await meeting_row(db, other)).next_due_at is None


async def test_a_reminder_missed_until_after_the_start_is_not_sent(db, clock, estate):
    meeting_id = await create(db, clock, estate, times=(clock.now() + 72 * H,
                                                        clock.now() + 96 * H))
    clock.advance(24 * H)
    await sweep(db, clock)
    clock.advance(24 * H)  # 24 h before
    await sweep(db, clock)
    assert [r.params["before"] for r in await outbox(db, "meeting_reminder")] == ["24h"] * 2
    clock.advance(30 * H)  # down past the 1 h moment and the start
    await sweep(db, clock)
    assert len(await outbox(db, "meeting_reminder")) == 2
    assert (await meeting_row(db, meeting_id)).next_due_at is None


async def test_the_creator_overrides_the_time(db, clock, estate):
    meeting_id = await create(db, clock, estate)
    first, second = await slot_ids(db, meeting_id)
    with pytest.raises(InvalidInput, match="meeting_not_scheduled"):
        await choose_time(UnitOfWork(db, clock), user_id=LEAD, meeting_id=meeting_id,
                          slot_id=second)
    clock.advance(24 * H)
    await sweep(db, clock)
    with pytest.raises(NotPermitted, match="meeting_not_creator"):
        await choose_time(UnitOfWork(db, clock), user_id=ALICE, meeting_id=meeting_id,
                          slot_id=second)
    with pytest.raises(InvalidInput, match="meeting_same_time"):
        await choose_time(UnitOfWork(db, clock), user_id=LEAD, meeting_id=meeting_id,
                          slot_id=first)
    done = await choose_time(UnitOfWork(db, clock), user_id=LEAD, meeting_id=meeting_id,
                             slot_id=second)
    assert (done.starts_at, done.groups) == (clock.now() + 48 * H, 2)
    meeting = await meeting_row(db, meeting_id)
    assert (meeting.slot_id, meeting.reminded_24h, meeting.next_due_at) == (
        second, False, clock.now() + 24 * H)
    changed = [a for a in await outbox(db, "meeting_scheduled") if a.params["changed"]]
    assert len(changed) == 2
    assert changed[0].params["sequence"] > 0


async def test_minutes_go_to_the_groups_and_onto_the_agendas_cases(db, clock, estate):
    start = await start_report(UnitOfWork(db, clock), ALICE)
    case = await submit_report(UnitOfWork(db, clock), ALICE, ReportDraft(
        category_id=start.categories[0].id, description="电梯经常坏",
        household_id=start.homes[0].household_id, place="home"))
    async with UnitOfWork(db, clock) as uow:
        uow.session.add(Survey(community_id=estate.community_id, creator_id=ADMIN,
                               kind="survey", title="电梯意见征集", audience="residents",
                               anonymous=False, live_results=False, deadline=clock.now(),
                               status="closed", created_at=clock.now(),
                               closed_at=clock.now()))
        await uow.commit()
    meeting_id = await create(db, clock, estate, agenda=(AgendaDraft(case_id=case.id),
                                                         AgendaDraft(survey_id=1)))
    clock.advance(24 * H)
    await sweep(db, clock)

    async def minutes(user: int = LEAD, text: str = "讨论了费用"):
        return await post_minutes(UnitOfWork(db, clock), user_id=user, meeting_id=meeting_id,
                                  minutes=text, outcome="同意加装")

    with pytest.raises(InvalidInput, match="meeting_not_started"):
        await minutes()
    clock.advance(25 * H)
    with pytest.raises(NotPermitted):
        await minutes(user=ALICE)
    with pytest.raises(InvalidInput, match="meeting_minutes_empty"):
        await minutes(text=" ")
    posted = await minutes()
    assert (posted.groups, posted.cases) == (2, 1)
    assert (await meeting_row(db, meeting_id)).status == "held"
    [post, _other, to_survey_creator] = await outbox(db, "meeting_minutes")
    assert (post.params["minutes"], post.params["outcome"]) == ("讨论了费用", "同意加装")
    # The survey discussed links to the meeting: its creator gets the minutes, /surveys
    # names the meeting.
    assert to_survey_creator.chat_id == ADMIN
    [brief] = await surveys_created_by(UnitOfWork(db, clock), ADMIN)
    assert brief.meetings == ("加装电梯",)
    async with db.reading() as session:
        [event] = (await session.execute(select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "meeting"))).scalars()
    assert (event.note, event.details["meeting_id"]) == ("加装电梯", meeting_id)
    [told] = await outbox(db, "meeting_case")
    assert (told.chat_id, told.params["number"]) == (ALICE, 1)
    with pytest.raises(InvalidInput, match="meeting_minutes_posted"):
        await minutes()
