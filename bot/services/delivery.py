"""What the outbox sender needs from the database besides the rows: each target's locale."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.locales import pick_locale
from storage import Database, users_repo


async def locales_for_chats(
    db: Database, chat_ids: Iterable[int], fallback: str,
) -> dict[int, str]:
    """Returns the locale to render in for each target chat: a group's own setting or its
    community's default; a private chat's user choice or Telegram language."""
    chat_ids = set(chat_ids)
    groups = {c for c in chat_ids if c < 0}
    privates = chat_ids - groups
    result: dict[int, str] = {}
    async with db.reading() as session:
        group_inputs = await users_repo.group_locale_inputs(session, groups) if groups else {}
        user_inputs = await users_repo.private_locale_inputs(session, privates) if privates else {}
        communities = {
            uid: (await users_repo.user_locale_inputs(session, uid))[2] for uid in privates
        }
    for chat_id in groups:
        own, community = group_inputs.get(chat_id, (None, None))
        result[chat_id] = pick_locale(chosen=own, language_code=None, community=community,
                                      fallback=fallback)
    for chat_id in privates:
        chosen, code = user_inputs.get(chat_id, (None, None))
        result[chat_id] = pick_locale(chosen=chosen, language_code=code,
                                      community=communities[chat_id], fallback=fallback)
    return result
