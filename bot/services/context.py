"""What every update needs before its handler runs, read in one statement: whether the
update was handled already, the reader's language, and where their conversation stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.locales import pick_locale
from storage import Database, users_repo


@dataclass(frozen=True)
class UpdateContext:
    seen: bool
    locale: str
    # The sender's own language, for what only they see (a button's alert in a group);
    # in a private chat the same as `locale`.
    sender_locale: str
    # (state, data) of the conversation asked for with `flow_key`; None when not asked.
    flow: tuple[str | None, dict[str, Any]] | None = None


async def update_context(
    db: Database, *, update_id: int, user_id: int | None, language_code: str | None,
    group_chat_id: int | None, fallback: str, flow_key: str | None = None,
) -> UpdateContext:
    """A group reads its own language (then its community's); anyone else theirs (then
    Telegram's, then their community's). The sender's is read the second way in both."""
    inputs = await users_repo.update_inputs(
        db, update_id=update_id, user_id=user_id, group_chat_id=group_chat_id,
        flow_key=flow_key)
    locale = pick_locale(chosen=inputs.own,
                         language_code=None if group_chat_id else language_code,
                         community=inputs.community, fallback=fallback)
    sender_locale = pick_locale(chosen=inputs.sender_own, language_code=language_code,
                                community=inputs.sender_community, fallback=fallback)
    return UpdateContext(inputs.seen, locale, sender_locale, inputs.flow)
