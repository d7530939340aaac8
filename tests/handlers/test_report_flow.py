"""Handler tier: reporting a problem step by step (photos, places, bad inputs, similar
cases and “Me too”), then the body's actions from its group and the private chat, the
refusals of everyone else, and the reporter's rating."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.services.roles_admin import grant_role
from bot.ui.case_callbacks import CaseCB, MeTooCB, MyCaseCB
from storage import Database, UnitOfWork
from storage.case_models import Case
from storage.models import OutboxMessage
from tests.builders import make_group, make_resident, make_roster, make_user
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person
from tests.handlers.chat import Chat

ALICE = Person(301, "Alice", "en")  # owner of 101
BOB = Person(302, "Bob", "en")  # owner of 201
STAFF = Person(401, "Wang", "en")  # property management
STRANGER = Person(306, "Zhao", "en")  # no home
PROPERTY, BUILDING = -2001, -2002


@pytest.fixture
async def world(sqlite_db: Database, clock: FrozenClock):
    return await make_world(sqlite_db, clock)


async def make_world(sqlite_db: Database, clock: FrozenClock):
    """Two residents, property staff, someone without a home, the property group and the
    building's group."""
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en", floors=2)
    await make_resident(sqlite_db, clock, ALICE.id, roster.homes["101"], name="Alice")
    await make_resident(sqlite_db, clock, BOB.id, roster.homes["201"], name="Bob")
    for person in (STAFF, STRANGER):
        await make_user(sqlite_db, clock, person.id, person.first_name)
    await grant_role(UnitOfWork(sqlite_db, clock), actor_id=ADMIN_ID,
                     community_id=roster.community_id, user_id=STAFF.id, role="property",
                     unit_id=None)
    await make_group(sqlite_db, clock, roster.community_id, None, PROPERTY, purpose="property",
                     locale="en")
    await make_group(sqlite_db, clock, roster.community_id, roster.building_id, BUILDING,
                     locale="en")
    return roster


def photo(file_id: str, caption: str | None = None) -> dict:
    sizes = [{"file_id": f"{file_id}-s", "file_unique_id": f"u{file_id}s", "width": 90,
              "height": 67},
             {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1280,
              "height": 960}]
    return {"photo": sizes, **({"caption": caption} if caption else {})}


async def posts(db: Database, kind: str) -> list[OutboxMessage]:
    async with db.reading() as session:
        return list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == kind).order_by(OutboxMessage.id))).scalars())


async def report_stairs_light(alice: Chat) -> list[str]:
    await alice.send("/report")
    await alice.press("🔧 Repairs")
    await alice.send("The stairwell light on floor 1 is broken")
    await alice.send("", **photo("P1"))
    await alice.press("Next ➡️")
    await alice.press("🏢 Elsewhere in my building")
    await alice.press("Stairwell or corridor")
    await alice.press("No, not urgent")
    return await alice.press("✅ Submit")


async def test_report_with_photos_and_bad_inputs(app: App, fake_session: FakeSession, world,
                                                 sqlite_db: Database):
    stranger = Chat(app, fake_session, STRANGER)
    assert "verified residents" in (await stranger.send("/report"))[0]
    alice = Chat(app, fake_session, ALICE)
    assert "What is it about?" in (await alice.send("/report"))[0]
    assert "Describe the problem" in (await alice.press("🔧 Repairs"))[0]
    sticker = {"sticker": {"file_id": "S", "file_unique_id": "uS", "width": 512,
                           "height": 512, "is_animated": False, "is_video": False,
                           "type": "regular"}}
    refusal = (await alice.send("", **sticker))[0]
    assert "send a text message, or a photo with the description" in refusal
    assert "voice" not in refusal
    assert "the limit is 2000" in (await alice.send("x" * 2001))[0]
    assert "Send up to 3 photos" in (await alice.send("The lift on floor 2 is stuck"))[0]
    video = {"video": {"file_id": "V", "file_unique_id": "uV", "width": 1, "height": 1,
                       "duration": 3}}
    # Before the first photo the button is “Skip”, and the refusal says so.
    assert "Send a photo, or press “Skip”" in (await alice.send("", **video))[0]
    assert alice.labels() == ["Skip ➡️", "✖️ Cancel"]
    assert (await alice.send("", **photo("P1")))[0] == (
        "📷 Photo 1 of 3 added. Send another, or press “Next”.")
    [second] = await alice.send("", **photo("P2", caption="第二张"))
    assert second == ("📷 Photo 2 of 3 added. Send another, or press “Next”.\nThe photo's "
                      "caption was not kept: your report keeps the description you wrote.")
    assert "Send a photo, or press “Next”" in (await alice.send("a typed word"))[0]
    assert (await alice.send("", **photo("P3")))[0] == (
        "📷 Photo 3 of 3 added, the most I can take. Press “Next”.")
    assert (await alice.send("", **photo("P4")))[0] == (
        "You have added 3 photos, the most I can take, so this one was not added. "
        "Press “Next”.")
    assert alice.labels() == ["Next ➡️", "✖️ Cancel"], "the limit message has its button"
    assert "Where is the problem?" in (await alice.press("Next ➡️"))[0]
    assert "Is it urgent" in (await alice.press("🏠 My home"))[0]
    summary = (await alice.press("🚨 Yes, urgent"))[0]
    assert "Photos: 3" in summary
    assert "Urgent: yes" in summary
    assert "Shown to neighbours: yes" in (await alice.press("👥 Show it"))[0]
    card = (await alice.press("✅ Submit"))[-1]
    assert "Your report is case #1" in card
    assert "🚨 URGENT" in card
    [case_card] = await posts(sqlite_db, "case_card")
    assert case_card.chat_id == PROPERTY
    assert case_card.params["photos"] == ["P1", "P2", "P3"]
    assert [p.chat_id for p in await posts(sqlite_db, "case_neighbours")] == [BUILDING]
    # In a group, /report hands off to the private chat.
    group = Chat(app, fake_session, ALICE, chat_id=BUILDING)
    await group.send("/report")
    assert group.button("📝 Report a problem")["url"].endswith("?start=report")


