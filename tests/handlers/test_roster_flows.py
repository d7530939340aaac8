"""Handler tier: binding a group, joining a household, approving and rejecting — with the
refusals a forged or misplaced press must get."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.services.communities import create_community
from bot.ui.callbacks import BindCB, JoinCB, ReviewCB, UnitCB
from storage import Database, UnitOfWork
from storage.models import ChatGroup, OutboxMessage, Resident
from tests.builders import make_roster
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person, make_callback, make_message

ADMIN = Person(ADMIN_ID, "Wang", "en")
ALICE = Person(201, "Alice", "en")
GROUP = -1001


async def feed(app: App, update: object) -> None:
    await app.dp.feed_update(app.bot, update)


@pytest.fixture
async def roster(sqlite_db: Database, clock: FrozenClock):
    """An English-speaking community: its groups speak English."""
    return await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en")


async def english_group(app: App, fake_session: FakeSession) -> None:
    """A group admin switches the (not yet bound) group to English."""
    fake_session.members[(GROUP, ADMIN_ID)] = "administrator"
    await feed(app, make_message(ADMIN, "/language", chat_id=GROUP))
    assert "群" in fake_session.texts()[0]  # an unknown group speaks the default, Chinese
    await feed(app, make_callback(ALICE, "v1lang:en", GROUP))
    assert fake_session.texts() == [
        "Only an administrator of this group can change its language."], \
        "only group admins choose the group's language (Alice is told in her language)"
    await feed(app, make_callback(ADMIN, "v1lang:en", GROUP))
    assert "Language set: English" in fake_session.texts()


async def bind_building(app: App, fake_session: FakeSession, roster) -> int:
    await english_group(app, fake_session)
    await feed(app, make_message(ADMIN, "/bind", chat_id=GROUP))
    (asked,) = fake_session.take("sendMessage")
    assert asked.params["text"] == "What is this group for?"
    dialog = asked.result.message_id

    async def press(person: Person, data: str) -> None:
        await feed(app, make_callback(person, data, GROUP, message_id=dialog))

    await press(ADMIN, BindCB(action="purpose", community=roster.community_id,
                              purpose="residents").pack())
    await press(ADMIN, UnitCB(flow="bind", action="open", community=roster.community_id,
                              unit=roster.compound_id).pack())
    await press(ADMIN, UnitCB(flow="bind", action="pick", community=roster.community_id,
                              unit=roster.building_id).pack())
    assert "幸福小区 1号楼" in fake_session.texts()[-1]
    confirm = BindCB(action="confirm", community=roster.community_id, purpose="residents",
                     unit=roster.building_id).pack()
    await press(ALICE, confirm)
    assert fake_session.texts() == ["Only the person who sent /bind can use these buttons."]
    await press(ADMIN, confirm)
    calls = fake_session.take()
    post = next(c for c in calls if c.method == "sendMessage")
    assert "start=join_" in str(post.params["reply_markup"])
    assert any(c.method == "pinChatMessage" for c in calls)
    async with app.db.reading() as session:
        return await session.scalar(select(ChatGroup.id).where(ChatGroup.chat_id == GROUP))


async def test_bind_refuses_non_admins(app: App, fake_session: FakeSession, roster):
    await english_group(app, fake_session)
    fake_session.members[(GROUP, ALICE.id)] = "member"
    await feed(app, make_message(ALICE, "/bind", chat_id=GROUP))
    assert "administrator of this Telegram group" in fake_session.texts()[0]
    fake_session.members[(GROUP, ALICE.id)] = "administrator"
    await feed(app, make_message(ALICE, "/bind", chat_id=GROUP))
    assert "committee" in fake_session.texts()[0]


async def test_bind_then_join_then_approve(app: App, fake_session: FakeSession, roster):
    group_id = await bind_building(app, fake_session, roster)
    await feed(app, make_message(ALICE, f"/start join_{group_id}"))
    assert "Which floor" in fake_session.texts()[0]
    await feed(app, make_callback(ALICE, JoinCB(action="floor", value=roster.floors["2"]).pack()))
    assert "which is your home" in fake_session.texts()[0]
    await feed(app, make_callback(ALICE, JoinCB(action="room",
                                                value=roster.homes["101"]).pack()))
    assert fake_session.texts() == ["This button has expired."], "a room of another floor"
    await feed(app, make_callback(ALICE, JoinCB(action="room",
                                                value=roster.homes["201"]).pack()))
    await feed(app, make_callback(ALICE, JoinCB(action="relation", relation="owner").pack()))
    assert "201" in fake_session.texts()[-1]
    await feed(app, make_callback(ALICE, JoinCB(action="confirm").pack()))
    assert "was sent" in fake_session.texts()[-1]
    async with app.db.reading() as session:
        resident_id = await session.scalar(select(Resident.id))
        target = await session.scalar(select(OutboxMessage.chat_id).where(
            OutboxMessage.kind == "join_request"))
    assert target == ADMIN_ID  # no floor contact or building lead yet: the committee/admin
    await feed(app, make_callback(ALICE, ReviewCB(action="approve",
                                                  resident=resident_id).pack()))
    assert "your own request" in fake_session.texts()[0]
    await feed(app, make_callback(ADMIN, ReviewCB(action="approve",
                                                  resident=resident_id).pack()))
    assert any("verified by Wang" in t for t in fake_session.texts())
    await feed(app, make_callback(ADMIN, ReviewCB(action="reject",
                                                  resident=resident_id).pack()))
    assert fake_session.texts() == ["Already decided: verified."]
    await feed(app, make_callback(ADMIN, ReviewCB(action="approve", resident=99999).pack()))
    assert "does not exist" in fake_session.texts()[0]
    await feed(app, make_message(ALICE, "/me"))
    assert "幸福小区 1号楼 2 201 — owner, verified" in fake_session.texts()[0]


async def test_join_link_of_an_unbound_group_is_refused(app: App, fake_session: FakeSession,
                                                        roster):
    group_id = await bind_building(app, fake_session, roster)
    await feed(app, make_message(ADMIN, "/unbind", chat_id=GROUP))
    assert "no longer connected" in fake_session.texts()[0]
    await feed(app, make_message(ALICE, f"/start join_{group_id}"))
    assert "not valid any more" in fake_session.texts()[0]
    await feed(app, make_message(ALICE, "/start join_abc"))
    assert "not valid any more" in fake_session.texts()[0]


async def test_units_editor_adds_floors_and_rooms(app: App, fake_session: FakeSession, roster):
    await feed(app, make_message(ADMIN, "/units"))
    assert fake_session.texts()[0].startswith("Community: 幸福里\nThe whole community"), \
        "one community: no question, and the tree names it"
    open_building = UnitCB(flow="units", action="open", community=roster.community_id,
                           unit=roster.building_id).pack()
    await feed(app, make_callback(ALICE, open_building))
    assert fake_session.texts() == ["This button has expired."]
    await feed(app, make_callback(ADMIN, open_building))
    await feed(app, make_callback(ADMIN, f"v1flow:units:add_floors:{roster.building_id}"))
    await feed(app, make_message(ADMIN, "five"))
    assert "from 1 to 99" in fake_session.texts()[-1]
    await feed(app, make_message(ADMIN, "5"))
    assert "2 floors added, 3 were there already." in fake_session.texts()
    await feed(app, make_callback(ADMIN, UnitCB(flow="units", action="open",
                                                community=roster.community_id,
                                                unit=roster.floors["1"]).pack()))
    await feed(app, make_callback(ADMIN, f"v1flow:units:add_rooms:{roster.floors['1']}"))
    fake_session.take()
    await feed(app, make_message(ADMIN, "103-104 88.5m²"))
    texts = fake_session.texts()
    assert texts[0] == "2 rooms added, 0 were there already."
    assert "104: 88.5 m²" in texts[1]
    await feed(app, make_message(ALICE, "/units"))
    assert "committee" in fake_session.texts()[0]


async def test_units_asks_which_community_when_the_admin_manages_two(
        app: App, fake_session: FakeSession, roster, sqlite_db: Database, clock: FrozenClock):
    empty = await create_community(UnitOfWork(sqlite_db, clock), creator_id=ADMIN_ID,
                                   bootstrap_admins=frozenset({ADMIN_ID}), name="Empty Place",
                                   timezone="Europe/London", locale="en", daily_time="08:00")
    other = await create_community(UnitOfWork(sqlite_db, clock), creator_id=ALICE.id,
                                   bootstrap_admins=frozenset({ALICE.id}), name="Not Yours",
                                   timezone="Europe/London", locale="en", daily_time="08:00")
    await feed(app, make_message(ADMIN, "/units"))
    (pick,) = fake_session.take("sendMessage")
    assert pick.params["text"] == "Which community?"
    buttons = [b.callback_data for row in pick.raw.reply_markup.inline_keyboard for b in row]
    assert buttons == [f"v1rpick:units:{roster.community_id}", f"v1rpick:units:{empty.id}"]
    await feed(app, make_message(ADMIN, "1号楼"))
    assert fake_session.texts() == ["Please use the buttons above, or send /cancel."]
    await feed(app, make_callback(ADMIN, f"v1rpick:units:{other.id}"))
    assert fake_session.texts() == ["This button has expired."], "a forged community"
    await feed(app, make_callback(ADMIN, f"v1rpick:units:{empty.id}"))
    texts = fake_session.texts()
    assert texts == ["Community: Empty Place\nThe whole community"]
    await feed(app, make_callback(ADMIN, f"v1rpick:units:{roster.community_id}"))
    assert fake_session.texts() == ["This button has expired."], \
        "the picker is stale once a community is open"
    await feed(app, make_callback(ADMIN, "v1flow:units:add_compound:0"))
    await feed(app, make_message(ADMIN, "Maple Garden"))
    assert fake_session.texts()[-1].startswith("Community: Empty Place\nThe whole community")
    added = fake_session.calls[-1].raw.reply_markup.inline_keyboard[0][0]
    assert added.text == "🏘 Maple Garden", "added to the chosen community"
    assert added.callback_data.startswith(f"v1unit:units:open:{empty.id}:")
