"""Handler tier, /report step by step: a photo at the description step is kept (its caption
is the description), and the location step's buttons — at the bottom of the screen — go
back to the places or cancel; text there gets a hint naming the button. The summary's ✏️
buttons open one step again, with its checks, and come back to the summary; they expire
with the report."""

from __future__ import annotations

import json

import pytest

from bot.app import App
from bot.domain.clock import FrozenClock
from storage import Database
from storage.case_models import Case, Category
from tests.fakes.session import FakeSession
from tests.handlers.chat import Chat
from tests.handlers.test_report_flow import (
    ALICE,
    BOB,
    make_world,
    photo,
    report_stairs_light,
)

PIN = {"location": {"latitude": 31.2304, "longitude": 121.4737}}
SUMMARY_BUTTONS = ["✅ Submit", "✏️ Problem", "✏️ Category", "✏️ Where", "✏️ Photos",
                   "⚡ Mark as urgent", "👥 Show it to neighbours (anonymous)", "✖️ Cancel"]


@pytest.fixture
async def world(sqlite_db: Database, clock: FrozenClock):
    return await make_world(sqlite_db, clock)


async def describe_with(alice: Chat, **message: object) -> list[str]:
    await alice.send("/report")
    await alice.press("🔧 Repairs")
    return await alice.send("", **message)


def bottom_keyboard(fake_session: FakeSession) -> list[str]:
    """The labels of the keyboard at the bottom of the screen (none once removed)."""
    for call in reversed(fake_session.calls):
        markup = call.params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup
        if markup and "keyboard" in markup:
            return [b["text"] for row in markup["keyboard"] for b in row]
        if markup and markup.get("remove_keyboard"):
            return []
    return []


async def test_a_photo_with_a_caption_is_the_description_and_photo_1(
        app: App, fake_session: FakeSession, world, sqlite_db: Database):
    alice = Chat(app, fake_session, ALICE)
    said = await describe_with(alice, **photo("LEAK", "Water drips from the ceiling"))
    assert said == ["📷 Photo 1 of 3 added. Send another, or press “Next”."]
    await alice.press("Next ➡️")
    await alice.press("🏠 My home")
    summary = (await alice.press("No, not urgent"))[0]
    assert "Problem: Water drips from the ceiling" in summary
    assert "Photos: 1" in summary
    await alice.press("✅ Submit")
    async with sqlite_db.reading() as session:
        case = await session.get(Case, 1)
    assert (case.description, case.photos) == ("Water drips from the ceiling", ["LEAK"])


async def test_a_photo_without_a_caption_is_kept_while_words_are_asked_for(
        app: App, fake_session: FakeSession, world):
    alice = Chat(app, fake_session, ALICE)
    said = (await describe_with(alice, **photo("LEAK")))[0]
    assert said.startswith("📷 Photo 1 kept. Now please describe the problem in words")
    # A caption that is too long: refused, the photo kept, and the user is told so.
    said = (await alice.send("", **photo("LEAK2", "x" * 2001)))[0]
    assert "the limit is 2000" in said
    assert "Your photo is kept" in said
    assert "Photo 2 of 3 added" in (await alice.send("Water drips from the ceiling"))[0]


async def test_the_location_step_goes_back_or_cancels_from_the_bottom(
        app: App, fake_session: FakeSession, world):
    alice = Chat(app, fake_session, ALICE)
    await alice.send("/report")
    await alice.press("🔧 Repairs")
    await alice.send("The gate is broken")
    await alice.press("Skip ➡️")
    prompt = (await alice.press("📍 Share a location"))[0]
    assert "at the bottom of the screen" in prompt
    assert "above" not in prompt
    assert bottom_keyboard(fake_session) == ["📍 Send my current location", "⬅️ Back",
                                             "✖️ Cancel"]
    hint = (await alice.send("near the gate"))[0]
    assert hint == ("Please press “📍 Send my current location” at the bottom of the screen, "
                    "or “⬅️ Back” to choose another kind of place.")
    said = await alice.send("⬅️ Back")
    assert said[-1] == "📍 Where is the problem?"
    assert "🌳 A public area of the compound" in alice.labels()
    await alice.press("📍 Share a location")
    assert (await alice.send("✖️ Cancel")) == ["Cancelled. Nothing was reported."]
    assert bottom_keyboard(fake_session) == [], "the keyboard at the bottom is removed"
    assert "use the buttons" not in " ".join(await alice.send("hello"))


