"""The fake Telegram Bot API server, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)

from tests.fakes.botapi_spec import BotApiSpec
from tests.fakes.telegram_server import FakeClock, FakeTelegramServer, Limits

TOKEN = "123456:TEST-TOKEN"
GROUP = -1001234567890


def make_bot(server: FakeTelegramServer, token: str = TOKEN) -> Bot:
    api = TelegramAPIServer.from_base(server.base_url)
    return Bot(token, session=AiohttpSession(api=api))


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=f"b{i}", callback_data=d) for i, d in enumerate(data)]
    ])


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer(TOKEN, limits=Limits.off()) as fake:
        yield fake


@pytest_asyncio.fixture
async def clock() -> FakeClock:
    return FakeClock()


@pytest_asyncio.fixture
async def limited(clock: FakeClock) -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer(TOKEN, limits=Limits(), clock=clock) as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    async with make_bot(server) as client:
        yield client


@pytest_asyncio.fixture
async def limited_bot(limited: FakeTelegramServer) -> AsyncIterator[Bot]:
    async with make_bot(limited) as client:
        yield client


class FooBar(TelegramMethod[bool]):
    __returning__ = bool
    __api_method__ = "fooBar"


# -- the schema ----------------------------------------------------------------------------------
def test_spec_knows_methods_and_limits() -> None:
    spec = BotApiSpec.load()
    assert "sendMessage" in spec.method_names()
    assert spec.returns("editMessageText") == ("Message", "Boolean")
    assert spec.validate("SENDMESSAGE", {"chat_id": "1", "text": "hi"}) is None
    assert spec.validate("sendMessage", {"chat_id": "1"}) == "Bad Request: message text is empty"
    assert spec.validate("sendMessage", {"text": "x"}) == (
        "Bad Request: parameter 'chat_id' is required")
    assert spec.validate("sendMessage", {"chat_id": 1, "text": "x" * 5000}) == (
        "Bad Request: text is too long (5000 > 4096)")
    # the limit applies after parse_mode markup is parsed
    assert spec.validate("sendMessage", {"chat_id": 1, "text": f"<b>{'x' * 4096}</b>",
                                         "parse_mode": "HTML"}) is None
    assert spec.validate("sendMessage", {"chat_id": 1, "text": "a < b", "parse_mode": "HTML"}
                         ).startswith("Bad Request: can't parse entities")
    assert spec.validate("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 201})
    assert spec.validate("sendPhoto", {"chat_id": 1, "photo": "x", "caption": "y" * 1025})
    assert spec.validate("noSuchMethod", {}) == "Bad Request: method not found"
    assert spec.validate("sendMessage", {"chat_id": 1, "text": "x", "unknown_extra": "1"}) is None


@pytest.mark.parametrize(("data", "ok"), [("x" * 64, True), ("x" * 65, False),
                                          ("\u4e2d" * 21, True), ("\u4e2d" * 22, False)])
def test_spec_callback_data_counts_utf8_bytes(data: str, ok: bool) -> None:
    markup = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": data}]]})
    problem = BotApiSpec.load().validate("sendMessage",
                                         {"chat_id": "1", "text": "t", "reply_markup": markup})
    assert problem is None if ok else problem == "Bad Request: BUTTON_DATA_INVALID"


@pytest.mark.parametrize(("command", "problem"), [
    ({"command": "start", "description": "Start"}, None),
    ({"command": "Start", "description": "Start"}, "Bad Request: BOT_COMMAND_INVALID"),
    ({"command": "s" * 33, "description": "Start"}, "Bad Request: BOT_COMMAND_INVALID"),
    ({"command": "start", "description": "d" * 257},
     "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"),
])
def test_spec_bot_commands(command: dict[str, str], problem: str | None) -> None:
    spec = BotApiSpec.load()
    assert spec.validate("setMyCommands", {"commands": json.dumps([command])}) == problem


def test_spec_inline_buttons_need_text_and_action() -> None:
    spec = BotApiSpec.load()
    empty = {"inline_keyboard": [[{"text": "", "callback_data": "a"}]]}
    bare = {"inline_keyboard": [[{"text": "a"}]]}
    assert spec.validate("sendMessage", {"chat_id": 1, "text": "t", "reply_markup": empty}) == (
        "Bad Request: BUTTON_TEXT_INVALID")
    assert "Text buttons are unallowed" in spec.validate(
        "sendMessage", {"chat_id": 1, "text": "t", "reply_markup": bare})


@pytest.mark.asyncio
async def test_generated_objects_match_the_spec(server: FakeTelegramServer) -> None:
    spec, user = server.spec, server.user(7, "Li")
    server.group(GROUP, "Residents")
    for status in ("creator", "administrator", "member", "restricted", "left", "kicked"):
        server.set_member(GROUP, user.id, status)
        assert spec.check_object("ChatMember", server.chat_member(GROUP, user.id)) == []
    for update in (server.send_text(user, "/start"), server.send_photo(user),
                   server.send_document(user, "a.pdf", b"%PDF", "application/pdf"),
                   server.send_sticker(user), server.send_voice(user), server.send_video(user),
                   server.send_location(user), server.block_bot(user)):
        assert spec.check_object("Update", update) == []
        Update.model_validate(update)  # and aiogram parses them


# -- basic calls ---------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_get_me(bot: Bot, server: FakeTelegramServer) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == "zhongyi_test_bot"
    assert me.id == 123456
    assert server.calls[-1].method == "getMe"
    assert server.calls[-1].ok


@pytest.mark.asyncio
async def test_send_message_ids_increase_and_state_is_kept(
        bot: Bot, server: FakeTelegramServer) -> None:
    user = server.user(42, "Wang")
    first = await bot.send_message(42, "<b>你好</b>", parse_mode="HTML",
                                   reply_markup=keyboard("a"))
    second = await bot.send_message(42, "second")
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "你好"
    assert first.entities[0].type == "bold"
    assert first.from_user.id == server.bot.id
    assert first.chat.id == user.id
    assert [m["text"] for m in server.sent(42)] == ["你好", "second"]
    assert server.calls_of("sendMessage")[0].params["reply_markup"]["inline_keyboard"][0][0][
        "callback_data"] == "a"
    await bot.delete_message(42, second.message_id)
    assert [m["message_id"] for m in server.sent(42)] == [1]
    assert not server.errors


@pytest.mark.asyncio
async def test_callback_data_of_65_bytes_is_rejected(bot: Bot, server: FakeTelegramServer) -> None:
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1, "pick", reply_markup=keyboard("x" * 65))
    assert len(server.errors) == 1
    assert server.errors[0].status == 400
    assert server.sent() == []


@pytest.mark.asyncio
async def test_too_long_text_and_bad_markup_are_rejected(
        bot: Bot, server: FakeTelegramServer) -> None:
    with pytest.raises(TelegramBadRequest, match="too long"):
        await bot.send_message(1, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(1, "1 < 2", parse_mode="HTML")
    assert [c.method for c in server.errors] == ["sendMessage", "sendMessage"]


@pytest.mark.asyncio
async def test_unknown_method_is_rejected(bot: Bot, server: FakeTelegramServer) -> None:
    with pytest.raises(TelegramBadRequest, match="method not found"):
        await bot(FooBar())
    assert server.errors[0].method == "fooBar"


@pytest.mark.asyncio
async def test_wrong_token_is_unauthorized(server: FakeTelegramServer) -> None:
    async with make_bot(server, "999:WRONG") as intruder:
        with pytest.raises(TelegramUnauthorizedError):
            await intruder.get_me()
    assert server.calls[-1].status == 401


# -- updates -------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_get_updates_long_polls_and_offset_confirms(
        bot: Bot, server: FakeTelegramServer) -> None:
    user = server.user(5, "Zhao")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    server.send_text(user, "/start@zhongyi_test_bot hello")
    updates = await asyncio.wait_for(poll, 2)  # returned as soon as the update arrived
    assert len(updates) == 1
    message = updates[0].message
    assert message.text.startswith("/start@")
    assert message.from_user.language_code == "zh-hans"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == 23
    again = await bot.get_updates(timeout=0)  # not confirmed yet: delivered again
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == []
    assert server.updates == []


@pytest.mark.asyncio
async def test_allowed_updates_filter_and_limit(bot: Bot, server: FakeTelegramServer) -> None:
    user = server.user(5, "Zhao")
    for n in range(3):
        server.send_text(user, f"m{n}")
    server.add_bot_to_group(server.group(GROUP, "G"), user)
    got = await bot.get_updates(limit=2, timeout=0, allowed_updates=["message"])
    assert [u.message.text for u in got] == ["m0", "m1"]
    rest = await bot.get_updates(offset=got[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in rest] == ["m2"]
    assert "my_chat_member" in server.dropped_updates[0]


@pytest.mark.asyncio
async def test_press_button_and_answer_callback(bot: Bot, server: FakeTelegramServer) -> None:
    user = server.user(8, "Sun")
    sent = await bot.send_message(8, "Vote?", reply_markup=keyboard("yes", "no"))
    update = server.press(user, sent.message_id, "yes")
    query = Update.model_validate(update).callback_query
    assert query.data == "yes"
    assert query.message.message_id == sent.message_id
    with pytest.raises(LookupError):
        server.press(user, sent.message_id, "maybe")
    assert await bot.answer_callback_query(query.id, text="Thanks")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)
    edited = await bot.edit_message_text("Voted", chat_id=8, message_id=sent.message_id)
    assert edited.text == "Voted"
    assert edited.reply_markup is None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Voted", chat_id=8, message_id=sent.message_id)
    assert server.messages[8][sent.message_id]["text"] == "Voted"


# -- limits --------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_group_limit_20_per_minute(
        limited_bot: Bot, limited: FakeTelegramServer, clock: FakeClock) -> None:
    limited.group(GROUP, "Residents")
    for n in range(20):
        await limited_bot.send_message(GROUP, f"notice {n}")
        clock.advance(1)
    with pytest.raises(TelegramRetryAfter) as caught:
        await limited_bot.send_message(GROUP, "one too many")
    assert caught.value.retry_after == 40  # the first send leaves the 60 s window at t=60
    assert limited.count_429 == 1
    assert len(limited.sent(GROUP)) == 20
    assert limited.calls[-1].response["parameters"] == {"retry_after": 40}
    clock.advance(40)
    await limited_bot.send_message(GROUP, "allowed again")
    assert not limited.errors


@pytest.mark.asyncio
async def test_per_chat_bucket(
        limited_bot: Bot, limited: FakeTelegramServer, clock: FakeClock) -> None:
    for n in range(3):  # the burst
        await limited_bot.send_message(77, f"m{n}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await limited_bot.send_message(77, "m3")
    assert caught.value.retry_after == 1
    await limited_bot.send_message(78, "another chat is fine")
    clock.advance(1)
    await limited_bot.send_message(77, "m3")
    with pytest.raises(TelegramRetryAfter):
        await limited_bot.send_message(77, "m4")
    assert limited.count_429 == 2


@pytest.mark.asyncio
async def test_global_limit_30_per_second(
        limited_bot: Bot, limited: FakeTelegramServer, clock: FakeClock) -> None:
    for chat_id in range(1, 31):
        await limited_bot.send_message(chat_id, "broadcast")
    with pytest.raises(TelegramRetryAfter):
        await limited_bot.send_message(31, "broadcast")
    clock.advance(1)
    await limited_bot.send_message(31, "broadcast")


# -- files, members, failures --------------------------------------------------------------------
@pytest.mark.asyncio
async def test_send_document_records_the_upload(bot: Bot, server: FakeTelegramServer) -> None:
    upload = BufferedInputFile(b"minutes of the meeting", filename="minutes.txt")
    message = await bot.send_document(3, upload, caption="Minutes")
    call = server.calls_of("sendDocument")[0]
    assert call.files["document"] == ("minutes.txt", b"minutes of the meeting")
    assert message.document.file_name == "minutes.txt"
    assert message.caption == "Minutes"
    file = await bot.get_file(message.document.file_id)
    data = await bot.download_file(file.file_path)
    assert data.read() == b"minutes of the meeting"


@pytest.mark.asyncio
async def test_user_document_can_be_downloaded(bot: Bot, server: FakeTelegramServer) -> None:
    user = server.user(9, "Zhou")
    update = Update.model_validate(server.send_document(user, "plan.csv", b"a,b\n1,2\n",
                                                        "text/csv"))
    file = await bot.get_file(update.message.document.file_id)
    assert (await bot.download_file(file.file_path)).read() == b"a,b\n1,2\n"
    big = Update.model_validate(server.send_document(user, "huge.bin", b"", size=21 << 20))
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(big.message.document.file_id)


@pytest.mark.asyncio
async def test_get_chat_member_statuses(bot: Bot, server: FakeTelegramServer) -> None:
    owner, admin, member = server.user(1, "Owner"), server.user(2, "Admin"), server.user(3, "M")
    server.group(GROUP, "Residents")
    server.set_member(GROUP, owner.id, "creator")
    server.set_member(GROUP, admin.id, "administrator")
    server.set_member(GROUP, member.id, "member")
    assert isinstance(await bot.get_chat_member(GROUP, 2), ChatMemberAdministrator)
    assert isinstance(await bot.get_chat_member(GROUP, 1), ChatMemberOwner)
    assert isinstance(await bot.get_chat_member(GROUP, 3), ChatMemberMember)
    assert isinstance(await bot.get_chat_member(GROUP, 4), ChatMemberLeft)
    chat = await bot.get_chat(GROUP)
    assert chat.title == "Residents"
    assert chat.type == "supergroup"
    assert not server.errors


@pytest.mark.asyncio
async def test_migrated_group(bot: Bot, server: FakeTelegramServer) -> None:
    server.group(-4001, "Old group", type="group")
    update = server.migrate_group(-4001, -1009999)
    assert update["message"]["migrate_to_chat_id"] == -1009999
    with pytest.raises(TelegramMigrateToChat) as caught:
        await bot.send_message(-4001, "hello")
    assert caught.value.migrate_to_chat_id == -1009999
    await bot.send_message(-1009999, "hello")
    assert not server.errors


@pytest.mark.asyncio
async def test_fail_next_gives_server_errors(bot: Bot, server: FakeTelegramServer) -> None:
    server.fail_next("sendMessage", status=502, n=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(1, "retry me")
    assert (await bot.send_message(1, "retry me")).message_id == 1


@pytest.mark.asyncio
async def test_forbidden_chats(bot: Bot, server: FakeTelegramServer) -> None:
    user = server.user(11, "Blocked")
    server.forbid(12)
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(12, "hi")
    update = server.block_bot(user)
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(11, "hi")
    group = server.group(GROUP, "G")
    server.remove_bot_from_group(group, user)
    with pytest.raises(TelegramForbiddenError, match="kicked from the supergroup"):
        await bot.send_message(GROUP, "hi")
    server.unknown_chat(13)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(13, "hi")
    assert not server.errors  # simulated conditions are not the bot's fault


@pytest.mark.asyncio
async def test_commands_and_menu(bot: Bot, server: FakeTelegramServer) -> None:
    assert await bot.set_my_commands([BotCommand(command="start", description="Start")],
                                     language_code="zh")
    assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["start"]
    assert await bot.get_my_commands() == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])
    assert len(server.errors) == 1


# -- waiting helpers -----------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_wait_for_reads_calls_in_order(bot: Bot, server: FakeTelegramServer) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(1, "one")
        await bot.send_chat_action(1, "typing")
        await bot.send_message(1, "two")

    task = asyncio.create_task(later())
    first = await server.wait_for("sendMessage", timeout=2)
    second = await server.wait_for("sendmessage", timeout=2)
    assert (first.params["text"], second.params["text"]) == ("one", "two")
    assert (await server.wait_for("sendChatAction")).params["action"] == "typing"
    await task
    with pytest.raises(TimeoutError):
        await server.wait_for("sendMessage", timeout=0.1)
    server.reset_cursor()
    assert (await server.wait_for(predicate=lambda c: c.params.get("text") == "two")).ok
    await server.wait_idle(quiet=0.05, timeout=2)


@pytest.mark.asyncio
async def test_a_polling_dispatcher_talks_to_the_fake(server: FakeTelegramServer) -> None:
    from aiogram import Dispatcher, F
    from aiogram.filters import Command
    from aiogram.types import CallbackQuery, Message

    dp = Dispatcher()

    @dp.message(Command("start"))
    async def start(message: Message) -> None:
        await message.answer("欢迎", reply_markup=keyboard("join"))

    @dp.callback_query(F.data == "join")
    async def join(query: CallbackQuery) -> None:
        await query.answer("OK")
        await query.message.edit_text("Joined")

    user = server.user(21, "Qian")
    async with make_bot(server) as client:
        polling = asyncio.create_task(
            dp.start_polling(client, handle_signals=False, polling_timeout=1))
        server.send_text(user, "/start@zhongyi_test_bot")
        server.send_text(user, "/start@other_bot")  # addressed to another bot: ignored
        reply = await server.wait_for("sendMessage", timeout=5)
        assert reply.result["text"] == "欢迎"
        server.press(user, reply.result, "join")
        await server.wait_for("editMessageText", timeout=5)
        await server.wait_idle(quiet=0.2, timeout=5)
        await dp.stop_polling()
        await polling
    assert [m["text"] for m in server.sent(21)] == ["Joined"]
    assert len(server.calls_of("sendMessage")) == 1
    assert not server.errors
