"""Builders of incoming updates for handler tests (`make_*`), shaped like Telegram's."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram.types import Update

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    language_code: str = "zh-hans"

    def as_user(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name,
                "language_code": self.language_code}


def chat(chat_id: int, title: str | None = None) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "P"}
    return {"id": chat_id, "type": "supergroup", "title": title or f"Group {chat_id}"}


def make_message(person: Person, text: str, chat_id: int | None = None,
                 update_id: int | None = None, **extra: Any) -> Update:
    message: dict[str, Any] = {
        "message_id": next(_message_ids), "date": int(datetime.now(UTC).timestamp()),
        "chat": chat(chat_id or person.id), "from": person.as_user(), **extra,
    }
    if text:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
    return Update.model_validate({"update_id": update_id or next(_update_ids),
                                  "message": message})


def make_callback(person: Person, data: str, chat_id: int | None = None,
                  message_id: int = 1, update_id: int | None = None) -> Update:
    message = {"message_id": message_id, "date": int(datetime.now(UTC).timestamp()),
               "chat": chat(chat_id or person.id),
               "from": {"id": 42, "is_bot": True, "first_name": "Zhongyi"}, "text": "…"}
    return Update.model_validate({
        "update_id": update_id or next(_update_ids),
        "callback_query": {"id": str(next(_update_ids)), "from": person.as_user(),
                           "chat_instance": "ci", "data": data, "message": message},
    })


def make_my_chat_member(person: Person, chat_id: int, old: str, new: str,
                        update_id: int | None = None) -> Update:
    bot = {"id": 42, "is_bot": True, "first_name": "Zhongyi"}
    return Update.model_validate({
        "update_id": update_id or next(_update_ids),
        "my_chat_member": {
            "chat": chat(chat_id), "from": person.as_user(),
            "date": int(datetime.now(UTC).timestamp()),
            "old_chat_member": {"status": old, "user": bot},
            "new_chat_member": {"status": new, "user": bot},
        },
    })


def next_update_id() -> int:
    return next(_update_ids)
