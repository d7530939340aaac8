"""Handler tier: languages in groups. A button's notice or alert only the presser sees, so it
is in their language; what the group sees stays in the group's. A command that only works in
private, sent in a group, gets one line pointing there; other bots' commands and chatter get
nothing. Time zones are offered by city name in the reader's language."""

from __future__ import annotations

import json
import re

import pytest

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.services.users import set_user_locale
from bot.ui.callbacks import ReviewCB
from bot.ui.case_callbacks import CaseCB, MeTooCB
from bot.ui.meeting_callbacks import AvailabilityCB
from bot.ui.motion_callbacks import MotionCB
from bot.ui.survey_links import PollCB
from storage import Database, UnitOfWork
from storage.models import Resident
from tests.builders import Roster, make_group, make_roster, make_user
from tests.conftest import ADMIN_ID
from tests.fakes.session import Call, FakeSession
from tests.fakes.updates import Person, make_callback, make_message, make_my_chat_member

CHINESE_GROUP, ENGLISH_GROUP = -2001, -2002
ALICE = Person(201, "Alice", "en")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
async def roster(sqlite_db: Database, clock: FrozenClock) -> Roster:
    """A Chinese community with two committee groups: one speaks the community's Chinese,
    the other was switched to English."""
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID)
    await make_group(sqlite_db, clock, roster.community_id, None, CHINESE_GROUP, "committee")
    await make_group(sqlite_db, clock, roster.community_id, None, ENGLISH_GROUP, "committee",
                     locale="en")
    return roster


async def join_request(db: Database, clock: FrozenClock, roster: Roster) -> int:
    await make_user(db, clock, ALICE.id, ALICE.first_name, language_code="en")
    async with UnitOfWork(db, clock) as uow:
        resident = Resident(user_id=ALICE.id, household_id=roster.homes["201"],
                            relation="owner", status="pending", requested_at=clock.now())
        uow.session.add(resident)
        await uow.commit()
        return resident.id


async def press(app: App, session: FakeSession, person: Person, chat: int,
                data: str) -> list[Call]:
    await app.dp.feed_update(app.bot, make_callback(person, data, chat))
    return session.take()


@pytest.mark.parametrize(("chat", "presser", "toast", "card", "again", "gone"), [
    pytest.param(CHINESE_GROUP, Person(ADMIN_ID, "Wang", "en"), "verified",
                 "已认证（审核人：Wang）", "Already decided: verified.",
                 "That join request does not exist (any more).", id="en-presser-zh-group"),
    pytest.param(ENGLISH_GROUP, Person(ADMIN_ID, "王", "zh-hans"), "已认证",
                 "verified by 王", "此申请已处理：已认证。", "该加入申请不存在或已失效。",
                 id="zh-presser-en-group"),
])
async def test_review_answers_the_presser_and_marks_the_card_for_the_group(
        app: App, fake_session: FakeSession, sqlite_db: Database, clock: FrozenClock,
        roster: Roster, chat: int, presser: Person, toast: str, card: str, again: str,
        gone: str):
    resident = await join_request(sqlite_db, clock, roster)
    approve = ReviewCB(action="approve", resident=resident).pack()
    notice, edit = await press(app, fake_session, presser, chat, approve)
    assert (notice.method, notice.params["text"].lower()) == ("answerCallbackQuery", toast)
    assert (edit.method, edit.params["chat_id"]) == ("editMessageText", str(chat))
    assert card in edit.params["text"], "the card the group sees is in the group's language"
    (alert,) = await press(app, fake_session, presser, chat, approve)
    assert alert.params["text"] == again
    (alert,) = await press(app, fake_session, presser, chat,
                           ReviewCB(action="approve", resident=999).pack())
    assert alert.params["text"] == gone, "a refused press, too, in the presser's language"


@pytest.mark.parametrize("data", [
    PollCB(survey=999, option=1).pack(), MotionCB(action="vote", motion=999, value="for").pack(),
    AvailabilityCB(slot=999, answer="y").pack(), MeTooCB(case=999).pack(),
    CaseCB(action="accept", case=999).pack(), "v1gone:1"])
@pytest.mark.parametrize(("chat", "presser"), [
    pytest.param(CHINESE_GROUP, ALICE, id="en-presser-zh-group"),
    pytest.param(ENGLISH_GROUP, Person(202, "李", "zh-hans"), id="zh-presser-en-group")])
async def test_every_group_button_alerts_in_the_pressers_language(
        app: App, fake_session: FakeSession, roster: Roster, data: str, chat: int,
        presser: Person):
    """Polls, motions, meeting times, “Me too”, Accept and stale buttons alike."""
    (alert,) = await press(app, fake_session, presser, chat, data)
    assert alert.method == "answerCallbackQuery"
    assert bool(CJK.search(alert.params["text"])) == presser.language_code.startswith("zh")