async def to_summary(chat: Chat, text: str = "The gate is broken") -> bool:
    """/report up to the summary: Repairs, `text` (and “mine is different” if a similar case
    is offered), one photo, their home, not urgent. Says whether a similar case was offered."""
    await chat.send("/report")
    await chat.press("🔧 Repairs")
    offered = "already reported something similar" in (await chat.send(text))[0]
    if offered:
        await chat.press("➕ No, mine is different — go on")
    await chat.send("", **photo("P1"))
    await chat.press("Next ➡️")
    await chat.press("🏠 My home")
    await chat.press("No, not urgent")
    return offered


async def the_case(db: Database, number: int = 1) -> Case:
    async with db.reading() as session:
        return await session.get(Case, number)


async def test_the_description_is_edited_with_its_checks_and_no_similar_offer(
        app: App, fake_session: FakeSession, world, sqlite_db: Database):
    await report_stairs_light(Chat(app, fake_session, ALICE))
    bob = Chat(app, fake_session, BOB)
    assert await to_summary(bob, "The gate is brokn"), "offered the first time"
    assert bob.labels() == SUMMARY_BUTTONS
    prompt = (await bob.press("✏️ Problem"))[0]
    assert prompt.endswith("where exactly.\nWhat it says now: The gate is brokn")
    assert "the limit is 2000" in (await bob.send("x" * 2001))[0]
    # Like a case reported already, but that offer was made (or not) the first time.
    summary = (await bob.send("The stairwell light is broken again"))[0]
    assert summary.startswith("Please check your report:")
    assert "Problem: The stairwell light is broken again" in summary
    assert "Photos: 1" in summary, "nothing else was asked again"
    assert "Urgent: yes" in (await bob.press("⚡ Mark as urgent"))[0]
    assert "⚡ Mark as not urgent" in bob.labels()
    await bob.press("✅ Submit")
    case = await the_case(sqlite_db, 2)
    assert (case.description, case.urgent, case.photos) == (
        "The stairwell light is broken again", True, ["P1"])


async def test_the_category_and_the_place_are_edited(
        app: App, fake_session: FakeSession, world, sqlite_db: Database):
    alice = Chat(app, fake_session, ALICE)
    await alice.send("/report")
    await alice.press("🔧 Repairs")
    await alice.send("The gate is broken")
    await alice.press("Skip ➡️")
    await alice.press("📍 Share a location")
    await alice.send("", **PIN)
    assert "Where: 📍" in (await alice.press("No, not urgent"))[0]
    assert (await alice.press("✏️ Category")) == ["📝 What is it about?"]
    assert "⚠️ Safety hazard" in alice.labels()
    summary = (await alice.press("⚠️ Safety hazard"))[0]
    assert "Category: ⚠️ Safety hazard" in summary
    assert "Problem: The gate is broken" in summary
    assert (await alice.press("✏️ Where"))[0] == "📍 Where is the problem?"
    summary = (await alice.press("🏠 My home"))[0]
    assert "\nWhere: 幸福小区 1号楼 1 101\n" in summary
    assert "Urgent: no" in summary, "the urgency is not asked again"
    await alice.press("✅ Submit")
    case = await the_case(sqlite_db)
    async with sqlite_db.reading() as session:
        category = await session.get(Category, case.category_id)
    assert (category.key, case.place, case.latitude) == ("safety", "home", None)


async def test_the_photos_are_taken_again(app: App, fake_session: FakeSession, world,
                                          sqlite_db: Database):
    alice = Chat(app, fake_session, ALICE)
    await to_summary(alice)
    said = (await alice.press("✏️ Photos"))[0]
    assert said.startswith("The photos you sent before are removed.\n📷 Send up to 3")
    video = {"video": {"file_id": "V", "file_unique_id": "uV", "width": 1, "height": 1,
                       "duration": 3}}
    assert "Only photos can be added here" in (await alice.send("", **video))[0]
    await alice.send("", **photo("NEW1"))
    await alice.send("", **photo("NEW2"))
    assert "Photos: 2" in (await alice.press("Next ➡️"))[0]
    await alice.press("✅ Submit")
    assert (await the_case(sqlite_db)).photos == ["NEW1", "NEW2"]


async def test_summary_buttons_expire_with_the_report(
        app: App, fake_session: FakeSession, world, sqlite_db: Database):
    alice = Chat(app, fake_session, ALICE)
    await to_summary(alice)
    edit = alice.data("✏️ Problem")
    forged = edit.replace("description", "household")
    await alice.press_data(forged)
    assert alice.alerts == ["This button has expired."]
    await alice.press("✅ Submit")
    await alice.press_data(edit)
    assert alice.alerts == ["This button has expired."]
    assert "use the buttons" not in " ".join(await alice.send("New text"))
    await to_summary(alice)
    category = alice.data("✏️ Category")
    await alice.press("✖️ Cancel")
    await alice.press_data(category)
    assert alice.alerts == ["This button has expired."]
    assert (await the_case(sqlite_db)).description == "The gate is broken"
