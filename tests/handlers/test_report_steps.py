"""Handler tier, /report step by step: a photo at the description step is kept (its caption
is the description), and the location step's buttons — at the bottom of the screen — go
back to the places or cancel; text there gets a hint naming the button."""

from __future__ import annotations

import json

import pytest

from bot.app import App
from bot.domain.clock import FrozenClock
from storage import Database
from storage.case_models import Case
from tests.fakes.session import FakeSession
from tests.handlers.chat import Chat
from tests.handlers.test_report_flow import (
    ALICE,
    make_world,
    photo,
)


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