async def test_a_similar_case_is_offered_and_me_too_ends_the_flow(
        app: App, fake_session: FakeSession, world, sqlite_db: Database):
    await report_stairs_light(Chat(app, fake_session, ALICE))
    bob = Chat(app, fake_session, BOB)
    await bob.send("/report")
    await bob.press("🔧 Repairs")
    offer = (await bob.send("The stairwell light is broken again"))[0]
    assert "#1" in offer
    assert "already reported something similar" in offer
    said = (await bob.press("🙋 Me too: #1"))[0]
    assert "you were added to case #1. Neighbours affected: 1." in said
    # The flow is over: typing is not taken as a step any more.
    assert "use the buttons" not in " ".join(await bob.send("hello"))
    in_group = Chat(app, fake_session, BOB, chat_id=BUILDING)
    await in_group.press_data(MeTooCB(case=1).pack())
    assert "already said “me too”" in in_group.alerts[0]
    async with sqlite_db.reading() as session:
        assert (await session.get(Case, 1)).supporters == 1


async def test_the_body_acts_and_everyone_else_is_refused(
        app: App, fake_session: FakeSession, world, sqlite_db: Database):
    await report_stairs_light(Chat(app, fake_session, ALICE))
    accept = CaseCB(action="accept", case=1).pack()
    stranger = Chat(app, fake_session, STRANGER, chat_id=PROPERTY)
    await stranger.press_data(accept)
    assert "Only the body responsible" in stranger.alerts[0]
    staff_group = Chat(app, fake_session, STAFF, chat_id=PROPERTY)
    await staff_group.press_data(accept)
    await staff_group.press_data(accept)
    assert "accepted already" in staff_group.alerts[0]
    staff = Chat(app, fake_session, STAFF)
    assert "That case does not exist" in (await staff.send("/start cr_999"))[0]
    assert "Only the body" in (await Chat(app, fake_session, BOB).send("/start cr_1"))[0]
    assert "what was done?" in (await staff.send("/start cr_1"))[0]
    assert "Photo 1 of 3 added" in (await staff.send("", **photo("FIX")))[0]
    # A second photo, the note as its caption: both photos go to the reporter.
    assert "case #1 is resolved" in (await staff.send("", **photo("AFTER",
                                                                 "Replaced the bulb")))[0]
    [resolved] = await posts(sqlite_db, "case_resolved")
    assert (resolved.chat_id, resolved.params["photos"]) == (ALICE.id, ["FIX", "AFTER"])
    assert resolved.params["note"] == "Replaced the bulb"
    alice = Chat(app, fake_session, ALICE)
    await alice.press_data(MyCaseCB(action="rate", case=1, value=4).pack())
    async with sqlite_db.reading() as session:
        case = await session.get(Case, 1)
    assert (case.status, case.rating) == ("closed", 4)
    assert "closed already" in (await staff.send("/start cx_1"))[0]
    await alice.press_data(MyCaseCB(action="rate", case=1, value=5).pack())
    assert "not waiting for your confirmation" in alice.alerts[0]
    listing = (await alice.send("/mycases"))[0]
    assert "#1" in listing
    assert "closed" in listing


async def test_reject_needs_a_reason_and_reassign_picks_a_body(
        app: App, fake_session: FakeSession, world, sqlite_db: Database):
    await report_stairs_light(Chat(app, fake_session, ALICE))
    staff = Chat(app, fake_session, STAFF)
    await staff.send("/start cx_1")
    assert "Please send text" in (await staff.send("", **{"sticker": {
        "file_id": "S", "file_unique_id": "uS", "width": 1, "height": 1,
        "is_animated": False, "is_video": False, "type": "regular"}}))[0]
    await staff.press("✖️ Cancel")
    assert "Who should handle it" in (await staff.send("/start cm_1"))[0]
    assert "passed to Residents' committee" in (await staff.press("Residents' committee"))[0]
    updates = [p.params["event"] for p in await posts(sqlite_db, "case_update")]
    assert updates == ["reassigned"]
    # Property is no longer responsible, so its staff is refused now.
    assert "Only the body" in (await staff.send("/start cx_1"))[0]
