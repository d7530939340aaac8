"""Group chats the bot is in, and what becomes of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatGroup, Community
from storage.upsert import upsert


async def seen_group(
    session: AsyncSession, chat_id: int, title: str | None, now: datetime, *, active: bool,
) -> None:
    values = {"chat_id": chat_id, "thread_id": 0, "title": title, "active": active,
              "created_at": now, "updated_at": now}
    await upsert(session, ChatGroup, values, ["chat_id", "thread_id"],
                 ["title", "active", "updated_at"])


async def set_active(session: AsyncSession, chat_id: int, active: bool, now: datetime) -> None:
    await session.execute(
        update(ChatGroup).where(ChatGroup.chat_id == chat_id)
        .values(active=active, updated_at=now)
    )


async def retarget(session: AsyncSession, old_chat_id: int, new_chat_id: int,
                   now: datetime) -> None:
    """Moves every binding of a group to its new (supergroup) id, unless it is there."""
    taken = set((await session.execute(
        select(ChatGroup.thread_id).where(ChatGroup.chat_id == new_chat_id)
    )).scalars())
    rows = (await session.execute(
        select(ChatGroup).where(ChatGroup.chat_id == old_chat_id)
    )).scalars().all()
    for row in rows:
        if row.thread_id in taken:
            row.active = False
        else:
            row.chat_id = new_chat_id
        row.updated_at = now


async def set_locale(session: AsyncSession, chat_id: int, locale: str, now: datetime) -> None:
    await session.execute(
        update(ChatGroup).where(ChatGroup.chat_id == chat_id)
        .values(locale=locale, updated_at=now)
    )


async def active_chats(session: AsyncSession, community_id: int, purpose: str) -> list[int]:
    return list((await session.execute(
        select(ChatGroup.chat_id).where(
            ChatGroup.community_id == community_id, ChatGroup.purpose == purpose,
            ChatGroup.active.is_(True),
        ).distinct()
    )).scalars())


async def community_of(session: AsyncSession, community_id: int) -> Community:
    return await session.get(Community, community_id)
