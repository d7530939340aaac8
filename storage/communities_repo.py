"""Communities (the tenants) and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatGroup, Community, Household, Resident, RoleAssignment


async def add_community(
    session: AsyncSession, *, name: str, timezone: str, locale: str, creator_id: int,
    now: datetime, next_daily_at: datetime,
) -> Community:
    community = Community(name=name, timezone=timezone, locale=locale, created_by=creator_id,
                          created_at=now, next_daily_at=next_daily_at)
    session.add(community)
    await session.flush()
    return community


async def grant(
    session: AsyncSession, *, user_id: int, community_id: int, role: str, granted_by: int,
    now: datetime, unit_id: int | None = None,
) -> None:
    session.add(RoleAssignment(user_id=user_id, community_id=community_id, role=role,
                               unit_id=unit_id, granted_by=granted_by, granted_at=now))


def due_daily(now: datetime) -> object:
    return (select(Community).where(Community.next_daily_at <= now)
            .order_by(Community.next_daily_at))


async def group_counts(session: AsyncSession, community_id: int) -> tuple[int, int]:
    """Returns (active, inactive) bound groups of a community."""
    rows = await session.execute(
        select(ChatGroup.active, func.count()).where(ChatGroup.community_id == community_id)
        .group_by(ChatGroup.active)
    )
    counts = {bool(active): n for active, n in rows}
    return counts.get(True, 0), counts.get(False, 0)


async def managed_by(session: AsyncSession, user_id: int, roles: list[str]) -> list[Community]:
    return list((await session.execute(
        select(Community).where(Community.id.in_(
            select(RoleAssignment.community_id).where(RoleAssignment.user_id == user_id,
                                                      RoleAssignment.role.in_(roles))))
        .order_by(Community.id)
    )).scalars())


async def pending_joins(session: AsyncSession, community_id: int) -> int:
    """Join requests of the community still waiting for a decision."""
    return await session.scalar(
        select(func.count()).select_from(Resident)
        .join(Household, Household.id == Resident.household_id)
        .where(Household.community_id == community_id, Resident.status == "pending"))
