"""Update middlewares: the inbox (each update once) and the reader's locale."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.domain.clock import Clock
from bot.services.users import resolve_group_locale, resolve_user_locale
from storage import Database, DuplicateUpdate, UnitOfWork
from storage.uow import record_update, update_seen

log = logging.getLogger(__name__)


class InboxMiddleware(BaseMiddleware):
    """Skips an update already handled; gives the handlers a unit of work carrying the
    update id, whose first commit records the update with its effects."""

    def __init__(self, db: Database, clock: Clock, on_done: Callable[[], None]) -> None:
        self.db = db
        self.clock = clock
        self.on_done = on_done

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        if await update_seen(self.db, event.update_id):
            log.info("update %s was handled already; skipped", event.update_id)
            return None
        uow = UnitOfWork(self.db, self.clock, update_id=event.update_id)
        data["uow"] = uow
        try:
            result = await handler(event, data)
        except DuplicateUpdate:
            log.info("update %s was handled concurrently; skipped", event.update_id)
            return None
        finally:
            self.on_done()
        if not uow.inbox_recorded:
            await record_update(self.db, event.update_id, self.clock.now())
        return result


class LocaleMiddleware(I18nMiddleware):
    """Private chats: the user's choice, Telegram's language, the community default.
    Groups: the group's own setting, then its community's default."""

    def __init__(self, i18n: I18n, db: Database, clock: Clock, default_locale: str) -> None:
        super().__init__(i18n)
        self.db = db
        self.clock = clock
        self.default_locale = default_locale

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        chat = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        uow = UnitOfWork(self.db, self.clock)
        if chat is not None and chat.type in ("group", "supergroup"):
            locale = await resolve_group_locale(uow, chat.id, self.default_locale)
        elif user is not None:
            locale = await resolve_user_locale(uow, user.id, user.language_code,
                                               self.default_locale)
        else:
            locale = self.default_locale
        data["locale"] = locale
        return locale
