"""Handler tier: the command menu of a private chat shows what the person's roles open. At
start-up each holder of such a role (and each deployment admin) gets a menu of their own
chat in Chinese, English and the default; granting a role publishes it, removing the last
one removes it, so everyone's menu applies again. Residents and property staff, whose
roles open no more commands, cost no calls."""

from __future__ import annotations

import json

import pytest

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.menus import publish_user_menus
from bot.services import UnitOfWork
from bot.services.roles_admin import grant_role
from bot.services.users import menu_users
from storage import Database
from tests.builders import make_resident, make_role, make_roster, make_user
from tests.conftest import ADMIN_ID
from tests.fakes.session import Call, FakeSession
from tests.fakes.updates import Person
from tests.handlers.chat import Chat

ADMIN = Person(ADMIN_ID, "Wang", "en")
CONTACT = Person(305, "Chen", "en")
PROPERTY = Person(306, "Peter", "en")
ALICE = Person(307, "Alice", "en")
NEWCOMER = 9002  # a deployment admin without a community yet


@pytest.fixture
async def roster(sqlite_db: Database, clock: FrozenClock):
    found = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en")
    await make_user(sqlite_db, clock, CONTACT.id, CONTACT.first_name, language_code="en")
    await grant_role(UnitOfWork(sqlite_db, clock), actor_id=ADMIN_ID,
                     community_id=found.community_id, user_id=CONTACT.id,
                     role="floor_contact", unit_id=found.floors["2"])
    await make_role(sqlite_db, clock, found.community_id, PROPERTY.id, "property")
    await make_resident(sqlite_db, clock, ALICE.id, found.homes["101"], name="Alice")
    return found


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def menus(calls: list[Call]) -> dict[tuple[int, str], dict[str, str]]:
    """(chat id, language code or "") → command → description, as published for that
    private chat (empty when its menu was deleted)."""
    found = {}
    for call in calls:
        scope = _json(call.params["scope"])
        assert scope["type"] == "chat"
        key = (int(scope["chat_id"]), call.params.get("language_code", ""))
        found[key] = ({c["command"]: c["description"] for c in _json(call.params["commands"])}
                      if call.method == "setMyCommands" else {})
    return found


async def menu_calls(admin: Chat, fake_session: FakeSession) -> list[Call]:
    """Presses ✅ Confirm; the menu calls it made."""
    before = len(fake_session.calls)
    await admin.press("✅ Confirm")
    return [c for c in fake_session.calls[before:]
            if c.method in ("setMyCommands", "deleteMyCommands")]


async def test_start_up_publishes_a_menu_for_each_role_holder_in_both_languages(
        app: App, fake_session: FakeSession, roster, sqlite_db: Database,
        clock: FrozenClock):
    users = await menu_users(UnitOfWork(sqlite_db, clock), frozenset({ADMIN_ID, NEWCOMER}))
    await publish_user_menus(app.bot, app.i18n, users)
    calls = fake_session.take()
    assert {c.method for c in calls} == {"setMyCommands"}
    published = menus(calls)
    assert sorted(published) == [(CONTACT.id, ""), (CONTACT.id, "en"), (CONTACT.id, "zh"),
                                 (ADMIN_ID, ""), (ADMIN_ID, "en"), (ADMIN_ID, "zh"),
                                 (NEWCOMER, ""), (NEWCOMER, "en"), (NEWCOMER, "zh")], \
        "no call for the property staff or the resident"
    assert {"roles", "units", "stats", "import", "survey", "meeting", "newcommunity",
            "report", "help"} <= set(published[(ADMIN_ID, "en")])
    contact = published[(CONTACT.id, "zh")]
    assert {"roster", "pending", "survey", "report"} <= set(contact)
    assert not {"roles", "units", "stats", "newcommunity"} & set(contact)
    assert list(published[(NEWCOMER, "")])[-1] == "newcommunity"
    assert published[(ADMIN_ID, "en")]["roles"] == "Grant or remove roles"
    assert published[(ADMIN_ID, "zh")]["roles"] != "Grant or remove roles", \
        "the Chinese menu is in Chinese"


async def test_granting_and_removing_a_role_updates_the_persons_menu(
        app: App, fake_session: FakeSession, roster, sqlite_db: Database):
    admin = Chat(app, fake_session, ADMIN)
    await make_user(sqlite_db, app.clock, 308, "Olga", language_code="en")
    await admin.send("/roles")
    await admin.press("➕ Grant a role")
    await admin.press("Owners' committee (业委会)")
    await admin.send("308")
    published = menus(await menu_calls(admin, fake_session))
    assert sorted(published) == [(308, ""), (308, "en"), (308, "zh")]
    assert {"stats", "roles", "motion", "survey"} <= set(published[(308, "en")])
    await admin.send("/roles")
    await admin.press("➖ Remove a role")
    await admin.press("Olga")
    calls = await menu_calls(admin, fake_session)
    assert {c.method for c in calls} == {"deleteMyCommands"}, \
        "no role left: back to everyone's menu"
    assert sorted(menus(calls)) == [(308, ""), (308, "en"), (308, "zh")]
