"""Handler tier: /meeting from the first message to the published poll (a past time and a
late deadline refused on the way), the place typed or left open (too long, a sticker and a
map pin refused) and how long it lasts, availability buttons in the group with the live
counts queued, a voter who is not a verified resident refused, and the creator's
/meetings: a changed time and the minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.services.meeting_close import sweep_meetings
from bot.services.report_filing import submit_report
from bot.services.reports import ReportDraft, start_report
from bot.services.roles_admin import grant_role
from bot.ui import meeting_render  # noqa: F401  (registers the meeting renderers)
from bot.ui.meeting_callbacks import AvailabilityCB, MeetDraftCB
from bot.ui.render import render
from storage import Database, UnitOfWork
from storage.models import OutboxMessage
from tests.builders import make_group, make_resident, make_roster, make_user
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person
from tests.handlers.chat import Chat

LEAD = Person(301, "Li", "en")  # building lead of building 1
ALICE = Person(302, "Alice", "en")  # owner of 101
STRANGER = Person(303, "Zhao", "en")  # no home
GROUP = -100
PLACE = "3号楼一楼活动室"
STICKER = {"sticker": {"file_id": "S", "file_unique_id": "uS", "width": 512, "height": 512,
                       "is_animated": False, "is_video": False, "type": "regular"}}
PIN = {"location": {"latitude": 31.2304, "longitude": 121.4737}}


@pytest.fixture
async def world(sqlite_db: Database, clock: FrozenClock):
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en")
    await make_user(sqlite_db, clock, LEAD.id, LEAD.first_name, language_code="en")
    await grant_role(UnitOfWork(sqlite_db, clock), actor_id=ADMIN_ID,
                     community_id=roster.community_id, user_id=LEAD.id, role="building_lead",
                     unit_id=roster.building_id)
    await make_resident(sqlite_db, clock, ALICE.id, roster.homes["101"], name="Alice")
    await make_user(sqlite_db, clock, STRANGER.id, STRANGER.first_name)
    await make_group(sqlite_db, clock, roster.community_id, roster.building_id, GROUP,
                     locale="en")
    start = await start_report(UnitOfWork(sqlite_db, clock), ALICE.id)
    await submit_report(UnitOfWork(sqlite_db, clock), ALICE.id, ReportDraft(
        category_id=start.categories[0].id, description="The lift stops between floors",
        household_id=start.homes[0].household_id, place="home"))
    return roster


async def rows(db: Database, kind: str) -> list[OutboxMessage]:
    async with db.reading() as session:
        return list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == kind).order_by(OutboxMessage.id))).scalars())


async def start_meeting(lead: Chat) -> None:
    """From /meeting to the place: the topic and the agenda."""
    assert "What is the topic?" in (await lead.send("/meeting"))[-1]
    assert "Agenda:" in (await lead.send("Lift for building 1"))[-1]
    assert "1. Costs" in (await lead.send("Costs"))[-1]
    assert "2. #1 The lift stops" in (await lead.press("📋 #1 The lift"))[-1]
    assert "Where will the meeting be held?" in (await lead.press("✅ Done"))[-1]
    assert lead.labels() == ["No place yet", "✖️ Cancel"]


async def call_meeting(lead: Chat) -> list[str]:
    """From /meeting to the preview, with a place and 1.5 hours."""
    await start_meeting(lead)
    assert "How long will the meeting last?" in (await lead.send(PLACE))[-1]
    assert lead.labels() == ["1 hour", "1.5 hours", "2 hours (usual)", "3 hours", "✖️ Cancel"]
    assert (await lead.press("1.5 hours"))[0].endswith("\n\n→ 1.5 hours")
    return await choose_times(lead)


async def choose_times(lead: Chat) -> list[str]:
    """From the day buttons to the preview; 09:00 today (Shanghai) is already past."""
    assert lead.labels()[:3] == ["Tue, Dec 1", "Wed, Dec 2", "Thu, Dec 3"]
    await lead.press("Tue, Dec 1")
    assert "already passed" in (await lead.press("09:00"))[-1]
    await lead.press("⬅️ Another day")
    await lead.press("Thu, Dec 3")
    assert "Add at least 2" in (await lead.press("19:00"))[-1]
    await lead.press("➕ Add a time")
    await lead.press("Fri, Dec 4")
    assert "1) Thu, Dec 3 19:00\n2) Fri, Dec 4 19:30" in (await lead.send("19:30"))[-1]
    assert "Which groups" in (await lead.press("✅ Done with the times"))[-1]
    assert "Until when" in (await lead.press("🏢 幸福小区 1号楼"))[-1]
    assert lead.labels() == ["In 1 day", "In 2 days", "✖️ Cancel"]
    assert "before the first candidate time" in (await lead.send("2026-12-04 08:00"))[-1]
    return await lead.press("In 1 day")


async def test_meeting_from_command_to_published(app: App, fake_session: FakeSession, world,
                                                 sqlite_db: Database):
    stranger = Chat(app, fake_session, STRANGER)
    assert "Meetings are called by" in (await stranger.send("/meeting"))[-1]
    lead = Chat(app, fake_session, LEAD)
    post, question = await call_meeting(lead)
    assert post.startswith(f"🗓 Meeting: Lift for building 1\n📍 Place: {PLACE}\n"
                           "⏱ Duration: 1.5 hours\n")
    assert "1) Thu, Dec 3 19:00 — ✅ 0 · 🤔 0 · ❌ 0" in post
    assert "by Dec 2, 2026" in post
    assert "(幸福小区 1号楼)" in question
    assert "Groups that will show it: 1" in (await lead.press("✅ Publish"))[-1]
    [poll] = await rows(sqlite_db, "meeting_poll")
    assert poll.chat_id == GROUP
    assert poll.params["agenda"][1] == ["#1 The lift stops between floors", "case"]
    assert (poll.params["place"], poll.params["duration_minutes"]) == (PLACE, 90)


async def test_the_place_is_short_text_or_left_open(app: App, fake_session: FakeSession,
                                                    world, sqlite_db: Database):
    lead = Chat(app, fake_session, LEAD)
    await start_meeting(lead)
    assert "101 characters long; the limit is 100" in (await lead.send("楼" * 101))[-1]
    assert "cannot be empty" in (await lead.send("   "))[-1]
    assert (await lead.send("", **STICKER))[-1] == (
        "Please type the place as a text message, or press “No place yet”, or send /cancel.")
    assert "map pin cannot tell" in (await lead.send("", **PIN))[-1]
    edited, asked = await lead.press("No place yet")
    assert edited.endswith("\n\n→ No place yet")
    assert "How long will the meeting last?" in asked
    await lead.press_data(MeetDraftCB(action="duration", value="45").pack())
    assert lead.alerts == ["This button has expired."]
    assert "press one of the buttons" in (await lead.send("2 hours"))[-1]
    assert "choose a day" in (await lead.press("2 hours (usual)"))[-1]
    post, _question = await choose_times(lead)
    assert "📍" not in post
    assert "⏱ Duration: 2 hours" in post
    await lead.press("✅ Publish")
    [poll] = await rows(sqlite_db, "meeting_poll")
    assert (poll.params["place"], poll.params["duration_minutes"]) == (None, 120)


async def test_group_votes_count_live_and_strangers_are_refused(
        app: App, fake_session: FakeSession, world, sqlite_db: Database):
    lead = Chat(app, fake_session, LEAD)
    await call_meeting(lead)
    await lead.press("✅ Publish")
    [poll] = await rows(sqlite_db, "meeting_poll")
    first, second = (s[0] for s in poll.params["slots"])
    alice = Chat(app, fake_session, ALICE, chat_id=GROUP)
    texts = await alice.press_data(AvailabilityCB(slot=first, answer="y").pack())
    assert texts == ["Saved: Thu, Dec 3 19:00 — Yes"]
    await alice.press_data(AvailabilityCB(slot=second, answer="m").pack())
    assert (await alice.press_data(AvailabilityCB(slot=second, answer="m").pack())) == [
        "Removed your answer for Fri, Dec 4 19:30."]
    await alice.press_data(AvailabilityCB(slot=second, answer="n").pack())
    [edit] = [r for r in await rows(sqlite_db, "meeting_poll") if r.edit_of == poll.id]
    rendered = render(app.i18n, "meeting_poll", edit.params, "en")
    assert "1) Thu, Dec 3 19:00 — ✅ 1 · 🤔 0 · ❌ 0" in rendered.text
    assert "2) Fri, Dec 4 19:30 — ✅ 0 · 🤔 0 · ❌ 1" in rendered.text
    data = [b.callback_data for row in rendered.reply_markup.inline_keyboard for b in row]
    assert len(data) == 6
    assert all(len(d.encode()) <= 64 for d in data)
    stranger = Chat(app, fake_session, STRANGER, chat_id=GROUP)
    await stranger.press_data(AvailabilityCB(slot=first, answer="y").pack())
    assert "Only verified residents" in stranger.alerts[0]


async def test_the_creator_changes_the_time_and_posts_minutes(
        app: App, fake_session: FakeSession, world, sqlite_db: Database, clock: FrozenClock):
    lead = Chat(app, fake_session, LEAD)
    await call_meeting(lead)
    await lead.press("✅ Publish")
    clock.advance(timedelta(days=1, minutes=1))
    await sweep_meetings(UnitOfWork(sqlite_db, clock), clock.now(), 10)
    assert "on Dec 3, 2026, 19:00" in (await lead.send("/meetings"))[-1]
    await lead.press("📝 Minutes #1")
    assert "not taken place yet" in lead.alerts[0]
    await lead.press("🕒 Change time #1")
    assert lead.labels() == ["🔁 Fri, Dec 4 19:30 · ✅ 0 🤔 0 ❌ 0"]
    assert "Dec 4, 2026, 19:30" in (await lead.press("🔁 Fri, Dec 4 19:30"))[-1]
    clock.advance(timedelta(days=3))
    await lead.send("/meetings")
    await lead.press("📝 Minutes #1")
    assert "outcome" in (await lead.send("We discussed the costs."))[-1]
    preview = (await lead.send("The committee asks for quotes."))
    assert "Outcome: The committee asks for quotes." in preview[0]
    assert "Groups: 1; reports updated: 1" in (await lead.press("✅ Publish"))[-1]
    assert [r.chat_id for r in await rows(sqlite_db, "meeting_case")] == [ALICE.id]
