"""Handler tier: /start, /help, /language, /cancel and stale buttons through the real
Dispatcher, in Chinese and in English."""

from __future__ import annotations

from bot.app import App
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person, make_callback, make_message

LI = Person(101, "李阿姨", "zh-hans")
TOM = Person(102, "Tom", "en")


async def feed(app: App, update: object) -> None:
    await app.dp.feed_update(app.bot, update)


async def test_start_private_speaks_the_users_language(app: App, fake_session: FakeSession):
    await feed(app, make_message(LI, "/start"))
    await feed(app, make_message(TOM, "/start"))
    zh, en = fake_session.texts()
    assert "欢迎" in zh
    assert "李阿姨" in zh
    assert "Welcome to Zhongyi" in en
    assert "Tom" in en


async def test_help_lists_only_the_commands_of_the_role(app: App, fake_session: FakeSession):
    await feed(app, make_message(TOM, "/help"))
    await feed(app, make_message(Person(ADMIN_ID, "Admin", "en"), "/help"))
    resident, admin = fake_session.texts()
    assert "/newcommunity" not in resident
    assert "/language" in resident
    assert "/newcommunity" in admin


async def test_language_choice_is_kept(app: App, fake_session: FakeSession):
    await feed(app, make_message(LI, "/language"))
    (keyboard_call,) = fake_session.take("sendMessage")
    buttons = keyboard_call.params["reply_markup"]
    assert "English" in str(buttons)
    await feed(app, make_callback(LI, "v1lang:en"))
    assert any("Language set: English" in t for t in fake_session.texts())
    await feed(app, make_message(LI, "/cancel"))
    assert fake_session.texts() == ["There is nothing to cancel."]


async def test_stale_button_is_answered_not_raised(app: App, fake_session: FakeSession):
    await feed(app, make_callback(TOM, "v0old:123"))
    await feed(app, make_callback(LI, "v1flow:nc:confirm:"))
    en, zh = fake_session.texts()
    assert en == "This button has expired."
    assert zh
    assert zh != en


async def test_same_update_twice_has_one_reply(app: App, fake_session: FakeSession):
    update = make_message(TOM, "/start", update_id=777)
    await feed(app, update)
    await feed(app, update)
    assert len(fake_session.take("sendMessage")) == 1
