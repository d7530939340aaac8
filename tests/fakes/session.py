"""A fake Bot API session for handler tests: the real aiogram Bot and Dispatcher run, and
every call they make is validated against the Bot API schema (`api.min.json`), recorded,
and answered like Telegram would. A method with no answer configured is an unexpected call:
it is recorded in `unexpected` and fails the test at teardown."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import (
    Chat,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    File,
    InlineKeyboardMarkup,
    Message,
    User,
)

from tests.fakes.botapi_spec import BotApiSpec

BOT_USER = User(id=42, is_bot=True, first_name="Zhongyi", username="zhongyi_test_bot")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    raw: TelegramMethod[Any]
    result: Any = None  # what the fake answered (a sent Message carries its message_id)


@dataclass
class FakeSession(BaseSession):
    """Records calls in order; `take()` reads them like a transcript."""

    calls: list[Call] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    members: dict[tuple[int, int], str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> content to download
    cursor: int = 0

    def __post_init__(self) -> None:
        BaseSession.__init__(self)
        self.spec = BotApiSpec.load()
        self._ids = itertools.count(1000)
        self.answers: dict[str, Callable[[TelegramMethod[Any]], Any]] = {
            "getMe": lambda m: BOT_USER,
            "sendMessage": self._message,
            "sendPhoto": self._message,
            "sendDocument": self._message,
            "editMessageText": self._edited,
            "editMessageReplyMarkup": self._edited,
            "answerCallbackQuery": lambda m: True,
            "deleteMessage": lambda m: True,
            "pinChatMessage": lambda m: True,
            "setMyCommands": lambda m: True,
            "deleteMyCommands": lambda m: True,
            "getChatMember": self._member,
            "getFile": self._file,
        }

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        name = method.__api_method__
        params = {
            key: self.prepare_value(value, bot=bot, files={})
            for key, value in method.model_dump(warnings=False).items()
            if value is not None
        }
        params = {k: v for k, v in params.items() if v is not None}
        call = Call(name, params, method)
        self.calls.append(call)
        problem = self.spec.validate(name, params)
        if problem is not None:
            self.errors.append(f"{name}: {problem}")
            raise TelegramBadRequest(method=method, message=problem)
        answer = self.answers.get(name)
        if answer is None:
            self.unexpected.append(name)
            raise AssertionError(f"unexpected Bot API call {name}")
        call.result = answer(method)
        return call.result

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None,
                             timeout: int = 30,  # noqa: ASYNC109 - aiogram's signature
                             chunk_size: int = 65536,
                             raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        file_id = url.rsplit("/", 1)[-1]
        if file_id not in self.files:
            raise AssertionError("unexpected download")
        yield self.files[file_id]

    async def close(self) -> None:
        return None

    def _chat(self, chat_id: int) -> Chat:
        return Chat(id=chat_id, type="private" if chat_id > 0 else "supergroup")

    def _message(self, method: Any) -> Message:
        return Message(message_id=next(self._ids), date=datetime.now(UTC),
                       chat=self._chat(method.chat_id), from_user=BOT_USER,
                       text=getattr(method, "text", None),
                       caption=getattr(method, "caption", None),
                       reply_markup=_inline(method))

    def _edited(self, method: Any) -> Message:
        return Message(message_id=method.message_id, date=datetime.now(UTC),
                       chat=self._chat(method.chat_id), from_user=BOT_USER,
                       text=getattr(method, "text", None),
                       reply_markup=_inline(method))

    def _file(self, method: Any) -> File:
        if method.file_id not in self.files:
            raise TelegramBadRequest(method=method, message="Bad Request: invalid file_id")
        return File(file_id=method.file_id, file_unique_id=method.file_id,
                    file_size=len(self.files[method.file_id]),
                    file_path=f"documents/{method.file_id}")

    def _member(self, method: Any) -> Any:
        status = self.members.get((method.chat_id, method.user_id), "member")
        user = User(id=method.user_id, is_bot=False, first_name="U")
        if status == "creator":
            return ChatMemberOwner(user=user, is_anonymous=False)
        if status == "administrator":
            return ChatMemberAdministrator(
                user=user, can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                can_delete_messages=True, can_manage_video_chats=True,
                can_restrict_members=True, can_promote_members=False, can_change_info=True,
                can_invite_users=True, can_post_stories=False, can_edit_stories=False,
                can_delete_stories=False, can_send_welcome_messages=False)
        return ChatMemberMember(user=user)

    # -- reading the transcript -------------------------------------------------------------
    def take(self, *methods: str) -> list[Call]:
        """Returns the calls since the last take (only of `methods`, if given)."""
        new, self.cursor = self.calls[self.cursor:], len(self.calls)
        return [c for c in new if not methods or c.method in methods]

    def texts(self) -> list[str]:
        """The texts the bot sent, edited or answered since the last take, in order (a
        silent callback answer has no text and is left out)."""
        calls = self.take("sendMessage", "editMessageText", "answerCallbackQuery", "sendPhoto",
                          "sendDocument")
        texts = [c.params.get("text") or c.params.get("caption") or "" for c in calls]
        return [t for t in texts if t]


def _inline(method: Any) -> InlineKeyboardMarkup | None:
    """The buttons Telegram returns with a sent message: inline ones only (a keyboard at the
    bottom of the screen is the chat's, not the message's)."""
    markup = getattr(method, "reply_markup", None)
    return markup if isinstance(markup, InlineKeyboardMarkup) else None
