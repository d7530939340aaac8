"""Handler tier: /categories walked by an admin on the real Dispatcher — open a category,
change a deadline and the body, rename it, give a body a group — and the refusals: a
resident, an urgent deadline longer than the normal one or acknowledging longer than
resolving (neither offered), a forged or stale button, a name
that is too long or not text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.ui.category_callbacks import BodyCB, CategoriesCB, CategoryCB
from storage import Database
from storage.case_models import Body, Category
from tests.builders import make_group, make_roster
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person, make_callback, make_message

ADMIN = Person(ADMIN_ID, "Wang", "en")
ALICE = Person(201, "Alice", "en")
PROPERTY_CHAT = -1001
PHOTO = [{"file_id": "P1", "file_unique_id": "U1", "width": 90, "height": 90}]


@pytest.fixture
async def roster(sqlite_db: Database, clock: FrozenClock):
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en")
    roster.property_group = await make_group(sqlite_db, clock, roster.community_id, None,
                                             PROPERTY_CHAT, purpose="property")
    return roster


class Admin:
    """What one person sends or presses, and what they see: texts, alerts, buttons."""

    def __init__(self, app: App, session: FakeSession, person: Person) -> None:
        self.app, self.session, self.person = app, session, person
        self.alerts: list[str] = []
        self.buttons: dict[str, str] = {}

    async def send(self, text: str, **extra: Any) -> list[str]:
        await self.app.dp.feed_update(self.app.bot, make_message(self.person, text, **extra))
        return self.read()

    async def press(self, data: str) -> list[str]:
        await self.app.dp.feed_update(self.app.bot, make_callback(self.person, data))
        return self.read()

    async def tap(self, label: str) -> list[str]:
        return await self.press(self.buttons[label])

    def read(self) -> list[str]:
        texts, self.alerts = [], []
        for call in self.session.take():
            if call.method == "answerCallbackQuery" and call.params.get("show_alert"):
                self.alerts.append(call.params["text"])
            elif call.method == "editMessageText" and not call.params.get("reply_markup"):
                self.buttons = {}
            elif call.params.get("reply_markup"):
                markup = call.params["reply_markup"]
                markup = json.loads(markup) if isinstance(markup, str) else markup
                self.buttons = {b["text"]: b["callback_data"]
                                for row in markup["inline_keyboard"] for b in row}
            if call.params.get("text") and call.method != "answerCallbackQuery":
                texts.append(call.params["text"])
        return texts


async def row(db: Database, model: type, key: str) -> Any:
    async with db.reading() as session:
        return await session.scalar(select(model).where(model.key == key))


async def test_an_admin_changes_a_deadline_and_the_body(app: App, fake_session: FakeSession,
                                                        roster):
    admin = Admin(app, fake_session, ADMIN)
    [screen] = await admin.send("/categories")
    assert screen.startswith("What residents can report.")
    assert "✅ 🔧 Repairs" in admin.buttons
    assert "➕ New category" in admin.buttons
    [screen] = await admin.tap("✅ 🔧 Repairs")
    assert screen.splitlines()[:3] == ["🔧 Repairs", "🏢 Handled by: Property management",
                                       "⏱ Time to acknowledge: 4 hours"]
    [screen] = await admin.tap("⏱ Time to acknowledge: 4 hours")
    assert "now 4 hours" in screen
    assert "✔️ 4 hours" in admin.buttons
    [screen] = await admin.tap("8 hours")
    assert "⏱ Time to acknowledge: 8 hours" in screen.splitlines()
    assert (await row(app.db, Category, "repairs")).ack_hours == 8
    [screen] = await admin.tap("⚡ Time to resolve an urgent case: 1 day")
    assert "Only the times that fit the other limits are offered" in screen
    assert "3 days" in admin.buttons
    assert "1 week" not in admin.buttons, "longer than the normal 3 days: not offered"
    assert "30 minutes" not in admin.buttons, "shorter than the urgent acknowledge hour"
    stale = CategoryCB(action="set", category=(await row(app.db, Category, "repairs")).id,
                       value="urgent_resolve=168")
    assert await admin.press(stale.pack()) == [], "refused: the screen stays as it was"
    assert len(admin.alerts) == 1
    assert "cannot get more time than a normal one" in admin.alerts[0]
    assert (await row(app.db, Category, "repairs")).urgent_resolve_hours == 24
    await admin.tap("⬅️ Back")
    await admin.tap("⏱ Time to acknowledge: 8 hours")
    assert "3 days" in admin.buttons
    assert "1 week" not in admin.buttons, "longer than the 3 days to resolve: not offered"
    ack_week = CategoryCB(action="set", category=(await row(app.db, Category, "repairs")).id,
                          value="ack=168")
    assert await admin.press(ack_week.pack()) == []
    assert admin.alerts == ["Acknowledging a case cannot take longer than resolving it: the "
                            "time to resolve is 72 h. Choose 72 h or less, or lengthen the "
                            "time to resolve first."]
    assert (await row(app.db, Category, "repairs")).ack_hours == 8
    await admin.tap("⬅️ Back")
    [screen] = await admin.tap("🏢 Change who handles it")
    assert screen == "Who handles “🔧 Repairs”?"
    assert "✔️ Property management" in admin.buttons
    [screen] = await admin.tap("Owners' committee")
    assert "🏢 Handled by: Owners' committee" in screen.splitlines()
    owners = await row(app.db, Body, "owners_committee")
    assert (await row(app.db, Category, "repairs")).body_id == owners.id
    await admin.tap("⬅️ Back")
    [screen] = await admin.tap("🏢 Bodies")
    assert "Property management: 👥 g-1001 (default)" in screen.splitlines()
    assert "Owners' committee: 👤 its members in private" in screen.splitlines()
    [screen] = await admin.tap("Owners' committee")
    assert "Cases go to: 👤 its members in private" in screen.splitlines()
    [screen] = await admin.tap("👥 g-1001 · property management group")
    assert "Owners' committee: 👥 g-1001" in screen.splitlines()
    assert (await row(app.db, Body, "owners_committee")).group_id == roster.property_group
    await admin.tap("⬅️ Back")
    assert await admin.tap("✔️ Done") == ["Done. Send /categories to change them again."]
    assert admin.buttons == {}
    repairs = (await row(app.db, Category, "repairs")).id
    await admin.press(CategoryCB(action="open", category=repairs).pack())
    assert admin.alerts == ["This button has expired."], "the editor was closed"


async def test_a_new_category_is_named_as_text_of_at_most_40_characters(
        app: App, fake_session: FakeSession, roster):
    admin = Admin(app, fake_session, ADMIN)
    await admin.send("/categories")
    [prompt] = await admin.tap("➕ New category")
    assert prompt.startswith("Send the name of the new category (40 characters at most).")
    assert await admin.send("", photo=PHOTO) == ["Please send the name as text."]
    [refused] = await admin.send("x" * 41)
    assert refused.startswith("That name is 41 characters long; the limit is 40.")
    [screen] = await admin.send("Parcel lockers")
    assert screen.splitlines()[:3] == ["Parcel lockers", "🏢 Handled by: Residents' committee",
                                       "⏱ Time to acknowledge: 1 day"]
    assert "⚡ Time to resolve an urgent case: 2 days" in screen.splitlines()
    [prompt] = await admin.tap("✏️ Rename")
    assert prompt == "Send the new name of “Parcel lockers” (40 characters at most)."
    [screen] = await admin.send("Parcel and delivery lockers")
    assert screen.splitlines()[:3] == ["✅ Saved.", "", "Parcel and delivery lockers"]
    [screen] = await admin.tap("💤 Hide from residents")
    assert "💤 Hidden: residents cannot choose it." in screen.splitlines()
    [screen] = await admin.tap("⬅️ Back")
    assert "💤 Parcel and delivery lockers (hidden)" in admin.buttons


async def test_residents_and_forged_buttons_are_refused(app: App, fake_session: FakeSession,
                                                        clock: FrozenClock, roster):
    alice = Admin(app, fake_session, ALICE)
    [refused] = await alice.send("/categories")
    assert "community admin or committee member" in refused
    admin = Admin(app, fake_session, ADMIN)
    await admin.send("/categories")
    repairs = (await row(app.db, Category, "repairs")).id
    await alice.press(CategoryCB(action="open", category=repairs).pack())
    assert alice.alerts == ["This button has expired."], "Alice never opened the editor"
    forged = [CategoryCB(action="open", category=99999),
              CategoryCB(action="set", category=repairs, value="ack=5"),
              CategoryCB(action="set", category=repairs, value="ack=lots"),
              CategoryCB(action="hours", category=repairs, value="close"),
              CategoryCB(action="body", category=repairs, value="99999"),
              BodyCB(action="group", body=(await row(app.db, Body, "admins")).id,
                     value=99999)]
    for data in forged:
        assert await admin.press(data.pack()) == []
        assert admin.alerts == ["This button has expired."], data
    await admin.press("v1cat:explode:1")
    assert admin.alerts == ["This button has expired."]
    other = await make_roster(app.db, clock, admin_id=555, name="Other")
    await admin.press(CategoriesCB(action="list", community=other.community_id).pack())
    assert "community admin or committee member" in admin.alerts[0]
    assert (await row(app.db, Category, "repairs")).ack_hours == 4



async def test_an_admin_of_two_communities_picks_one_first(app: App, fake_session: FakeSession,
                                                          clock: FrozenClock, roster):
    second = await make_roster(app.db, clock, admin_id=ADMIN_ID, name="Second", locale="en")
    admin = Admin(app, fake_session, ADMIN)
    assert await admin.send("/categories") == ["Which community?"]
    assert set(admin.buttons) == {"幸福里", "Second"}
    [screen] = await admin.tap("Second")
    assert screen.startswith("What residents can report.")
    assert admin.buttons["🏢 Bodies"] == CategoriesCB(action="bodies",
                                                      community=second.community_id).pack()
