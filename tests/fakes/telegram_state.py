"""The simulated Telegram world behind the fake Bot API server: users, chats, messages, files.

:class:`TelegramWorld` holds the state and the helpers that *tests* use to make things happen
on the user side (a user writes, presses a button, adds the bot to a group, blocks it...). Every
helper builds a real-shaped ``Update`` (checked against ``api.min.json`` types) and queues it for
``getUpdates``. The HTTP side lives in ``telegram_server.py`` and the Bot API methods in
``telegram_methods.py``.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.botapi_spec import BotApiSpec
from tests.fakes.telegram_entities import utf16_len
from tests.fakes.telegram_limits import Clock, Limits, RateLimiter

log = logging.getLogger(__name__)

__all__ = ["ApiError", "Call", "FakeChat", "FakeUser", "StoredFile", "TelegramWorld"]

JSON = dict[str, Any]
DEFAULT_UPDATES = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages", "inline_query",
    "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
    "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_join_request",
    "chat_boost", "removed_chat_boost", "guest_message", "managed_bot",
})  # fmt: skip   (Telegram's default: everything except chat_member and reactions)
_ADMIN_FALSE = frozenset({"can_be_edited", "is_anonymous", "can_promote_members"})


@dataclass
class FakeUser:
    """A Telegram user (or the bot itself)."""

    id: int
    first_name: str
    language_code: str | None = "en"
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False

    def to_dict(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data


@dataclass
class FakeChat:
    """A chat: ``private`` (id = user id), ``group`` or ``supergroup`` (id < 0)."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    is_forum: bool = False

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_dict(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class StoredFile:
    """A file known to the fake server (uploaded by the bot or sent by a simulated user)."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None
    size: int = 0

    def to_file(self) -> JSON:
        """The Bot API ``File`` object (what getFile returns)."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": self.size, "file_path": self.file_path}


@dataclass
class Call:
    """One request the bot made, with the decoded parameters and the answer it got."""

    method: str
    params: JSON
    at: float
    response: JSON = field(default_factory=dict)
    status: int = 200
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")


