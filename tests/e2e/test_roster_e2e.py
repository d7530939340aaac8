"""Issue 3 end to end, in English and in Chinese: an admin creates a community, imports its
roster (a file with a bad row first, then the corrected one), binds a building group and a
floor group, and makes a floor contact; two residents join from the groups' Join buttons;
the contact approves one and rejects the other, and each hears the outcome.

One bot process serves both languages: each has its own community, people and groups."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from storage.models import Community
from tests.e2e.conftest import ADMIN_EN, ADMIN_ZH
from tests.e2e.harness import BotProcess, Transcript, eventually
from tests.e2e.roster_texts import (
    APPROVE,
    APPROVED,
    ASK_FILE,
    ASK_PERSON,
    BACK,
    BAD_AREA,
    BIND_CONFIRM,
    BIND_PURPOSE,
    BIND_UNIT,
    BOUND,
    CHOOSE_UNIT,
    DECIDED,
    FILE_PROBLEMS,
    FLOOR_CONTACT,
    FLOOR_CONTACT_DUTIES,
    GRANT,
    GRANT_SUMMARY,
    GRANTED,
    GROUP_INTRO,
    GROUP_LANGUAGE,
    IMPORTED,
    IMPORTED_COUNTS,
    JOIN_BUTTON,
    JOIN_FLOORS,
    JOIN_POST,
    JOIN_RELATION,
    JOIN_REQUEST,
    JOIN_ROOMS,
    JOIN_SUMMARY,
    ME_HOME,
    ME_TITLE,
    NOT_APPROVED,
    NOT_CHAT_ADMIN,
    PREVIEW_AREA,
    PREVIEW_CHANGES,
    PREVIEW_COUNTS,
    PREVIEW_NOTE,
    PREVIEW_TITLE,
    PURPOSES,
    REJECT,
    REJECTED,
    RELATIONS,
    REQUEST_SENT,
    REVOKE,
    ROLE_GRANTED,
    ROLE_HELP,
    ROLE_WHERE,
    ROLES_ACTION,
    ROSTER_FLOOR,
    ROSTER_NOBODY,
    ROSTER_VERIFIED,
    SEND_REQUEST,
    TEMPLATE_CAPTION,
    UP,
    VERIFIED,
    WHICH_ROLE,
)
from tests.e2e.steps import (
    JSON,
    Texts,
    capitalised,
    csv_file,
    file_of,
    labels,
    number,
    pinned,
    press_for_keyboard,
    start_payload,
    url_of,
    user_sends_file,
)
from tests.e2e.texts import (
    ASK_LANGUAGE,
    ASK_NAME,
    ASK_TIMEZONE,
    CANCEL,
    CHINESE,
    CONFIRM,
    CREATED,
    ENGLISH,
    LANGUAGE_SET,
    NEXT_STEPS,
    SUMMARY,
    WELCOME,
)
from tests.fakes.telegram_server import FakeChat, FakeTelegramServer, FakeUser

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

EN_HEADER = ["compound", "building", "entrance", "floor", "room", "area", "owner_key"]
ZH_HEADER = ["小区", "楼栋", "单元", "楼层", "房号", "面积", "业主编号"]
MAX_AREA = 100_000


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    username: str


@dataclass(frozen=True)
class Place:
    """One language's world: everyone's Telegram language, the community, its roster and
    its two groups."""

    language: str  # Telegram's language_code of everyone here
    locale: str
    admin: int
    community: str
    language_button: str  # the community's (and its groups') language, as its button reads
    compound: str
    building: str
    floors: tuple[str, str]
    header: list[str]
    bad_area: str
    contact: Person
    alice: Person
    bob: Person
    building_chat: int
    floor_chat: int

    @property
    def building_label(self) -> str:
        return f"{self.compound} {self.building}"

    @property
    def floor_label(self) -> str:
        """The floor the contact looks after and Alice and Bob live on."""
        return f"{self.building_label} {self.floors[1]}"

    def rows(self) -> list[list[str]]:
        """Four homes, two a floor; areas add up to 329 m²."""
        low, high = self.floors
        return [[self.compound, self.building, "", low, "101", "89.5", "K1"],
                [self.compound, self.building, "", low, "102", "75", "K2"],
                [self.compound, self.building, "", high, "201", "89.5", "K3"],
                [self.compound, self.building, "", high, "202", "75", ""]]


EN = Place("en", "en", ADMIN_EN, "Sunny Court", ENGLISH, "Sunny Garden", "Building 1",
           ("1F", "2F"), EN_HEADER, "big", Person(6101, "Carol", "carol_fc"),
           Person(6102, "Alice", "alice_201"), Person(6103, "Bob", "bob_202"),
           -1_001_880_000_001, -1_001_880_000_002)
ZH = Place("zh-hans", "zh_CN", ADMIN_ZH, "幸福里社区", CHINESE, "幸福小区", "1号楼",
           ("1层", "2层"), ZH_HEADER, "约90", Person(6201, "王阿姨", "wang_fc"),
           Person(6202, "小明", "xiaoming"), Person(6203, "小红", "xiaohong"),
           -1_001_880_000_011, -1_001_880_000_012)


async def community_named(bot: BotProcess, name: str) -> Community | None:
    async with bot.database() as db, db.reading() as session:
        return await session.scalar(select(Community).where(Community.name == name))


async def create_community(t: Transcript, bot: BotProcess, admin: FakeUser, place: Place,
                           tr: Texts) -> None:
    """/newcommunity with the community's default language set to the variant's."""
    await t.user_says(admin, "/newcommunity")
    await t.bot_buttons(admin, equals=tr(ASK_NAME), buttons=[tr(CANCEL)])
    await t.user_says(admin, place.community)
    shanghai = {"en": "Shanghai", "zh_CN": "上海"}[place.locale]  # by city, not "Asia/…"
    zones = await t.bot_buttons(admin, equals=tr(ASK_TIMEZONE), buttons=[shanghai])
    await t.press(admin, zones, shanghai)
    languages = await t.bot_buttons(admin, equals=tr(ASK_LANGUAGE), buttons=[CHINESE, ENGLISH])
    await t.press(admin, languages, place.language_button)
    summary = await t.bot_buttons(admin, equals=tr(
        SUMMARY, name=place.community, timezone="Asia/Shanghai",
        language=place.language_button))
    await t.press(admin, summary, tr(CONFIRM))
    created = await eventually(lambda: community_named(bot, place.community),
                               what=f"community {place.community!r} in the database")
    assert created.locale == place.locale
    done, steps = tr(CREATED, name=place.community, id=created.id), tr(NEXT_STEPS)
    await t.bot_says(admin, equals=f"{done}\n\n{steps}", contains=[done, steps])


async def import_roster(t: Transcript, server: FakeTelegramServer, admin: FakeUser,
                        place: Place, tr: Texts) -> None:
    """/template, then /import: a file whose first row is bad, then the corrected file,
    its preview, Confirm."""
    await t.user_says(admin, "/template")
    csv_template = await t.bot_says(admin, equals=tr(TEMPLATE_CAPTION))
    xlsx_template = await t.bot_says(admin, equals="")
    assert csv_template["document"]["file_name"] == "roster-template.csv"
    assert xlsx_template["document"]["file_name"] == "roster-template.xlsx"
    header = file_of(server, csv_template).decode("utf-8-sig").splitlines()[0].split(",")
    assert header == place.header, "the template's headers are in the reader's language"

    await t.user_says(admin, "/import")
    await t.bot_says(admin, equals=tr(ASK_FILE, community=place.community))
    good = place.rows()
    bad_row = [*good[0][:5], place.bad_area, good[0][6]]
    await user_sends_file(t, admin, "roster.csv", csv_file([header, bad_row, *good[1:]]))
    await t.bot_says(admin, equals="\n".join([
        tr(FILE_PROBLEMS, file="roster.csv", count=1), "",
        tr(BAD_AREA, row=2, value=place.bad_area, limit=number(MAX_AREA, place.locale))]))

    await user_sends_file(t, admin, "roster-fixed.csv", csv_file([header, *good]))
    counts = dict(zip(PREVIEW_COUNTS, (1, 1, 2, 4), strict=True))
    changes = dict(zip(PREVIEW_CHANGES, (4, 0, 0), strict=True))
    preview = await t.bot_buttons(admin, equals="\n".join([
        tr(PREVIEW_TITLE, file="roster-fixed.csv", community=place.community),
        *(tr(msgid, count=n) for msgid, n in counts.items()),
        tr(PREVIEW_AREA, area=number(329, place.locale)), "",
        *(tr(msgid, count=n) for msgid, n in changes.items()), "",
        tr(PREVIEW_NOTE)]), buttons=[tr(CONFIRM), tr(CANCEL)])
    await t.press(admin, preview, tr(CONFIRM))
    done = dict(zip(IMPORTED_COUNTS, (4, 0, 0, 4), strict=True))  # 1 + 1 + 2 new units
    await t.bot_says(admin, equals="\n".join([
        tr(IMPORTED, community=place.community),
        *(tr(msgid, count=n) for msgid, n in done.items())]))


async def add_group(t: Transcript, server: FakeTelegramServer, admin: FakeUser, chat_id: int,
                    title: str, place: Place, tr: Texts, *, set_language: bool = True,
                    ) -> FakeChat:
    """The admin, an administrator of the group, adds the bot as one too; the bot introduces
    itself in the admin's language (the group has none yet), then the admin sets the
    group's — or leaves it to /bind, which gives the group its community's."""
    group = server.group(chat_id, title)
    server.set_member(group, admin, "administrator")
    await t.arrives(server.add_bot_to_group(group, admin, status="administrator"))
    await t.bot_says(group, equals=tr(GROUP_INTRO))
    if not set_language:
        return group
    await t.user_says(admin, "/language", group)
    menu = await t.bot_buttons(group, equals=Texts("zh_CN")(GROUP_LANGUAGE),
                               buttons=[f"✓ {CHINESE}", ENGLISH])
    button = ENGLISH if place.language_button == ENGLISH else f"✓ {CHINESE}"
    press = await t.press(admin, menu, button)
    await t.bot_answers(press, equals=tr(LANGUAGE_SET, language=place.language_button))
    await t.bot_says(group, equals=tr(LANGUAGE_SET, language=place.language_button))
    return group


async def bind(t: Transcript, admin: FakeUser, group: FakeChat, place: Place, tr: Texts, *,
               floor: str | None) -> JSON:
    """/bind → residents' group → the building (or one of its floors) by the unit picker →
    Confirm; returns the pinned Join post."""
    await t.user_says(admin, "/bind", group)
    purposes = await t.bot_buttons(group, equals=tr(BIND_PURPOSE),
                                   buttons=[*(tr(p) for p in PURPOSES), tr(CANCEL)])
    await t.press(admin, purposes, tr(PURPOSES[0]))
    top = await t.bot_buttons(group, equals=tr(BIND_UNIT), buttons=[f"🏘 {place.compound}"])
    compound = await press_for_keyboard(t, admin, top, f"🏘 {place.compound}")
    assert labels(compound) == [f"🏢 {place.building}", tr(CHOOSE_UNIT, unit=place.compound),
                                tr(UP)]
    building = await press_for_keyboard(t, admin, compound, f"🏢 {place.building}")
    assert labels(building) == [*(f"🔢 {f}" for f in place.floors),
                                tr(CHOOSE_UNIT, unit=place.building_label), tr(UP)]
    unit = f"{place.building_label} {floor}" if floor else place.building_label
    await t.press(admin, building, f"🔢 {floor}" if floor else tr(CHOOSE_UNIT, unit=unit))
    confirm = await t.bot_buttons(group, equals=tr(BIND_CONFIRM, unit=unit),
                                  buttons=[tr(CONFIRM), tr(CANCEL)])
    await t.press(admin, confirm, tr(CONFIRM))
    await t.bot_says(group, equals=tr(BOUND, purpose=tr(PURPOSES[0]), unit=unit,
                                      community=place.community))
    post = await t.bot_buttons(group, equals=tr(JOIN_POST, unit=unit),
                               buttons=[tr(JOIN_BUTTON)])
    assert await pinned(t.server, group) == post["message_id"], "the Join post is pinned"
    return post


async def grant_floor_contact(t: Transcript, admin: FakeUser, contact: FakeUser, place: Place,
                              tr: Texts) -> None:
    """/roles → Grant → floor contact → the floor, by the picker → @username → Confirm."""
    await t.user_says(admin, "/roles")
    action = await t.bot_buttons(admin, equals=tr(ROLES_ACTION),
                                 buttons=[tr(GRANT), tr(REVOKE), tr(CANCEL)])
    await t.press(admin, action, tr(GRANT))
    role = capitalised(tr(FLOOR_CONTACT))
    roles = await t.bot_buttons(admin, equals=tr(WHICH_ROLE), buttons=[role])
    await t.press(admin, roles, role)
    top = await t.bot_buttons(admin, equals=tr(ROLE_WHERE, role=tr(FLOOR_CONTACT)),
                              buttons=[f"🏘 {place.compound}"])
    compound = await press_for_keyboard(t, admin, top, f"🏘 {place.compound}")
    building = await press_for_keyboard(t, admin, compound, f"🏢 {place.building}")
    await t.press(admin, building, f"🔢 {place.floors[1]}")
    who = await t.bot_says(admin, equals=tr(ASK_PERSON))
    assert labels(who) == [tr(CANCEL)], "nobody is verified on the floor yet"
    await t.user_says(admin, f"@{contact.username}")
    summary = await t.bot_buttons(admin, equals=tr(
        GRANT_SUMMARY, role=tr(FLOOR_CONTACT), name=contact.first_name,
        scope=place.floor_label), buttons=[tr(CONFIRM), tr(CANCEL)])
    await t.press(admin, summary, tr(CONFIRM))
    await t.bot_says(admin, equals=tr(GRANTED, name=contact.first_name,
                                      role=tr(FLOOR_CONTACT), scope=place.floor_label))
    told = [tr(ROLE_GRANTED, community=place.community, role=tr(FLOOR_CONTACT),
               scope=place.floor_label), tr(FLOOR_CONTACT_DUTIES), tr(ROLE_HELP)]
    await t.bot_says(contact, equals="\n\n".join(told), contains=told)


async def join(t: Transcript, resident: FakeUser, post: JSON, place: Place, tr: Texts, *,
               room: str, relation: str, floors_first: bool) -> str:
    """Opens the group's Join link, picks the floor (when the group covers several), the
    room and the relation, and sends the request; returns the home's label."""
    payload = start_payload(url_of(post, tr(JOIN_BUTTON)))
    assert re.fullmatch(r"join_\d+", payload), payload
    await t.user_says(resident, f"/start {payload}")
    if floors_first:
        floors = await t.bot_buttons(resident, equals=tr(JOIN_FLOORS, unit=place.building_label))
        assert labels(floors) == [*place.floors, tr(CANCEL)]
        await t.press(resident, floors, place.floors[1])
    rooms = await t.bot_buttons(resident, equals=tr(JOIN_ROOMS, floor=place.floor_label))
    back = [tr(BACK)] if floors_first else []
    assert labels(rooms) == ["201", "202", *back, tr(CANCEL)]
    await t.press(resident, rooms, room)
    relations = await t.bot_buttons(resident, equals=tr(JOIN_RELATION, room=room))
    assert labels(relations) == [*(capitalised(tr(r)) for r in RELATIONS), tr(BACK),
                                 tr(CANCEL)]
    await t.press(resident, relations, capitalised(tr(relation)))
    summary = await t.bot_buttons(resident, equals=tr(
        JOIN_SUMMARY, floor=place.floor_label, room=room, relation=tr(relation)),
        buttons=[tr(SEND_REQUEST), tr(BACK), tr(CANCEL)])
    await t.press(resident, summary, tr(SEND_REQUEST))
    home = f"{place.floor_label} {room}"
    await t.bot_says(resident, equals=tr(REQUEST_SENT, home=home))
    return home


