"""The bot joining or leaving a group, and a group becoming a supergroup."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated, Message
from aiogram.utils.i18n import I18n

from bot.services import UnitOfWork
from bot.services.groups import bot_joined_group, bot_left_group, group_migrated
from handlers.basic import group_intro

log = logging.getLogger(__name__)


async def on_bot_added(event: ChatMemberUpdated, uow: UnitOfWork, i18n: I18n,
                       user_locale: str) -> None:
    """Remembers the group and introduces the bot there: in the group's language if it has
    one, else in the language of whoever added the bot (a new group is bound later)."""
    known = await bot_joined_group(uow, event.chat.id, event.chat.title)
    with i18n.use_locale(known or user_locale):
        await event.answer(group_intro())


async def on_bot_removed(event: ChatMemberUpdated, uow: UnitOfWork) -> None:
    """Marks the group inactive; nothing more is sent there."""
    await bot_left_group(uow, event.chat.id, "bot removed from the group")


async def on_migrated(message: Message, uow: UnitOfWork) -> None:
    """Moves the group's bindings and queued messages to its new supergroup id."""
    log.info("group %s became supergroup %s", message.chat.id, message.migrate_to_chat_id)
    await group_migrated(uow, message.chat.id, message.migrate_to_chat_id)


def make_router() -> Router:
    router = Router(name="groups")
    router.my_chat_member.filter(F.chat.type.in_({"group", "supergroup"}))
    router.my_chat_member.register(
        on_bot_added, ChatMemberUpdatedFilter(member_status_changed=JOIN_TRANSITION))
    router.my_chat_member.register(
        on_bot_removed, ChatMemberUpdatedFilter(member_status_changed=LEAVE_TRANSITION))
    router.message.register(on_migrated, F.migrate_to_chat_id)
    return router