class ApiError(Exception):
    """An error answer. ``bot_error`` marks it as the bot's fault (recorded in server.errors)."""

    def __init__(
        self, status: int, description: str, parameters: JSON | None = None, *,
        bot_error: bool = True,
    ) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters
        self.bot_error = bot_error

    def to_response(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


ChatRef = FakeChat | int  # helpers accept a chat object or its id


class TelegramWorld:
    """State of the simulated Telegram plus the user-side helpers used by tests."""

    def __init__(
        self, token: str, *, bot_id: int | None, bot_username: str, limits: Limits,
        spec: BotApiSpec, clock: Clock, privacy_mode: bool = False,
    ) -> None:
        self.token = token
        head = token.split(":", 1)[0]
        self.bot = FakeUser(bot_id or (int(head) if head.isdigit() else 123456),
                            "Zhongyi Test Bot", None, bot_username, is_bot=True)
        self.spec, self.limits, self.clock = spec, limits, clock
        self.privacy_mode = privacy_mode  # True: in groups only commands/replies/mentions arrive
        self.rate_limiter = RateLimiter(limits, clock)
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.members: dict[int, dict[int, str]] = {}  # chat id -> user id -> status
        self.messages: dict[int, dict[int, JSON]] = {}  # chat id -> message id -> Message
        self.deleted: dict[tuple[int, int], JSON] = {}
        self.files: dict[str, StoredFile] = {}
        self.forbidden: set[int] = set()
        self.unknown: set[int | str] = set()
        self.migrated: dict[int, int] = {}
        self.updates: list[JSON] = []  # not yet confirmed by getUpdates(offset)
        self.withheld: list[JSON] = []  # group messages a privacy-mode bot would not see
        self.callback_queries: dict[str, JSON] = {}  # id -> {"at": ..., "answer": params|None}
        self._sent_order: list[tuple[int, int]] = []
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._delivered_upto = 0
        self._updates_event = asyncio.Event()

    # -- people and chats ------------------------------------------------------------------
    def user(
        self, id: int, first_name: str = "User", language_code: str | None = "zh-hans",
        username: str | None = None, *, last_name: str | None = None,
    ) -> FakeUser:
        """Create (or update) a simulated user."""
        user = FakeUser(id, first_name, language_code, username, last_name)
        self.users[id] = user
        return user

    def private_chat(self, user: FakeUser | int) -> FakeChat:
        user = self._as_user(user)
        chat = self.chats.get(user.id)
        if chat is None:
            chat = FakeChat(user.id, "private", username=user.username, first_name=user.first_name)
            self.chats[user.id] = chat
        return chat

    def group(
        self, chat_id: int, title: str = "Group", type: str = "supergroup", *,
        is_forum: bool = False, username: str | None = None,
    ) -> FakeChat:
        """Create a group; the bot counts as a member unless removed (see add_bot_to_group)."""
        if chat_id >= 0 or type not in ("group", "supergroup"):
            raise ValueError("groups have negative ids and type 'group' or 'supergroup'")
        chat = FakeChat(chat_id, type, title=title, username=username, is_forum=is_forum)
        self.chats[chat_id] = chat
        return chat

    def set_member(self, chat_id: int | FakeChat, user_id: int | FakeUser,
                   status: str = "member") -> None:
        """Status of a user in a chat: creator, administrator, member, restricted, left, kicked."""
        chat_key = chat_id.id if isinstance(chat_id, FakeChat) else chat_id
        user_key = user_id.id if isinstance(user_id, FakeUser) else user_id
        self.members.setdefault(chat_key, {})[user_key] = status

    def member_status(self, chat_id: int, user_id: int) -> str:
        status = self.members.get(chat_id, {}).get(user_id)
        if status is not None:
            return status
        chat = self.chats.get(chat_id)
        if user_id == self.bot.id or (chat and chat.type == "private" and chat.id == user_id):
            return "member"
        return "left"

    def chat_member(self, chat_id: int, user_id: int) -> JSON:
        """A ``ChatMember`` object with every field the spec requires for its status."""
        user = self.bot if user_id == self.bot.id else self._as_user(user_id)
        return self._member_object(user, self.member_status(chat_id, user_id))

    def _member_object(self, user: FakeUser, status: str) -> JSON:
        data: JSON = {"status": status, "user": user.to_dict()}
        kind = {"creator": "ChatMemberOwner", "administrator": "ChatMemberAdministrator",
                "restricted": "ChatMemberRestricted"}.get(status)
        if kind:
            for name, spec in self.spec.type_fields(kind).items():
                if spec.types == ("Boolean",) and (spec.required or status != "creator"):
                    data[name] = name not in _ADMIN_FALSE and status != "restricted"
            if status == "administrator":
                data["can_send_welcome_messages"] = True  # required by aiogram 3.31 (API 10.3)
            if status == "restricted":
                data.update(is_member=True, until_date=0)
        elif status == "kicked":
            data["until_date"] = 0
        return data

    def forbid(self, chat_id: int) -> None:
        """Sends to this chat answer 403 (bot blocked by the user / kicked from the group)."""
        self.forbidden.add(chat_id)

    def unknown_chat(self, chat_id: int | str) -> None:
        """Calls naming this chat answer 400 "Bad Request: chat not found"."""
        self.unknown.add(chat_id)

    def block_bot(self, user: FakeUser | int) -> JSON:
        """The user blocks the bot: a my_chat_member update, then sends answer 403."""
        user = self._as_user(user)
        self.forbid(user.id)
        return self._my_chat_member(self.private_chat(user), user, "member", "kicked")

    def unblock_bot(self, user: FakeUser | int) -> JSON:
        user = self._as_user(user)
        self.forbidden.discard(user.id)
        return self._my_chat_member(self.private_chat(user), user, "kicked", "member")

    def add_bot_to_group(self, group: ChatRef, by_user: FakeUser | int,
                         status: str = "member") -> JSON:
        """``by_user`` adds the bot (as member or administrator): a my_chat_member update."""
        group = self._as_chat(group)
        old = self.members.get(group.id, {}).get(self.bot.id, "left")
        self.forbidden.discard(group.id)
        return self._my_chat_member(group, self._as_user(by_user), old, status)

    def remove_bot_from_group(self, group: ChatRef, by_user: FakeUser | int, *,
                              kicked: bool = True) -> JSON:
        """The bot is removed: my_chat_member update; later sends answer 403."""
        group = self._as_chat(group)
        old = self.member_status(group.id, self.bot.id)
        return self._my_chat_member(group, self._as_user(by_user), old,
                                    "kicked" if kicked else "left")

    def migrate_group(self, old_chat_id: int, new_chat_id: int,
                      by_user: FakeUser | int | None = None) -> JSON:
        """A group becomes a supergroup. Returns the ``migrate_to_chat_id`` update (the
        ``migrate_from_chat_id`` service message in the new chat is queued too, like Telegram)."""
        old = self.chats.get(old_chat_id) or self.group(old_chat_id, type="group")
        new = self.group(new_chat_id, old.title or "Group", "supergroup")
        self.members[new.id] = dict(self.members.get(old.id, {}))
        sender = {"from": self._as_user(by_user).to_dict()} if by_user is not None else {}
        update = self.inject({"message": self._new_message(old, sender,
                                                           migrate_to_chat_id=new.id)})
        self.migrated[old.id] = new.id
        self.inject({"message": self._new_message(new, sender, migrate_from_chat_id=old.id)})
        return update

    # -- user actions ------------------------------------------------------------------------
    def send_text(self, user: FakeUser | int, text: str, chat: ChatRef | None = None, *,
                  reply_to: JSON | int | None = None,
                  entities: list[JSON] | None = None) -> JSON:
        """The user writes ``text``; a leading ``/command`` gets a bot_command entity."""
        if entities is None and text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0,
                         "length": utf16_len(text.split(maxsplit=1)[0])}]
        content: JSON = {"text": text, **({"entities": entities} if entities else {})}
        return self._user_says(user, chat, content, reply_to)

    def send_document(self, user: FakeUser | int, filename: str, content: bytes,
                      mime_type: str = "application/octet-stream", chat: ChatRef | None = None,
                      *, caption: str | None = None, size: int | None = None) -> JSON:
        """The user sends a file (``size`` fakes a bigger file_size, e.g. over getFile's 20 MB)."""
        stored = self.store_file(content, "documents", filename, mime_type, size)
        document = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                    "file_name": filename, "mime_type": mime_type, "file_size": stored.size}
        return self._user_says(user, chat, {"document": document, **_caption(caption)})

    def send_photo(self, user: FakeUser | int, chat: ChatRef | None = None, *,
                   content: bytes = b"\xff\xd8\xff\xe0fake-jpeg", caption: str | None = None,
                   ) -> JSON:
        sizes = [self._photo_size(content, w, h) for w, h in ((90, 67), (1280, 960))]
        return self._user_says(user, chat, {"photo": sizes, **_caption(caption)})

    def send_sticker(self, user: FakeUser | int, chat: ChatRef | None = None) -> JSON:
        stored = self.store_file(b"RIFFfake-webp", "stickers", None, "image/webp")
        sticker = {**self._file_ref(stored), "type": "regular", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False, "emoji": "\U0001f600"}
        return self._user_says(user, chat, {"sticker": sticker})

    def send_voice(self, user: FakeUser | int, chat: ChatRef | None = None, *,
                   duration: int = 3) -> JSON:
        stored = self.store_file(b"OggSfake-voice", "voice", None, "audio/ogg")
        voice = {**self._file_ref(stored), "duration": duration, "mime_type": "audio/ogg"}
        return self._user_says(user, chat, {"voice": voice})

    def send_video(self, user: FakeUser | int, chat: ChatRef | None = None, *,
                   duration: int = 5) -> JSON:
        stored = self.store_file(b"\x00\x00\x00\x18ftypmp42", "videos", "video.mp4", "video/mp4")
        video = {**self._file_ref(stored), "width": 640, "height": 360, "duration": duration,
                 "mime_type": "video/mp4"}
        return self._user_says(user, chat, {"video": video})

    def send_location(self, user: FakeUser | int, latitude: float = 39.9042,
                      longitude: float = 116.4074, chat: ChatRef | None = None) -> JSON:
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_says(user, chat, {"location": location})

    def press(self, user: FakeUser | int, message: JSON | int, callback_data: str,
              chat: ChatRef | None = None, *, strict: bool = True) -> JSON:
        """The user presses an inline button of a bot message (``strict``: it must exist)."""
        user = self._as_user(user)
        if isinstance(message, int):
            chat_id = self._as_chat(chat, user).id
            message = self.messages.get(chat_id, {}).get(message)
            if message is None:
                raise LookupError(f"no message in chat {chat_id} to press a button on")
        current = self.messages.get(message["chat"]["id"], {}).get(message["message_id"], message)
        if strict:
            buttons = [b.get("callback_data") for row in
                       current.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
            if callback_data not in buttons:
                raise LookupError(f"no button {callback_data!r} on the message; has {buttons}")
        query_id = str(4_000_000_000_000 + next(self._ids))
        self.callback_queries[query_id] = {"at": self.clock(), "answer": None}
        query = {"id": query_id, "from": user.to_dict(), "message": copy.deepcopy(current),
                 "chat_instance": str(abs(current["chat"]["id"]) * 31 + 7),
                 "data": callback_data}
        return self.inject({"callback_query": query})

    def inject(self, update: JSON) -> JSON:
        """Queue any update (an ``update_id`` is assigned); returns it."""
        update.setdefault("update_id", next(self._update_ids))
        self.updates.append(update)
        log.debug("queued update %s", update)
        self._wake_pollers()
        return update

    # -- bot messages ------------------------------------------------------------------------
    def sent(self, chat_id: int | None = None, *, include_deleted: bool = False) -> list[JSON]:
        """Messages the bot sent (current state after edits), in sending order."""
        result = []
        for chat, message_id in self._sent_order:
            if chat_id is not None and chat != chat_id:
                continue
            message = self.messages.get(chat, {}).get(message_id)
            if message is None and include_deleted:
                message = self.deleted.get((chat, message_id))
            if message is not None:
                result.append(message)
        return result

    def last_sent(self, chat_id: int | None = None) -> JSON | None:
        messages = self.sent(chat_id)
        return messages[-1] if messages else None

    def store_file(self, content: bytes, kind: str = "documents", file_name: str | None = None,
                   mime_type: str | None = None, size: int | None = None) -> StoredFile:
        n = next(self._ids)
        suffix = "." + file_name.rsplit(".", 1)[1] if file_name and "." in file_name else ""
        stored = StoredFile(f"{kind[:3].upper()}AgADfake{n:06d}", f"AQADu{n:06d}",
                            f"{kind}/file_{n}{suffix}", content, file_name, mime_type,
                            len(content) if size is None else size)
        self.files[stored.file_id] = stored
        return stored

    # -- internals ---------------------------------------------------------------------------
    def _as_user(self, user: FakeUser | int) -> FakeUser:
        if isinstance(user, FakeUser):
            self.users.setdefault(user.id, user)
            return user
        return self.users.get(user) or self.user(user, f"User {user}")

    def _as_chat(self, chat: ChatRef | None, user: FakeUser | None = None) -> FakeChat:
        """A chat given as FakeChat or id (None: the user's private chat)."""
        if chat is None:
            if user is None:
                raise ValueError("a chat is required")
            return self.private_chat(user)
        if isinstance(chat, FakeChat):
            return self.chats.setdefault(chat.id, chat)
        if chat in self.chats:
            return self.chats[chat]
        return self.private_chat(chat) if chat > 0 else self.group(chat)

    def _new_message(self, chat: FakeChat, sender: JSON, **content: Any) -> JSON:
        counter = self._message_ids.setdefault(chat.id, itertools.count(1))
        message = {"message_id": next(counter), **sender, "chat": chat.to_dict(),
                   "date": int(time.time()), **content}
        self.messages.setdefault(chat.id, {})[message["message_id"]] = message
        return message

    def _user_says(self, user: FakeUser | int, chat: ChatRef | None, content: JSON,
                   reply_to: JSON | int | None = None) -> JSON:
        user = self._as_user(user)
        chat = self._as_chat(chat, user)
        if chat.is_group:
            self.members.setdefault(chat.id, {}).setdefault(user.id, "member")
        if reply_to is not None:
            reply_id = reply_to if isinstance(reply_to, int) else reply_to["message_id"]
            original = self.messages.get(chat.id, {}).get(reply_id)
            if original is None:
                raise LookupError(f"no message {reply_id} in chat {chat.id} to reply to")
            content["reply_to_message"] = {k: v for k, v in original.items()
                                           if k != "reply_to_message"}
        message = self._new_message(chat, {"from": user.to_dict()}, **content)
        update = {"message": message}
        if chat.is_group and self.privacy_mode and not self._visible_in_privacy_mode(message):
            self.withheld.append(update)
            return update
        return self.inject(update)

    def _visible_in_privacy_mode(self, message: JSON) -> bool:
        text = message.get("text", "")
        replied = message.get("reply_to_message", {}).get("from", {}).get("id")
        return (text.startswith("/") or replied == self.bot.id
                or f"@{self.bot.username}".lower() in text.lower())

    def _my_chat_member(self, chat: FakeChat, by: FakeUser, old: str, new: str) -> JSON:
        self.set_member(chat.id, self.bot.id, new)
        update = {"chat": chat.to_dict(), "from": by.to_dict(), "date": int(time.time()),
                  "old_chat_member": self._member_object(self.bot, old),
                  "new_chat_member": self._member_object(self.bot, new)}
        return self.inject({"my_chat_member": update})

    def _photo_size(self, content: bytes, width: int, height: int) -> JSON:
        stored = self.store_file(content, "photos", "photo.jpg", "image/jpeg")
        return {**self._file_ref(stored), "width": width, "height": height}

    @staticmethod
    def _file_ref(stored: StoredFile) -> JSON:
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": stored.size}

    def _wake_pollers(self) -> None:
        self._updates_event.set()
        self._updates_event = asyncio.Event()


def _caption(caption: str | None) -> JSON:
    return {"caption": caption} if caption else {}
