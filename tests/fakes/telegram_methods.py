"""Bot API method implementations of the fake Telegram server.

Each handler receives the decoded, already spec-validated parameters (see ``botapi_spec.py``)
and returns the ``result`` Telegram would return, or raises :class:`ApiError` with Telegram's
error text. The chat checks (unknown, migrated, blocked/kicked) and flood limits run before the
handler, in ``telegram_server.py``. Methods without a handler that return only ``Boolean`` in
the spec answer ``True``; others are reported as unsupported.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import mimetypes
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.telegram_entities import parse_text
from tests.fakes.telegram_state import (
    DEFAULT_UPDATES,
    JSON,
    ApiError,
    FakeChat,
    StoredFile,
    TelegramWorld,
)

__all__ = ["HANDLERS", "SEND_METHODS", "BotApiMethods"]

Files = dict[str, tuple[str, bytes]]
Handler = Callable[..., Any]
HANDLERS: dict[str, Handler] = {}

SEND_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendLocation", "copyMessage",
    "forwardMessage", "sendVideo", "sendAudio", "sendVoice", "sendAnimation", "sendSticker",
    "sendVenue", "sendContact", "sendPoll", "sendDice", "sendVideoNote", "copyMessages",
    "forwardMessages",
})  # fmt: skip
_MEDIA = {  # method -> (parameter, folder)
    "sendPhoto": ("photo", "photos"), "sendDocument": ("document", "documents"),
    "sendVideo": ("video", "videos"), "sendAudio": ("audio", "music"),
    "sendVoice": ("voice", "voice"), "sendAnimation": ("animation", "animations"),
    "sendSticker": ("sticker", "stickers"),
}  # fmt: skip
_MEDIA_KEYS = ("photo", "document", "video", "audio", "voice", "animation", "sticker")
_NOT_COPIED = frozenset({"message_id", "from", "chat", "date", "edit_date", "reply_markup",
                         "reply_to_message", "forward_origin", "media_group_id"})
_MAX_DOWNLOAD = 20 * 1024 * 1024
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


def handles(*names: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = func
        return func

    return register


class BotApiMethods(TelegramWorld):
    """The Bot API as seen by the bot: every handler is ``(self, params, files) -> result``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands: dict[tuple[str, str], list[JSON]] = {}  # (scope json, language) -> list
        self.menu_buttons: dict[int | str | None, JSON] = {}
        self.pinned: dict[int, list[int]] = {}
        self.webhook_url = ""
        self.allowed_updates: frozenset[str] | None = None  # None: Telegram's default set
        self.dropped_updates: list[JSON] = []  # filtered out by allowed_updates
        self.closing = False
        self.polls_started = 0  # getUpdates requests started (a call is recorded when it ends)

    # -- chats ---------------------------------------------------------------------------------
    def resolve_chat(self, chat_id: int | str) -> FakeChat:
        """The chat a ``chat_id`` parameter names (unseen ids are created on the fly)."""
        if chat_id in self.unknown:
            raise ApiError(400, "Bad Request: chat not found", bot_error=False)
        if isinstance(chat_id, str):
            for chat in self.chats.values():
                if chat.username and f"@{chat.username}".lower() == chat_id.lower():
                    return chat
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.migrated:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": self.migrated[chat_id]}, bot_error=False)
        chat = self.chats.get(chat_id)
        if chat is None and chat_id > 0:
            chat = self.private_chat(self._as_user(chat_id))
        elif chat is None:
            kind = "supergroup" if chat_id < -1_000_000_000_000 else "group"
            chat = self.group(chat_id, f"Group {chat_id}", kind)
        return chat

    def check_access(self, chat: FakeChat) -> None:
        """403 like Telegram when the user blocked the bot or the bot is not in the group."""
        if chat.type == "private":
            if chat.id in self.forbidden:
                raise ApiError(403, "Forbidden: bot was blocked by the user", bot_error=False)
            return
        kind = f"{chat.type} chat"
        status = self.member_status(chat.id, self.bot.id)
        if chat.id in self.forbidden or status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind}", bot_error=False)
        if status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind}", bot_error=False)

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        return self.messages.get(chat_id, {}).get(message_id)

    def _find(self, chat_id: int | str, message_id: int, error: str) -> tuple[FakeChat, JSON]:
        chat = self.resolve_chat(chat_id)
        message = self.message(chat.id, message_id)
        if message is None:
            raise ApiError(400, f"Bad Request: {error}")
        return chat, message

    def _bot_is_admin(self, chat: FakeChat) -> bool:
        return chat.type == "private" or self.member_status(chat.id, self.bot.id) in (
            "administrator", "creator")

    # -- building bot messages -------------------------------------------------------------
    def _bot_message(self, chat: FakeChat, p: JSON, content: JSON) -> JSON:
        extra: JSON = {}
        reply = p.get("reply_parameters") or (
            {"message_id": p["reply_to_message_id"]} if p.get("reply_to_message_id") else None)
        if reply:
            original = self.message(chat.id, reply["message_id"])
            if original is not None:
                extra["reply_to_message"] = {k: v for k, v in original.items()
                                             if k != "reply_to_message"}
            elif not (reply.get("allow_sending_without_reply")
                      or p.get("allow_sending_without_reply")):
                raise ApiError(400, "Bad Request: message to be replied not found")
        if p.get("message_thread_id"):
            extra.update(message_thread_id=p["message_thread_id"], is_topic_message=True)
        markup = p.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            extra["reply_markup"] = markup
        message = self._new_message(chat, {"from": self.bot.to_dict()}, **content, **extra)
        self._sent_order.append((chat.id, message["message_id"]))
        return copy.deepcopy(message)

    def _input_file(self, value: str, files: Files, param: str, folder: str) -> StoredFile:
        """Resolve an InputFile/String parameter: an upload, a known file_id or an URL.

        ``files`` holds the uploads keyed by parameter (``document``, ``media[0]``...)."""
        if value.startswith("attach://"):
            upload = files.get(param) or files.get(value.removeprefix("attach://"))
            if upload is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            name, content = upload
            return self.store_file(content, folder, name, mimetypes.guess_type(name)[0])
        if value in self.files:
            return self.files[value]
        if value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            return self.store_file(b"", folder, name, mimetypes.guess_type(name)[0])
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _media_object(self, kind: str, stored: StoredFile) -> Any:
        ref = self._file_ref(stored)
        if kind == "photo":
            return [{**self._file_ref(self.store_file(stored.content, "photos", "thumb.jpg")),
                     "width": 90, "height": 90}, {**ref, "width": 1280, "height": 960}]
        if kind == "sticker":
            return {**ref, "type": "regular", "width": 512, "height": 512, "is_animated": False,
                    "is_video": False}
        if stored.file_name:
            ref["file_name"] = stored.file_name
        if stored.mime_type:
            ref["mime_type"] = stored.mime_type
        if kind in ("video", "animation"):
            ref.update(width=640, height=360)
        if kind in ("video", "animation", "audio", "voice"):
            ref["duration"] = 1
        return ref

    @staticmethod
    def _caption(p: JSON) -> JSON:
        if not p.get("caption"):
            return {}
        caption, entities = parse_text(p["caption"], p.get("parse_mode"),
                                       p.get("caption_entities"))
        return {"caption": caption, **({"caption_entities": entities} if entities else {})}

    def _apply_edit(self, message: JSON, changes: JSON) -> JSON:
        if message.get("from", {}).get("id") != self.bot.id:
            raise ApiError(400, "Bad Request: message can't be edited")
        if all(message.get(key) == value for key, value in changes.items()):
            raise ApiError(400, _NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = max(message["date"], int(time.time()))
        return copy.deepcopy(message)

    # -- updates -------------------------------------------------------------------------------
    @handles("getUpdates")
    async def _get_updates(self, p: JSON, files: Files) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        if p.get("allowed_updates") is not None:
            self.allowed_updates = frozenset(p["allowed_updates"]) or None
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(float(p.get("timeout") or 0), 0.0)
        self.polls_started += 1
        generation = self.polls_started
        self._wake_pollers()  # an older getUpdates still waiting is terminated with 409
        first = True
        while True:
            if not first and generation != self.polls_started:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                                    "that only one bot instance is running", bot_error=False)
            first = False
            self._confirm(p.get("offset"))
            batch = self._deliverable()[:limit]
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self.closing:
                break
            event = self._updates_event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        if batch:
            self._delivered_upto = max(self._delivered_upto, batch[-1]["update_id"])
        return copy.deepcopy(batch)

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def _deliverable(self) -> list[JSON]:
        allowed = self.allowed_updates or DEFAULT_UPDATES
        kept = []
        for update in self.updates:
            if any(key in allowed for key in update if key != "update_id"):
                kept.append(update)
            else:
                self.dropped_updates.append(update)
        self.updates = kept
        return kept

    def pending_undelivered(self) -> int:
        return sum(1 for u in self.updates if u["update_id"] > self._delivered_upto)

    @handles("setWebhook")
    def _set_webhook(self, p: JSON, files: Files) -> bool:
        self.webhook_url = p["url"]
        return True

    @handles("deleteWebhook")
    def _delete_webhook(self, p: JSON, files: Files) -> bool:
        self.webhook_url = ""
        if p.get("drop_pending_updates"):
            self.updates.clear()
        return True

    @handles("getWebhookInfo")
    def _get_webhook_info(self, p: JSON, files: Files) -> JSON:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self.updates)}

    @handles("getMe")
    def _get_me(self, p: JSON, files: Files) -> JSON:
        flags = {name: False for name, spec in self.spec.type_fields("User").items()
                 if spec.types == ("Boolean",) and not spec.required}
        flags.pop("is_premium", None)
        flags.pop("added_to_attachment_menu", None)
        flags.update(can_join_groups=True, can_read_all_group_messages=not self.privacy_mode)
        return {**self.bot.to_dict(), **flags}

    # -- sending -------------------------------------------------------------------------------
    @handles("sendMessage")
    def _send_message(self, p: JSON, files: Files) -> JSON:
        text, entities = parse_text(p["text"], p.get("parse_mode"), p.get("entities"))
        content: JSON = {"text": text, **({"entities": entities} if entities else {})}
        if p.get("link_preview_options"):
            content["link_preview_options"] = p["link_preview_options"]
        return self._bot_message(self.resolve_chat(p["chat_id"]), p, content)

    @handles(*_MEDIA)
    def _send_media(self, p: JSON, files: Files, *, method: str) -> JSON:
        param, folder = _MEDIA[method]
        stored = self._input_file(p[param], files, param, folder)
        content = {param: self._media_object(param, stored), **self._caption(p)}
        return self._bot_message(self.resolve_chat(p["chat_id"]), p, content)

    @handles("sendMediaGroup")
    def _send_media_group(self, p: JSON, files: Files) -> list[JSON]:
        chat = self.resolve_chat(p["chat_id"])
        group_id = str(10_000_000_000 + next(self._ids))
        sent = []
        for index, item in enumerate(p["media"]):
            kind = item["type"]
            stored = self._input_file(item["media"], files, f"media[{index}]", f"{kind}s")
            content = {kind: self._media_object(kind, stored), **self._caption(item),
                       "media_group_id": group_id}
            sent.append(self._bot_message(chat, {**p, "reply_markup": None}, content))
        return sent

    @handles("sendLocation")
    def _send_location(self, p: JSON, files: Files) -> JSON:
        location = {"latitude": p["latitude"], "longitude": p["longitude"]}
        return self._bot_message(self.resolve_chat(p["chat_id"]), p, {"location": location})

    @handles("copyMessage", "forwardMessage")
    def _copy_message(self, p: JSON, files: Files, *, method: str) -> JSON:
        verb = "copy" if method == "copyMessage" else "forward"
        _, source = self._find(p["from_chat_id"], p["message_id"], f"message to {verb} not found")
        content = {k: copy.deepcopy(v) for k, v in source.items() if k not in _NOT_COPIED}
        if method == "forwardMessage":
            sender = source.get("from")
            content["forward_origin"] = (
                {"type": "user", "date": source["date"], "sender_user": sender} if sender
                else {"type": "hidden_user", "date": source["date"], "sender_user_name": "?"})
            return self._bot_message(self.resolve_chat(p["chat_id"]), p, content)
        if "caption" in p:
            content.pop("caption_entities", None)
            content.update(self._caption(p))
        message = self._bot_message(self.resolve_chat(p["chat_id"]), p, content)
        return {"message_id": message["message_id"]}

    # -- editing -------------------------------------------------------------------------------
    @handles("editMessageText")
    def _edit_text(self, p: JSON, files: Files) -> JSON | bool:
        if p.get("inline_message_id"):
            return True
        _, message = self._find(p["chat_id"], p["message_id"], "message to edit not found")
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = parse_text(p["text"], p.get("parse_mode"), p.get("entities"))
        return self._apply_edit(message, {"text": text, "entities": entities or None,
                                          "reply_markup": _inline(p)})

    @handles("editMessageCaption")
    def _edit_caption(self, p: JSON, files: Files) -> JSON | bool:
        if p.get("inline_message_id"):
            return True
        _, message = self._find(p["chat_id"], p["message_id"], "message to edit not found")
        if not any(key in message for key in _MEDIA_KEYS):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = self._caption(p)
        return self._apply_edit(message, {"caption": caption.get("caption"),
                                          "caption_entities": caption.get("caption_entities"),
                                          "reply_markup": _inline(p)})

    @handles("editMessageReplyMarkup")
    def _edit_markup(self, p: JSON, files: Files) -> JSON | bool:
        if p.get("inline_message_id"):
            return True
        _, message = self._find(p["chat_id"], p["message_id"], "message to edit not found")
        return self._apply_edit(message, {"reply_markup": _inline(p)})

    @handles("deleteMessage", "deleteMessages")
    def _delete(self, p: JSON, files: Files, *, method: str) -> bool:
        chat = self.resolve_chat(p["chat_id"])
        ids = p["message_ids"] if method == "deleteMessages" else [p["message_id"]]
        for message_id in ids:
            message = self.message(chat.id, message_id)
            if message is None:
                if method == "deleteMessages":
                    continue
                raise ApiError(400, "Bad Request: message to delete not found")
            own = message.get("from", {}).get("id") == self.bot.id
            if chat.is_group and not own and not self._bot_is_admin(chat):
                raise ApiError(400, "Bad Request: message can't be deleted")
            self.deleted[(chat.id, message_id)] = self.messages[chat.id].pop(message_id)
        return True

    @handles("pinChatMessage")
    def _pin(self, p: JSON, files: Files) -> bool:
        chat, _ = self._find(p["chat_id"], p["message_id"], "message to pin not found")
        if not self._bot_is_admin(chat):
            raise ApiError(400, "Bad Request: not enough rights to manage pinned messages in "
                                "the chat")
        self.pinned.setdefault(chat.id, []).append(p["message_id"])
        return True

    @handles("unpinChatMessage", "unpinAllChatMessages")
    def _unpin(self, p: JSON, files: Files, *, method: str) -> bool:
        chat = self.resolve_chat(p["chat_id"])
        if not self._bot_is_admin(chat):
            raise ApiError(400, "Bad Request: not enough rights to manage pinned messages in "
                                "the chat")
        pinned = self.pinned.setdefault(chat.id, [])
        if method == "unpinAllChatMessages":
            pinned.clear()
        elif p.get("message_id") in pinned:
            pinned.remove(p["message_id"])
        elif pinned and p.get("message_id") is None:
            pinned.pop()  # the most recent pinned message
        return True

    # -- callbacks, commands, chat info ----------------------------------------------------------
    @handles("answerCallbackQuery")
    def _answer_callback(self, p: JSON, files: Files) -> bool:
        query = self.callback_queries.get(p["callback_query_id"])
        timeout = self.limits.callback_answer_timeout
        if query is None or query["answer"] is not None or (
                timeout is not None and self.clock() - query["at"] > timeout):
            raise ApiError(400, _QUERY_TOO_OLD)
        query["answer"] = p
        return True

    @handles("setMyCommands", "getMyCommands", "deleteMyCommands")
    def _commands(self, p: JSON, files: Files, *, method: str) -> Any:
        scope = json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)
        key = (scope, p.get("language_code") or "")
        if method == "setMyCommands":
            self.commands[key] = list(p["commands"])
        elif method == "deleteMyCommands":
            self.commands.pop(key, None)
        else:
            return copy.deepcopy(self.commands.get(key, []))
        return True

    @handles("setChatMenuButton", "getChatMenuButton")
    def _menu_button(self, p: JSON, files: Files, *, method: str) -> Any:
        if method == "getChatMenuButton":
            return self.menu_buttons.get(p.get("chat_id"), {"type": "default"})
        self.menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
        return True

    @handles("sendChatAction", "close", "logOut")
    def _ok(self, p: JSON, files: Files) -> bool:
        return True

    @handles("leaveChat")
    def _leave(self, p: JSON, files: Files) -> bool:
        self.set_member(self.resolve_chat(p["chat_id"]).id, self.bot.id, "left")
        return True

    @handles("getChatMember")
    def _get_member(self, p: JSON, files: Files) -> JSON:
        return self.chat_member(self.resolve_chat(p["chat_id"]).id, p["user_id"])

    @handles("getChatAdministrators")
    def _get_admins(self, p: JSON, files: Files) -> list[JSON]:
        chat = self.resolve_chat(p["chat_id"])
        return [self.chat_member(chat.id, user_id)
                for user_id, status in self.members.get(chat.id, {}).items()
                if status in ("creator", "administrator")]

    @handles("getChatMemberCount")
    def _member_count(self, p: JSON, files: Files) -> int:
        chat = self.resolve_chat(p["chat_id"])
        statuses = self.members.get(chat.id, {}).values()
        return max(sum(status not in ("left", "kicked") for status in statuses), 1)

    @handles("getChat")
    def _get_chat(self, p: JSON, files: Files) -> JSON:
        chat = self.resolve_chat(p["chat_id"])
        gifts = {name: False for name in self.spec.type_fields("AcceptedGiftTypes")}
        return {**chat.to_dict(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    @handles("getFile")
    def _get_file(self, p: JSON, files: Files) -> JSON:
        stored = self.files.get(p["file_id"])
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.size > _MAX_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big", bot_error=False)
        return stored.to_file()


def _inline(p: JSON) -> JSON | None:
    markup = p.get("reply_markup")
    return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None