def request_text(tr: Texts, person: FakeUser, home: str, relation: str) -> str:
    return tr(JOIN_REQUEST, name=f"{person.first_name} (@{person.username})", household=home,
              relation=tr(relation))


@pytest.mark.parametrize("place", [pytest.param(EN, id="en"), pytest.param(ZH, id="zh")])
async def test_admin_imports_binds_and_a_floor_contact_reviews_two_residents(
        server: FakeTelegramServer, bot: BotProcess, transcript: Transcript, place: Place):
    t, tr = transcript, Texts(place.locale)
    admin = server.user(place.admin, "Admin", place.language)
    await create_community(t, bot, admin, place, tr)
    await import_roster(t, server, admin, place, tr)

    def person(who: Person) -> FakeUser:
        return server.user(who.id, who.name, place.language, who.username)

    alice, bob, contact = person(place.alice), person(place.bob), person(place.contact)
    building_group = await add_group(t, server, admin, place.building_chat,
                                     f"{place.building} residents", place, tr)
    floor_group = await add_group(t, server, admin, place.floor_chat,
                                  f"{place.floors[1]} residents", place, tr,
                                  set_language=False)
    await t.user_says(alice, "/bind", building_group)  # a plain member of the group
    await t.bot_says(building_group, equals=tr(NOT_CHAT_ADMIN))
    building_post = await bind(t, admin, building_group, place, tr, floor=None)
    floor_post = await bind(t, admin, floor_group, place, tr, floor=place.floors[1])

    await t.user_says(contact, "/start")
    await t.bot_says(contact, equals=tr(WELCOME, name=contact.first_name))
    await grant_floor_contact(t, admin, contact, place, tr)

    alice_home = await join(t, alice, building_post, place, tr, room="201",
                            relation="owner", floors_first=True)
    bob_home = await join(t, bob, floor_post, place, tr, room="202", relation="tenant",
                          floors_first=False)

    cards = [tr(APPROVE), tr(REJECT)]
    alice_card = await t.bot_buttons(contact, buttons=cards, equals=request_text(
        tr, alice, alice_home, "owner"))
    bob_card = await t.bot_buttons(contact, buttons=cards, equals=request_text(
        tr, bob, bob_home, "tenant"))
    approved = await t.press(contact, alice_card, tr(APPROVE))
    await t.bot_answers(approved, equals=capitalised(tr(VERIFIED)))
    await t.bot_says(contact, equals=tr(DECIDED, mark="✅", home=alice_home,
                                        status=tr(VERIFIED), name=contact.first_name))
    await t.bot_says(alice, equals=tr(APPROVED, household=alice_home))
    rejected = await t.press(contact, bob_card, tr(REJECT))
    await t.bot_answers(rejected, equals=capitalised(tr(REJECTED)))
    await t.bot_says(contact, equals=tr(DECIDED, mark="❌", home=bob_home,
                                        status=tr(REJECTED), name=contact.first_name))
    await t.bot_says(bob, equals=tr(NOT_APPROVED, household=bob_home))

    await t.user_says(alice, "/me")
    await t.bot_says(alice, equals="\n".join([
        tr(ME_TITLE), tr(ME_HOME, home=alice_home, relation=tr("owner"), status=tr(VERIFIED))]))
    await t.user_says(contact, "/roster")
    await t.bot_says(contact, equals="\n".join([
        tr(ROSTER_FLOOR, floor=place.floor_label, verified=1, total=2),
        f"201  {tr(ROSTER_VERIFIED, names=alice.first_name)}",
        f"202  {tr(ROSTER_NOBODY)}"]))
    await server.wait_idle(quiet=0.5)
    for chat in (alice, bob, contact, building_group, floor_group):
        await t.bot_is_silent(chat, quiet=0.01)
    tr.assert_catalogued()
