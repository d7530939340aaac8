"""Handler tier: /motion step by step to publishing, voting with the buttons of the group
post (a changed vote, a tenant refused under Article 278, a stranger refused, a vote after
the deadline), the motion opened in private, door-to-door votes, and /motions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.domain.roster_files import parse_csv
from bot.services.motions import MotionDraft, create_motion
from bot.services.report_filing import submit_report
from bot.services.reports import ReportDraft, start_report
from bot.services.roles_admin import grant_role
from bot.ui.motion_callbacks import MotionCB
from storage import Database, UnitOfWork
from storage.deliberation_models import Motion, MotionBallot
from storage.models import OutboxMessage
from tests.builders import make_group, make_resident, make_roster, make_user
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person
from tests.handlers.chat import Chat

ADMIN = Person(ADMIN_ID, "Admin", "en")
ALICE = Person(301, "Alice", "en")  # owner of 101
TOM = Person(302, "Tom", "en")  # tenant of 102
CONTACT = Person(305, "Chen", "en")  # floor contact of floor 2
STRANGER = Person(306, "Zhao", "en")
GROUP = -4001


@pytest.fixture
async def world(sqlite_db: Database, clock: FrozenClock):
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en", floors=2)
    await make_resident(sqlite_db, clock, ALICE.id, roster.homes["101"], "owner", "Alice")
    await make_resident(sqlite_db, clock, TOM.id, roster.homes["102"], "tenant", "Tom")
    for person in (CONTACT, STRANGER):
        await make_user(sqlite_db, clock, person.id, person.first_name)
    await grant_role(UnitOfWork(sqlite_db, clock), actor_id=ADMIN_ID,
                     community_id=roster.community_id, user_id=CONTACT.id,
                     role="floor_contact", unit_id=roster.floors["2"])
    await make_group(sqlite_db, clock, roster.community_id, roster.building_id, GROUP,
                     locale="en")
    return roster


async def publish(db: Database, clock: FrozenClock, roster, rule: str = "art278") -> int:
    view = await create_motion(UnitOfWork(db, clock), creator_id=ADMIN_ID,
                               community_id=roster.community_id, draft=MotionDraft(
                                   "Install a lift", rule, (roster.building_id,),
                                   clock.now() + timedelta(days=3)))
    return view.id


async def test_motion_flow_to_publishing(app: App, fake_session: FakeSession, world,
                                         sqlite_db: Database, clock: FrozenClock):
    start = await start_report(UnitOfWork(sqlite_db, clock), ALICE.id)
    await submit_report(UnitOfWork(sqlite_db, clock), ALICE.id, ReportDraft(
        start.categories[0].id, "The stairs are too steep for us", start.homes[0].household_id,
        "stairs"))
    admin = Chat(app, fake_session, ADMIN)
    assert "What is the question" in (await admin.send("/motion"))[0]
    assert "the limit is 300" in (await admin.send("x" * 301))[0]
    assert "come from a report case" in (await admin.send("Install a lift in building 1"))[0]
    rules = (await admin.press("📋 #1 The stairs"))[-1]
    assert "Civil Code Art. 278" in rules
    assert "Who votes?" in (await admin.press("Owners' double majority (Civil Code"))[-1]
    await admin.press("🏢 幸福小区 1号楼")
    assert "Secret ballot?" in (await admin.press("In 7 days"))[-1]
    await admin.press("No, an open vote")
    preview = (await admin.press("Property management"))[-1]
    assert "Who votes: 🏢 幸福小区 1号楼" in preview
    assert "Nothing is posted before you press Publish." in preview
    assert "Motion #1 is posted" in (await admin.press("📣 Publish"))[-1]
    async with sqlite_db.reading() as session:
        motion = await session.get(Motion, 1)
        post = await session.scalar(select(OutboxMessage).where(
            OutboxMessage.kind == "motion_post"))
    assert (motion.rule, motion.secret, post.chat_id) == ("art278", False, GROUP)
    assert motion.case_id == 1
    # Someone without an organizer role is refused at once.
    refusal = (await Chat(app, fake_session, ALICE).send("/motion"))[0]
    assert "Motions are put to the vote by" in refusal


async def test_voting_in_the_group(app: App, fake_session: FakeSession, world,
                                   sqlite_db: Database, clock: FrozenClock):
    motion_id = await publish(sqlite_db, clock, world)
    vote = MotionCB(action="vote", motion=motion_id, value="for").pack()
    alice = Chat(app, fake_session, ALICE, chat_id=GROUP)
    await alice.press_data(vote)
    assert alice.alerts[0].startswith("Your vote: 👍 For.")
    await alice.press_data(MotionCB(action="vote", motion=motion_id, value="against").pack())
    assert alice.alerts[0].startswith("Your vote was changed to: 👎 Against.")
    tom = Chat(app, fake_session, TOM, chat_id=GROUP)
    await tom.press_data(vote)
    assert "only owners vote" in tom.alerts[0]
    stranger = Chat(app, fake_session, STRANGER, chat_id=GROUP)
    await stranger.press_data(vote)
    assert stranger.alerts[0].startswith("Only verified residents vote. Join your home first")
    await alice.press_data(MotionCB(action="vote", motion=motion_id, value="maybe").pack())
    assert alice.alerts == ["This button has expired."]
    await alice.press_data(MotionCB(action="vote", motion=999, value="for").pack())
    assert alice.alerts == ["That motion does not exist."]
    async with sqlite_db.reading() as session:
        ballots = list((await session.execute(select(MotionBallot))).scalars())
    assert [(b.household_id, b.choice) for b in ballots] == [(world.homes["101"], "against")]
    clock.advance(timedelta(days=4))
    await alice.press_data(vote)
    assert "Voting on this motion has ended" in alice.alerts[0]


async def test_door_to_door_and_the_list(app: App, fake_session: FakeSession, world,
                                         sqlite_db: Database, clock: FrozenClock):
    motion_id = await publish(sqlite_db, clock, world)
    contact = Chat(app, fake_session, CONTACT)
    text = (await contact.send(f"/start m_{motion_id}"))[0]
    assert "Install a lift" in text
    assert "Owners taking part: 0 of 4" in text
    assert "Homes that have not voted yet: 2" in (await contact.press("🚪 Record votes"))[0]
    await contact.press("201")
    assert "Recorded door to door: 👍 For." in (await contact.press("👍 For"))[0]
    await contact.press("🚪 Next home")
    assert contact.labels() == ["202"]
    alice = Chat(app, fake_session, ALICE)
    await alice.send(f"/start m_{motion_id}")
    await alice.press("🚪 Record votes")
    assert "floor contact or building lead" in alice.alerts[0]
    admin = Chat(app, fake_session, ADMIN)
    listing = (await admin.send("/motions"))[0]
    assert f"#{motion_id} Install a lift — open until" in listing
    await admin.press(f"🛑 Close #{motion_id}")
    assert "did not pass" in (await admin.press("🛑 Yes, close it now"))[0]
    await admin.press_data(MotionCB(action="csv", motion=motion_id).pack())
    [document] = [c for c in fake_session.calls if c.method == "sendDocument"]
    assert document.raw.document.filename == f"motion-{motion_id}-20261201.csv"
    header, *rows = parse_csv(document.raw.document.data)
    assert header[:4] == ["household", "owner", "area_m2", "choice"]
    assert [(r[0].endswith("201"), r[3], r[4]) for r in rows] == [(True, "for",
                                                                   "door to door")]


async def test_deadline_days_count_from_the_communitys_date(
        app: App, fake_session: FakeSession, world, clock: FrozenClock):
    clock.advance(timedelta(hours=22))  # 23:00 UTC on Dec 1 is 07:00 on Dec 2 in Shanghai
    admin = Chat(app, fake_session, ADMIN)
    await admin.send("/motion")
    await admin.send("Install a lift in building 1")
    await admin.press("Simple majority of votes cast")
    await admin.press("🏢 幸福小区 1号楼")
    assert admin.labels()[0] == "Tomorrow — Dec 3, 2026, 20:00"


async def test_a_typed_deadline_is_read_on_the_communitys_clock_and_checked(
        app: App, fake_session: FakeSession, world, sqlite_db: Database):
    admin = Chat(app, fake_session, ADMIN)
    await admin.send("/motion")
    await admin.send("Install a lift in building 1")
    await admin.press("Simple majority of votes cast")
    asked = (await admin.press("🏢 幸福小区 1号楼"))[-1]
    assert "or type a date and time, for example 2026-12-05 18:00 (Asia/Shanghai time)" in asked
    assert (await admin.send("2020-01-01 10:00")) == [
        "The voting deadline must be at least 1 hour from now."]
    assert "I could not read that date" in (await admin.send("next Friday"))[0]
    assert "Secret ballot?" in (await admin.send("2026-12-10 18:30"))[0]
    await admin.press("No, an open vote")
    preview = (await admin.press("Property management"))[-1]
    assert "Voting until: Dec 10, 2026, 18:30" in preview
    await admin.press("📣 Publish")
    async with sqlite_db.reading() as session:
        motion = await session.get(Motion, 1)
    assert motion.deadline.isoformat() == "2026-12-10T10:30:00+00:00"  # 18:30 in Shanghai


STICKER = {"sticker": {"file_id": "S", "file_unique_id": "uS", "width": 512, "height": 512,
                       "is_animated": False, "is_video": False, "type": "regular"}}


async def test_each_step_answers_a_sticker_with_what_it_expects(
        app: App, fake_session: FakeSession, world):
    admin = Chat(app, fake_session, ADMIN)
    await admin.send("/motion")
    assert await admin.send("", **STICKER) == [
        "Please send the question as text, or send /cancel."], "the question has no buttons"
    await admin.send("Install a lift in building 1")
    assert await admin.send("", **STICKER) == [
        "Please use the buttons above, or send /cancel."], "the rule is chosen by button"
    await admin.press("Simple majority of votes cast")
    await admin.press("🏢 幸福小区 1号楼")
    assert await admin.send("", **STICKER) == [
        "Please press a button above, or type a date and time such as 2026-12-05 18:00, or "
        "send /cancel."]
    assert "Secret ballot?" in (await admin.press("In 7 days"))[-1]
