"""Handler tier: /stats gives a committee member the figures and the chart (as the photo's
caption when the text fits, else the text first and then the photo); a resident is
refused and gets no figures. The weekly digest reaches the committee group through the
real sender."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.services.communities import create_community, run_daily_jobs
from bot.services.report_filing import submit_report
from bot.services.reports import ReportDraft, start_report
from storage import Database, UnitOfWork
from tests.builders import make_group, make_resident, make_role, make_roster
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person, make_callback, make_message

OLGA = Person(202, "Olga", "en")  # owners' committee
ALICE = Person(101, "Alice", "en")  # a resident who reports
PNG = b"\x89PNG\r\n\x1a\n"
COMMITTEE_CHAT = -1002


async def feed(app: App, update: object) -> None:
    await app.dp.feed_update(app.bot, update)


@pytest.fixture
async def estate(sqlite_db: Database, clock: FrozenClock):
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en")
    await make_resident(sqlite_db, clock, ALICE.id, roster.homes["101"], name="Alice")
    await make_role(sqlite_db, clock, roster.community_id, OLGA.id, "owners_committee")
    return roster


async def report(db: Database, clock: FrozenClock, *categories: str) -> None:
    start = await start_report(UnitOfWork(db, clock), ALICE.id)
    ids = {c.label.key: c.id for c in start.categories}
    for category in categories:
        await submit_report(UnitOfWork(db, clock), ALICE.id, ReportDraft(
            category_id=ids[category], description="The stairwell light is out",
            household_id=start.homes[0].household_id, place="home"))


async def test_a_committee_member_gets_the_figures_with_the_chart(
        app: App, fake_session: FakeSession, estate, sqlite_db: Database,
        clock: FrozenClock):
    await report(sqlite_db, clock, "repairs")
    await feed(app, make_message(OLGA, "/stats"))
    (photo,) = fake_session.take("sendPhoto", "sendMessage")
    assert photo.method == "sendPhoto"
    assert photo.raw.photo.data.startswith(PNG)
    caption = photo.params["caption"]
    assert caption.startswith("📊 Case statistics of 幸福里 — December 1, 2026")
    assert "Open: 1, of which overdue: 0" in caption
    assert "• 🔧 Repairs: open 1 (overdue 0)" in caption


async def test_a_text_too_long_for_a_caption_comes_first(
        app: App, fake_session: FakeSession, estate, sqlite_db: Database,
        clock: FrozenClock):
    await report(sqlite_db, clock, "repairs", "sanitation", "safety", "parking", "disputes",
                 "greenery", "care", "other")
    await feed(app, make_message(OLGA, "/stats"))
    text, photo = fake_session.take("sendPhoto", "sendMessage")
    assert (text.method, photo.method) == ("sendMessage", "sendPhoto")
    assert len(text.params["text"]) > 1024
    assert "Open: 8, of which overdue: 0" in text.params["text"]
    assert "• 📌 Other: open 1" in text.params["text"]
    assert "caption" not in photo.params
    assert photo.raw.photo.data.startswith(PNG)


async def test_a_resident_is_refused(app: App, fake_session: FakeSession, estate,
                                     sqlite_db: Database, clock: FrozenClock):
    await report(sqlite_db, clock, "repairs")
    await feed(app, make_message(ALICE, "/stats"))
    (refusal,) = fake_session.take()
    assert refusal.method == "sendMessage"
    assert refusal.params["text"] == (
        "This needs a community admin or committee member in Zhongyi. Ask your committee "
        "to grant you the role.")


async def test_the_weekly_digest_reaches_the_committee_group(
        app: App, fake_session: FakeSession, estate, sqlite_db: Database,
        clock: FrozenClock):
    await make_group(sqlite_db, clock, estate.community_id, None, COMMITTEE_CHAT,
                     purpose="committee")
    await report(sqlite_db, clock, "repairs", "sanitation", "safety", "parking", "disputes",
                 "greenery", "care", "other")
    clock.set(datetime(2026, 12, 7, 1, 0, tzinfo=UTC))  # Monday, 09:00 in Shanghai
    await run_daily_jobs(UnitOfWork(sqlite_db, clock), clock.now(), 10, "08:00")
    while await app.sender.drain_once():
        await app.sender.stop()
    sent = [c for c in fake_session.take("sendMessage", "sendPhoto")
            if c.params["chat_id"] == str(COMMITTEE_CHAT)]
    weekly = [c for c in sent if "Weekly case report" in c.params.get("text", "")]
    assert len(weekly) == 1
    assert "Open: 8, of which overdue: 8" in weekly[0].params["text"]
    (photo,) = [c for c in sent if c.method == "sendPhoto"]
    assert photo.raw.photo.data.startswith(PNG)


async def test_a_manager_of_two_communities_chooses_one(
        app: App, fake_session: FakeSession, estate, sqlite_db: Database,
        clock: FrozenClock):
    await report(sqlite_db, clock, "repairs")
    other = await create_community(UnitOfWork(sqlite_db, clock), creator_id=OLGA.id,
                                   bootstrap_admins=frozenset({OLGA.id}), name="Empty Place",
                                   timezone="Europe/London", locale="en", daily_time="08:00")
    stranger = await create_community(UnitOfWork(sqlite_db, clock), creator_id=ALICE.id,
                                      bootstrap_admins=frozenset({ALICE.id}), name="Not Hers",
                                      timezone="Europe/London", locale="en",
                                      daily_time="08:00")
    await feed(app, make_message(OLGA, "/stats"))
    (pick,) = fake_session.take()
    assert pick.params["text"] == "Which community?"
    buttons = [b.callback_data for row in pick.raw.reply_markup.inline_keyboard for b in row]
    assert buttons == [f"v1rpick:stats:{estate.community_id}", f"v1rpick:stats:{other.id}"]
    await feed(app, make_callback(OLGA, f"v1rpick:stats:{stranger.id}"))
    assert fake_session.texts() == ["This button has expired."], "a forged community"
    await feed(app, make_callback(OLGA, f"v1rpick:stats:{other.id}"))
    texts = fake_session.texts()
    assert texts[-1].startswith("📊 Case statistics of Empty Place — December 1, 2026")
    await feed(app, make_callback(OLGA, f"v1rpick:stats:{estate.community_id}"))
    (photo,) = fake_session.take("sendPhoto")
    assert photo.params["caption"].startswith("📊 Case statistics of 幸福里")
    assert "Open: 1, of which overdue: 0" in photo.params["caption"]


async def test_a_picker_pressed_after_losing_the_role_is_refused(
        app: App, fake_session: FakeSession, estate, sqlite_db: Database,
        clock: FrozenClock):
    await feed(app, make_callback(ALICE, f"v1rpick:stats:{estate.community_id}"))
    assert fake_session.texts() == ["This button has expired."]
    assert not fake_session.take("sendPhoto")