async def test_switching_a_groups_language_tells_the_admin_in_theirs(
        app: App, fake_session: FakeSession, roster: Roster):
    admin = Person(ADMIN_ID, "王", "zh-hans")
    fake_session.members[(CHINESE_GROUP, ADMIN_ID)] = "administrator"
    _member, notice, edit = await press(app, fake_session, admin, CHINESE_GROUP, "v1lang:en")
    assert notice.params["text"] == "语言已设置为：English"
    assert edit.params["text"] == "Language set: English", "the group reads its new language"


def private_pointer(call: Call) -> tuple[str, str]:
    (button,) = json.loads(call.params["reply_markup"])["inline_keyboard"][0]
    return call.params["text"], button["url"]


async def test_private_commands_in_a_group_point_to_the_private_chat(
        app: App, fake_session: FakeSession, roster: Roster):
    admin = Person(ADMIN_ID, "Wang", "en")

    async def say(person: Person, text: str) -> list[Call]:
        await app.dp.feed_update(app.bot, make_message(person, text, chat_id=ENGLISH_GROUP))
        return fake_session.take("sendMessage")

    for person, command in ((admin, "survey"), (admin, "roles"), (admin, "newcommunity"),
                            (ALICE, "mycases"), (ALICE, "decisions"), (ALICE, "me")):
        (reply,) = await say(person, f"/{command}")
        assert private_pointer(reply) == (
            f"Please send /{command} to me in a private chat.", "https://t.me/zhongyi_test_bot")
        assert "reply_parameters" in reply.params, "a reply to the command"
    (reply,) = await say(admin, "/poll@zhongyi_test_bot")
    assert reply.params["text"] == "Please send /poll to me in a private chat."
    for text in ("/survey@other_bot", "/nosuchcommand", "Hello neighbours, /survey is great"):
        assert await say(admin, text) == [], f"{text!r} is not for this bot"
    (reply,) = await say(ALICE, "/report")
    assert private_pointer(reply)[1] == "https://t.me/zhongyi_test_bot?start=report"


@pytest.mark.parametrize(("who", "cities"), [
    (Person(ADMIN_ID, "王", "zh-hans"), ["上海", "香港", "台北", "✖️ 取消"]),
    (Person(ADMIN_ID, "Wang", "en"), ["Shanghai", "Hong Kong", "Taipei", "✖️ Cancel"])])
async def test_time_zones_are_named_by_city(app: App, fake_session: FakeSession, who: Person,
                                            cities: list[str]):
    await app.dp.feed_update(app.bot, make_message(who, "/newcommunity"))
    await app.dp.feed_update(app.bot, make_message(who, "Sunny Garden"))
    asked = fake_session.take("sendMessage")[-1]
    buttons = [b for row in json.loads(asked.params["reply_markup"])["inline_keyboard"]
               for b in row]
    assert [b["text"] for b in buttons] == cities
    assert buttons[0]["callback_data"] == "v1flow:nc:tz:Asia/Shanghai"


async def greeting(app: App, fake_session: FakeSession, person: Person, chat_id: int) -> str:
    await app.dp.feed_update(app.bot, make_my_chat_member(person, chat_id, "left", "member"))
    (intro,) = fake_session.take("sendMessage")
    assert intro.params["chat_id"] == str(chat_id)
    return intro.params["text"]


async def test_a_new_group_is_greeted_in_the_language_of_who_added_the_bot(
        app: App, fake_session: FakeSession, roster, sqlite_db: Database,
        clock: FrozenClock):
    english = await make_roster(sqlite_db, clock, admin_id=ALICE.id, name="Maple Court",
                                locale="en")
    assert english.community_id
    intro = await greeting(app, fake_session, ALICE, -3001)
    assert intro.startswith("Hello! I am Zhongyi (众议)"), "her Telegram language: English"
    assert not CJK.search(intro.replace("众议", ""))
    no_language = Person(ALICE.id, "Alice", "de")  # not a supported language: her community's
    assert (await greeting(app, fake_session, no_language, -3002)).startswith("Hello!")
    await set_user_locale(UnitOfWork(sqlite_db, clock), ALICE.id, "zh_CN")
    assert CJK.search(await greeting(app, fake_session, ALICE, -3003)), \
        "her own choice of Chinese comes first"
    admin = Person(ADMIN_ID, "Wang", "zh-hans")
    assert CJK.search(await greeting(app, fake_session, admin, -3004))


async def test_a_group_with_its_own_language_keeps_it(app: App, fake_session: FakeSession,
                                                      roster):
    admin = Person(ADMIN_ID, "Wang", "zh-hans")
    intro = await greeting(app, fake_session, admin, ENGLISH_GROUP)
    assert intro.startswith("Hello! I am Zhongyi"), "the bound group speaks English"
