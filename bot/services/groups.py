"""Group chats: the bot joining and leaving, supergroup upgrades, a group's language."""

from __future__ import annotations

from bot.domain.locales import SUPPORTED
from bot.services.errors import InvalidInput
from storage import UnitOfWork, groups_repo, outbox_repo, users_repo


async def bot_joined_group(uow: UnitOfWork, chat_id: int, title: str | None) -> str | None:
    """Remembers the group; returns its language if it has one already (its own setting,
    else its community's), None for a group the bot does not know yet."""
    async with uow:
        await groups_repo.seen_group(uow.session, chat_id, title, uow.now(), active=True)
        own, community = (await users_repo.group_locale_inputs(uow.session, [chat_id])).get(
            chat_id, (None, None))
        await uow.commit()
    return own or community


async def bot_left_group(uow: UnitOfWork, chat_id: int, reason: str) -> None:
    """Marks the group inactive and drops what was waiting to be sent there."""
    async with uow:
        await groups_repo.set_active(uow.session, chat_id, False, uow.now())
        await outbox_repo.fail_pending_for_chat(uow.session, chat_id, reason)
        await uow.commit()


async def group_migrated(uow: UnitOfWork, old_chat_id: int, new_chat_id: int) -> None:
    """Re-targets bindings and queued messages when a group becomes a supergroup."""
    async with uow:
        await groups_repo.retarget(uow.session, old_chat_id, new_chat_id, uow.now())
        await outbox_repo.retarget_chat(uow.session, old_chat_id, new_chat_id)
        await uow.commit()


async def set_group_locale(uow: UnitOfWork, chat_id: int, title: str | None,
                           locale: str) -> str:
    if locale not in SUPPORTED:
        raise InvalidInput("unsupported_locale", locale=locale)
    async with uow:
        await groups_repo.seen_group(uow.session, chat_id, title, uow.now(), active=True)
        await groups_repo.set_locale(uow.session, chat_id, locale, uow.now())
        await uow.commit()
    return locale
