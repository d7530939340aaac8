"""Queries behind the admin editor of report categories and bodies."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.case_models import Body, Category
from storage.models import ChatGroup


async def category_for_update(session: AsyncSession, category_id: int) -> Category | None:
    """The category, locked on PostgreSQL until the transaction ends."""
    return await session.get(Category, category_id, with_for_update=True)


async def body_for_update(session: AsyncSession, body_id: int) -> Body | None:
    return await session.get(Body, body_id, with_for_update=True)


async def categories_for_update(session: AsyncSession, community_id: int) -> list[Category]:
    """All categories of the community, locked: a rule across them (one stays shown) holds
    against a concurrent change on PostgreSQL."""
    return list((await session.execute(
        select(Category).where(Category.community_id == community_id)
        .order_by(Category.position, Category.id).with_for_update())).scalars())


async def body_by_key(session: AsyncSession, community_id: int, key: str) -> Body | None:
    return await session.scalar(select(Body).where(Body.community_id == community_id,
                                                   Body.key == key))


async def next_position(session: AsyncSession, community_id: int) -> int:
    top = await session.scalar(select(func.max(Category.position))
                               .where(Category.community_id == community_id))
    return (top if top is not None else -1) + 1


async def active_groups(session: AsyncSession, community_id: int, purposes: Iterable[str],
                        ) -> list[ChatGroup]:
    """The community's active bound groups of these purposes, oldest first."""
    return list((await session.execute(
        select(ChatGroup).where(ChatGroup.community_id == community_id,
                                ChatGroup.active.is_(True),
                                ChatGroup.purpose.in_(list(purposes)))
        .order_by(ChatGroup.id))).scalars())
