"""Handler tier: what the people of a new community are told — /units' Done on a community
without buildings, a new role holder's private notice through the outbox (also when
Telegram refuses it because they never started the bot), and a joining resident's English
buttons, approval toast and approval notice."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramForbiddenError
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.services import UnitOfWork
from bot.services.communities import create_community
from bot.ui.callbacks import ReviewCB
from storage import Database
from storage.models import OutboxMessage, Resident
from tests.builders import make_group, make_roster, make_user
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person
from tests.handlers.chat import Chat

ADMIN = Person(ADMIN_ID, "Wang", "en")
CONTACT = Person(305, "Chen", "en")
SILENT = Person(306, "Zhao", "en")  # known from a group, never started a chat with the bot
ALICE = Person(307, "Alice", "en")
GROUP = -4101


@pytest.fixture
async def roster(sqlite_db: Database, clock: FrozenClock):
    found = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en")
    for person in (CONTACT, SILENT):
        await make_user(sqlite_db, clock, person.id, person.first_name, language_code="en")
    return found


async def drain(app: App) -> None:
    """Sends what the outbox holds through the real sender."""
    while await app.sender.drain_once():
        await app.sender.stop()


async def rows(db: Database, kind: str) -> list[tuple[int, str, str | None]]:
    async with db.reading() as session:
        found = await session.execute(select(
            OutboxMessage.chat_id, OutboxMessage.status, OutboxMessage.error)
            .where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))
        return [tuple(r) for r in found]


async def test_done_on_a_community_without_buildings_says_how_to_add_them(
        app: App, fake_session: FakeSession, sqlite_db: Database, clock: FrozenClock):
    await create_community(UnitOfWork(sqlite_db, clock), creator_id=ADMIN_ID,
                           bootstrap_admins=frozenset({ADMIN_ID}), name="Maple Court",
                           timezone="Europe/London", locale="en", daily_time="08:00")
    admin = Chat(app, fake_session, ADMIN)
    assert (await admin.send("/units"))[0] == "Community: Maple Court\nThe whole community"
    hint = await admin.press("✔️ Done")
    assert hint == ["The community has no buildings yet. Add them by buttons with /units, or "
                    "fill in the roster file from /template and load it with /import."]


async def test_done_on_a_community_with_buildings_just_closes(
        app: App, fake_session: FakeSession, roster):
    admin = Chat(app, fake_session, ADMIN)
    await admin.send("/units")
    assert await admin.press("✔️ Done") == []  # each change was confirmed already


async def grant(admin: Chat, role: str, person: Person, *path: str) -> str:
    await admin.send("/roles")
    await admin.press("➕ Grant a role")
    assert role in admin.labels(), "role buttons are capitalised labels"
    await admin.press(role)
    for step in path:
        await admin.press(step)
    await admin.send(str(person.id))
    return (await admin.press("✅ Confirm"))[-1]


async def test_a_new_role_holder_is_told_privately_and_a_refused_notice_breaks_nothing(
        app: App, fake_session: FakeSession, roster, sqlite_db: Database):
    send = fake_session.answers["sendMessage"]

    def refuse_silent(method):
        if int(method.chat_id) == SILENT.id:
            raise TelegramForbiddenError(
                method=method, message="Forbidden: bot can't initiate conversation with a user")
        return send(method)

    fake_session.answers["sendMessage"] = refuse_silent
    admin = Chat(app, fake_session, ADMIN)
    done = await grant(admin, "Floor contact (楼道联络人)", CONTACT, "🏘 幸福小区", "🏢 1号楼",
                       "🔢 2")
    assert done == "✅ Chen is now floor contact (楼道联络人) for 幸福小区 1号楼 2."
    assert (await grant(admin, "Building lead (楼长)", SILENT, "🏘 幸福小区", "🏢 1号楼",
                        "✅ Choose 幸福小区 1号楼")).startswith("✅ Zhao is now building lead")
    await drain(app)
    notices = [c.params for c in fake_session.take() if c.method == "sendMessage"]
    assert [int(n["chat_id"]) for n in notices] == [CONTACT.id, SILENT.id]
    told = notices[0]["text"].split("\n\n")
    assert told[0] == "🎖 幸福里: you are now floor contact (楼道联络人) for 幸福小区 1号楼 2."
    assert "/roster" in told[1]
    assert "/pending" in told[1]
    (contact, silent) = await rows(sqlite_db, "role_granted")
    assert contact[:2] == (CONTACT.id, "sent")
    assert silent[:2] == (SILENT.id, "failed")
    assert "Forbidden" in silent[2]
    # The refusal dropped only that notice: the admin goes on, the role stands.
    await admin.send("/roles")
    await admin.press("➖ Remove a role")
    assert any("Building lead (楼长) · Zhao" in label for label in admin.labels())


async def test_a_joining_resident_sees_capitalised_labels_and_hears_of_report(
        app: App, fake_session: FakeSession, roster, sqlite_db: Database, clock: FrozenClock):
    group_id = await make_group(sqlite_db, clock, roster.community_id, roster.building_id,
                                GROUP, locale="en")
    alice = Chat(app, fake_session, ALICE)
    await alice.send(f"/start join_{group_id}")
    await alice.press("2")
    await alice.press("201")
    assert alice.labels()[:3] == ["Owner", "Tenant", "Family member"]
    await alice.press("Owner")
    await alice.press("✅ Send request")
    await drain(app)
    fake_session.take()
    admin = Chat(app, fake_session, ADMIN)  # no floor contact yet: the admin reviews
    await admin.press_data(await approve_button(sqlite_db))
    toast = [c.params for c in fake_session.calls if c.method == "answerCallbackQuery"]
    assert toast[-1]["text"] == "Verified"
    await drain(app)
    approved = [c.params["text"] for c in fake_session.take() if c.method == "sendMessage"
                and int(c.params["chat_id"]) == ALICE.id]
    assert len(approved) == 1
    assert "/report" in approved[0]


async def approve_button(db: Database) -> str:
    """The Approve button of Alice's join request, as the reviewer received it."""
    async with db.reading() as session:
        resident = await session.scalar(select(Resident.id).where(Resident.user_id == ALICE.id))
    return ReviewCB(action="approve", resident=resident).pack()
