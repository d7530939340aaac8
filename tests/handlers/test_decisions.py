"""Handler tier: /decisions lists the community's decisions; the responsible body posts
progress (percent → note → photo → preview → publish) and marks a decision done; a resident
sees the same detail without those buttons, and their forged presses are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.services.reports import ensure_defaults
from bot.ui.decision_callbacks import DecisionCB
from storage import Database, UnitOfWork
from storage.deliberation_models import Decision
from storage.models import OutboxMessage
from tests.builders import make_group, make_resident, make_role, make_roster, make_user
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person
from tests.handlers.chat import Chat
from tests.unit.test_decisions import make_decision

ALICE = Person(301, "Alice", "en")  # owner of 101
STAFF = Person(401, "Wang", "en")  # property management
STRANGER = Person(306, "Zhao", "en")  # no home, no role
BUILDING, COMMITTEE = -2002, -2003
STICKER = {"sticker": {"file_id": "S", "file_unique_id": "uS", "width": 512, "height": 512,
                       "is_animated": False, "is_video": False, "type": "regular"}}


@pytest.fixture
async def world(sqlite_db: Database, clock: FrozenClock):
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en", floors=2)
    async with UnitOfWork(sqlite_db, clock) as uow:
        await ensure_defaults(uow.session, roster.community_id)
        await uow.commit()
    await make_resident(sqlite_db, clock, ALICE.id, roster.homes["101"], name="Alice")
    await make_user(sqlite_db, clock, STRANGER.id, STRANGER.first_name)
    await make_role(sqlite_db, clock, roster.community_id, STAFF.id, "property")
    await make_group(sqlite_db, clock, roster.community_id, roster.building_id, BUILDING,
                     locale="en")
    await make_group(sqlite_db, clock, roster.community_id, None, COMMITTEE,
                     purpose="committee", locale="en")
    return await make_decision(sqlite_db, clock, roster.community_id,
                               scope=[roster.building_id], title="Replace the lift")


def photo(file_id: str) -> dict:
    return {"photo": [{"file_id": f"{file_id}-s", "file_unique_id": f"u{file_id}s",
                       "width": 90, "height": 67},
                      {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1280,
                       "height": 960}]}


async def posts(db: Database, kind: str) -> list[OutboxMessage]:
    async with db.reading() as session:
        return list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == kind).order_by(OutboxMessage.id))).scalars())


async def test_the_body_posts_progress_with_a_photo(app: App, fake_session: FakeSession,
                                                    world, sqlite_db: Database):
    staff = Chat(app, fake_session, STAFF)
    listing = (await staff.send("/decisions"))[0]
    assert "1. Replace the lift" in listing
    assert "🟢 open 0% · due" in listing
    detail = (await staff.press("1. Replace the lift"))[0]
    assert "🗳 Voted on: “是否更换电梯?”" in detail
    assert "░░░░░░░░░░ 0%" in detail
    assert staff.labels() == ["📈 Post progress", "✅ Mark done"]
    assert "How far is it?" in (await staff.press("📈 Post progress"))[0]
    assert "write a short note" in (await staff.press("40%"))[0]
    assert "as text" in (await staff.send("", **STICKER))[0]
    assert "the limit is 1000" in (await staff.send("x" * 1001))[0]
    assert "Send a photo" in (await staff.send("The new lift is ordered"))[0]
    assert "send a photo, or press “Skip”" in (await staff.send("later"))[0]
    preview = (await staff.send("", **photo("LIFT")))[0]
    assert "▓▓▓▓░░░░░░ 40%" in preview
    assert "with your photo" in preview
    assert "will see it: 1." in (await staff.press("📣 Publish"))[0]
    [post] = await posts(sqlite_db, "decision_progress")
    assert (post.chat_id, post.params["progress"], post.params["photo"]) == (BUILDING, 40,
                                                                            "LIFT")
    assert post.params["note"] == "The new lift is ordered"
    # The publish button of the finished flow does nothing more.
    await staff.press_data(DecisionCB(action="publish", decision=world).pack())
    assert "expired" in staff.alerts[0]
    assert len(await posts(sqlite_db, "decision_progress")) == 1
    # Progress does not go down: lower percentages are not even offered.
    await staff.send(f"/start dp_{world}")
    await staff.press("📈 Post progress")
    assert "30%" not in staff.labels()
    assert "40%" in staff.labels()
    assert "Nothing was posted" in (await staff.press("✖️ Cancel"))[0]


async def test_mark_done_and_a_resident_is_refused(app: App, fake_session: FakeSession,
                                                   world, sqlite_db: Database):
    alice = Chat(app, fake_session, ALICE)
    await alice.send("/decisions")
    detail = (await alice.press("1. Replace the lift"))[0]
    assert "Responsible: Property management" in detail
    assert "📈 Post progress" not in alice.labels()
    for action in ("progress", "done"):
        await alice.press_data(DecisionCB(action=action, decision=world).pack())
        assert "Only the body responsible" in alice.alerts[0]
    await alice.press_data(DecisionCB(action="confirm", decision=world).pack())
    assert "expired" in alice.alerts[0]
    # Decisions are worked on in private: a button pressed in a group is stale.
    in_group = Chat(app, fake_session, ALICE, chat_id=BUILDING)
    await in_group.press_data(DecisionCB(action="view", decision=world).pack())
    assert "expired" in in_group.alerts[0]
    stranger = Chat(app, fake_session, STRANGER)
    assert "Join your home first" in (await stranger.send("/decisions"))[0]
    await stranger.press_data(DecisionCB(action="view", decision=world).pack())
    assert "another community" in stranger.alerts[0]

    staff = Chat(app, fake_session, STAFF)
    await staff.send("/decisions")
    await staff.press("1. Replace the lift")
    assert "closing note" in (await staff.press("✅ Mark done"))[0]
    assert "as text" in (await staff.send("", **STICKER))[0]
    assert "Close the decision" in (await staff.send("The new lift runs since Monday"))[0]
    assert "will hear of it: 2." in (await staff.press("✅ Confirm: it is done"))[0]
    assert [p.chat_id for p in await posts(sqlite_db, "decision_done")] == [BUILDING,
                                                                            COMMITTEE]
    async with sqlite_db.reading() as session:
        assert (await session.get(Decision, world)).status == "done"
    assert "✅ done" in (await alice.send("/decisions"))[0]
    await staff.press_data(DecisionCB(action="progress", decision=world).pack())
    assert "done already" in staff.alerts[0]
