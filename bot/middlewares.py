"""Update middlewares: the inbox (each update once, in the order the chat's lock gives) and
the reader's locale."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18nMiddleware

from bot.domain.clock import Clock
from bot.fsm import DatabaseStorage
from bot.services.context import update_context
from storage import Database, DuplicateUpdate, UnitOfWork
from storage.uow import record_update

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class InboxMiddleware(BaseMiddleware):
    """Skips an update already handled; gives the handlers a unit of work carrying the
    update id, whose first commit records the update with its effects. The same read tells
    the reader's language (see LocaleMiddleware) and, with the database FSM storage, where
    their conversation stands.

    It also does the work of aiogram's FSM middleware (the Dispatcher is built with
    `disable_fsm=True`): the (chat, user) lock is taken first, so that read happens inside
    it, then `state` and `raw_state` are set as aiogram would.
    """

    def __init__(self, db: Database, clock: Clock, default_locale: str,
                 fsm: FSMContextMiddleware, on_done: Callable[[], None]) -> None:
        self.db = db
        self.clock = clock
        self.default_locale = default_locale
        self.fsm = fsm
        storage = fsm.storage
        self.flows = storage if isinstance(storage, DatabaseStorage) else None
        self.on_done = on_done

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        bot: Bot = data["bot"]
        data["fsm_storage"] = self.fsm.storage
        state = self.fsm.resolve_event_context(bot, data)
        if state is None:
            return await self._handle(handler, event, data, None)
        async with self.fsm.events_isolation.lock(key=state.key):
            return await self._handle(handler, event, data, state)

    async def _handle(self, handler: Handler, event: Update, data: dict[str, Any],
                      state: FSMContext | None) -> Any:
        chat = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        in_group = chat is not None and chat.type in ("group", "supergroup")
        flow_key = (self.flows.uncached_key(state.key)
                    if self.flows is not None and state is not None else None)
        context = await update_context(
            self.db, update_id=event.update_id,
            user_id=user.id if user else None,
            language_code=user.language_code if user else None,
            group_chat_id=chat.id if in_group else None, fallback=self.default_locale,
            flow_key=flow_key)
        if context.seen:
            log.info("update %s was handled already; skipped", event.update_id)
            return None
        if flow_key is not None and context.flow is not None:
            self.flows.prime(flow_key, context.flow)  # type: ignore[union-attr]
        if state is not None:
            data["state"] = state
            data["raw_state"] = await state.get_state()
        uow = UnitOfWork(self.db, self.clock, update_id=event.update_id)
        data["uow"] = uow
        data["locale"] = context.locale
        data["user_locale"] = context.sender_locale
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
    """Sets the locale the inbox middleware resolved: private chats the user's choice,
    Telegram's language, the community default; groups their own setting, then their
    community's default. What only the sender sees in a group (a button's alert) is said
    in `data["user_locale"]`, resolved like a private chat's."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        return data.get("locale") or self.i18n.default_locale
