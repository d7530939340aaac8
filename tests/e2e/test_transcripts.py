"""Foundation transcripts, in English and in Chinese, against the real bot process: what the
user sends, what the bot answers. One bot process serves the module; each test talks as its
own users, so the tests do not depend on one another."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from storage.models import Community
from tests.e2e.conftest import ADMIN_CANCEL, ADMIN_EN, ADMIN_HELP, ADMIN_RESTART, ADMIN_ZH
from tests.e2e.harness import BotProcess, Localized, Transcript, duplicate, en, eventually, zh
from tests.e2e.texts import (
    ASK_LANGUAGE,
    ASK_NAME,
    ASK_TIMEZONE,
    BAD_TIMEZONE,
    BOOTSTRAP_ONLY,
    CANCEL,
    CANCELLED,
    CHINESE,
    CHOOSE_LANGUAGE,
    COMMANDS,
    CONFIRM,
    CREATED,
    ENGLISH,
    EXPIRED,
    HELP_TITLE,
    LANGUAGE_SET,
    NEXT_STEPS,
    NOT_UNDERSTOOD,
    START_OVER,
    SUMMARY,
    TEXT_OR_BUTTONS,
    WELCOME,
)
from tests.fakes.telegram_server import FakeTelegramServer, FakeUser

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


Tr = Callable[..., Localized]  # en or zh: a msgid (and its fields) -> the expected text
LANGUAGES = [pytest.param("en", en, id="en"), pytest.param("zh-hans", zh, id="zh")]


def person(server: FakeTelegramServer, user_id: int, language: str) -> FakeUser:
    name = "Alice" if language == "en" else "小明"
    return server.user(user_id, name, language)


async def communities_named(bot: BotProcess, name: str) -> list[Community]:
    async with bot.database() as db, db.reading() as session:
        return list(await session.scalars(select(Community).where(Community.name == name)))


@pytest.mark.parametrize(("language", "tr"), LANGUAGES)
async def test_start_welcomes_in_the_users_telegram_language(
        server: FakeTelegramServer, transcript: Transcript, language: str, tr: Tr):
    t = transcript
    user = person(server, 1100 + len(language), language)
    await t.user_says(user, "/start")
    await t.bot_says(user, equals=tr(WELCOME, name=user.first_name))
    await t.bot_is_silent(user)


@pytest.mark.parametrize(("language", "tr"), LANGUAGES)
async def test_help_offers_newcommunity_only_to_a_bootstrap_admin(
        server: FakeTelegramServer, transcript: Transcript, language: str, tr: Tr):
    t = transcript
    resident = person(server, 1200 + len(language), language)
    admin = person(server, ADMIN_HELP, language)
    everyone = [tr(HELP_TITLE)] + [f"/{c} — {tr(COMMANDS[c])}" for c in
                                   ("start", "help", "language")]
    await t.user_says(resident, "/help")
    await t.bot_says(resident, contains=everyone, lacks="/newcommunity")
    await t.user_says(admin, "/help")
    await t.bot_says(admin, contains=[
        *everyone, f"/newcommunity — {tr(COMMANDS['newcommunity'])}"])


@pytest.mark.parametrize(("language", "before", "button", "after"), [
    pytest.param("zh-hans", zh, ENGLISH, en, id="zh-user-picks-English"),
    pytest.param("en", en, CHINESE, zh, id="en-user-picks-Chinese"),
])
async def test_language_choice_wins_over_telegram_language(
        server: FakeTelegramServer, transcript: Transcript, language: str, before: Tr,
        button: str, after: Tr):
    t = transcript
    user = person(server, 1300 + len(language), language)
    await t.user_says(user, "/language")
    current = f"✓ {CHINESE}" if language != "en" else f"✓ {ENGLISH}"
    menu = await t.bot_buttons(user, equals=before(CHOOSE_LANGUAGE), buttons=[current, button])
    press = await t.press(user, menu, button)
    await t.bot_answers(press, equals=after(LANGUAGE_SET, language=button))
    await t.bot_says(user, equals=after(LANGUAGE_SET, language=button))
    await t.user_says(user, "/start")
    await t.bot_says(user, equals=after(WELCOME, name=user.first_name))


@pytest.mark.parametrize(("language", "tr", "admin_id", "name", "chosen", "cities"), [
    pytest.param("en", en, ADMIN_EN, "Sunny Garden", ENGLISH, ("Shanghai", "Hong Kong"),
                 id="en"),
    pytest.param("zh-hans", zh, ADMIN_ZH, "幸福里社区", CHINESE, ("上海", "香港"), id="zh"),
])
async def test_new_community_from_name_to_confirm(
        server: FakeTelegramServer, bot: BotProcess, transcript: Transcript, language: str,
        tr: Tr, admin_id: int, name: str, chosen: str, cities: tuple[str, str]):
    """/newcommunity → name → a wrong time zone (answered) → a time-zone button → language →
    summary → Confirm → created; the old Confirm pressed again has expired."""
    t = transcript
    admin = person(server, admin_id, language)
    await t.user_says(admin, "/newcommunity")
    await t.bot_buttons(admin, equals=tr(ASK_NAME), buttons=[tr(CANCEL)])
    await t.user_says(admin, name)
    zones = await t.bot_buttons(admin, equals=tr(ASK_TIMEZONE),
                                buttons=[*cities, tr(CANCEL)])  # by city, in their language
    await t.user_says(admin, "Mars/Base")
    await t.bot_says(admin, equals=tr(BAD_TIMEZONE, timezone="Mars/Base"))
    await t.press(admin, zones, cities[0])
    languages = await t.bot_buttons(admin, equals=tr(ASK_LANGUAGE),
                                    buttons=[CHINESE, ENGLISH, tr(CANCEL)])
    await t.press(admin, languages, chosen)
    summary = await t.bot_buttons(
        admin, equals=tr(SUMMARY, name=name, timezone="Asia/Shanghai", language=chosen),
        buttons=[tr(CONFIRM), tr(START_OVER), tr(CANCEL)])
    await t.press(admin, summary, tr(CONFIRM))
    (created,) = await eventually(lambda: communities_named(bot, name),
                                  what=f"community {name!r} in the database")
    assert (created.timezone, created.locale) == ("Asia/Shanghai",
                                                  "en" if chosen == ENGLISH else "zh_CN")
    done, steps = tr(CREATED, name=name, id=created.id), tr(NEXT_STEPS)
    await t.bot_says(admin, equals=f"{done}\n\n{steps}", contains=[done, steps])

    stale = await t.press(admin, summary, tr(CONFIRM), strict=False)
    await t.bot_answers(stale, equals=tr(EXPIRED), alert=True)
    await t.bot_is_silent(admin)
    assert len(await communities_named(bot, name)) == 1


@pytest.mark.parametrize(("language", "tr"), LANGUAGES)
async def test_new_community_is_refused_to_a_resident(
        server: FakeTelegramServer, bot: BotProcess, transcript: Transcript, language: str,
        tr: Tr):
    t = transcript
    resident = person(server, 1400 + len(language), language)
    await t.user_says(resident, "/newcommunity")
    await t.bot_says(resident, equals=tr(BOOTSTRAP_ONLY))
    await t.user_says(resident, "Sneaky Garden")
    await t.bot_says(resident, equals=tr(NOT_UNDERSTOOD))
    assert await communities_named(bot, "Sneaky Garden") == []


@pytest.mark.parametrize(("language", "tr"), LANGUAGES)
async def test_cancel_in_the_middle_saves_nothing(
        server: FakeTelegramServer, bot: BotProcess, transcript: Transcript, language: str,
        tr: Tr):
    t = transcript
    admin = person(server, ADMIN_CANCEL, language)
    name = f"Cancelled Garden {language}"
    await t.user_says(admin, "/newcommunity")
    await t.bot_says(admin, equals=tr(ASK_NAME))
    await t.user_says(admin, name)
    await t.bot_says(admin, equals=tr(ASK_TIMEZONE))
    await t.user_says(admin, "/cancel")
    await t.bot_says(admin, equals=tr(CANCELLED))
    await t.user_says(admin, "Asia/Shanghai")  # no flow any more: just an unexpected text
    await t.bot_says(admin, equals=tr(NOT_UNDERSTOOD))
    assert await communities_named(bot, name) == []


@pytest.mark.parametrize(("language", "tr"), LANGUAGES)
async def test_sticker_and_voice_get_a_clear_answer(
        server: FakeTelegramServer, transcript: Transcript, language: str, tr: Tr):
    """Outside a flow and inside one; the transcript also fails on any traceback logged."""
    t = transcript
    user = person(server, 1500 + len(language), language)
    await t.user_sends_sticker(user)
    await t.bot_says(user, equals=tr(NOT_UNDERSTOOD), lacks="Traceback")
    await t.user_sends_voice(user)
    await t.bot_says(user, equals=tr(NOT_UNDERSTOOD), lacks="Traceback")

    admin = person(server, ADMIN_EN if language == "en" else ADMIN_ZH, language)
    await t.user_says(admin, "/newcommunity")
    await t.bot_says(admin, equals=tr(ASK_NAME))
    await t.user_sends_sticker(admin)
    await t.bot_says(admin, equals=tr(TEXT_OR_BUTTONS))
    await t.user_sends_voice(admin)
    await t.bot_says(admin, equals=tr(TEXT_OR_BUTTONS))
    await t.user_says(admin, "/cancel")
    await t.bot_says(admin, equals=tr(CANCELLED))


async def test_an_update_delivered_twice_is_answered_once(
        server: FakeTelegramServer, transcript: Transcript):
    """Telegram redelivers an update whose acknowledgement was lost: same update_id."""
    t = transcript
    user = person(server, 1600, "en")
    first = await t.user_says(user, "/start")
    server.inject(duplicate(first))
    await t.bot_says(user, equals=en(WELCOME, name=user.first_name))
    lost = await t.user_says(user, "just saying hello")
    server.inject(duplicate(lost))
    await t.bot_says(user, equals=en(NOT_UNDERSTOOD))
    await t.bot_is_silent(user)


async def test_command_menus_are_published_per_scope_in_both_languages(
        server: FakeTelegramServer, bot: BotProcess):
    menus = {(json.loads(scope)["type"], code): {c["command"]: c["description"] for c in cmds}
             for (scope, code), cmds in server.commands.items()}
    missing = []
    for scope in ("all_private_chats", "all_group_chats", "all_chat_administrators"):
        for code, tr in (("en", en), ("zh", zh)):
            menu = menus.get((scope, code))
            assert menu, f"setMyCommands was not called for {scope} in {code}: {list(menus)}"
            for command in ("start", "help", "language"):
                expected: Localized = tr(COMMANDS[command])
                assert menu.get(command) == expected, (scope, code, command, menu)
                if not expected.translated:
                    missing.append(expected.msgid)
            assert "newcommunity" not in menu, "a menu offers /newcommunity to everyone"
    assert not missing, f"zh_CN has no translation yet for: {sorted(set(missing))}"


async def test_a_flow_survives_a_restart_of_the_bot(
        server: FakeTelegramServer, bot: BotProcess, transcript: Transcript):
    t = transcript
    admin = person(server, ADMIN_RESTART, "zh-hans")
    name = "重启花园"
    await t.user_says(admin, "/newcommunity")
    await t.bot_says(admin, equals=zh(ASK_NAME))
    await t.user_says(admin, name)
    zones = await t.bot_buttons(admin, equals=zh(ASK_TIMEZONE), buttons=["台北"])

    await bot.restart()

    await t.press(admin, zones, "台北")
    languages = await t.bot_buttons(admin, equals=zh(ASK_LANGUAGE), buttons=[CHINESE])
    await t.press(admin, languages, CHINESE)
    summary = await t.bot_buttons(
        admin, equals=zh(SUMMARY, name=name, timezone="Asia/Taipei", language=CHINESE))
    await t.press(admin, summary, zh(CONFIRM))
    (created,) = await eventually(lambda: communities_named(bot, name),
                                  what=f"community {name!r} in the database")
    done, steps = zh(CREATED, name=name, id=created.id), zh(NEXT_STEPS)
    await t.bot_says(admin, equals=f"{done}\n\n{steps}", contains=[done, steps])
    await t.bot_is_silent(admin)
