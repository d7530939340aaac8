"""Join requests and verified residents."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Household, Resident, RoleAssignment, Unit, User


async def find(session: AsyncSession, user_id: int, household_id: int) -> Resident | None:
    return await session.scalar(select(Resident).where(Resident.user_id == user_id,
                                                       Resident.household_id == household_id))


async def reviewers(session: AsyncSession, community_id: int, role: str, unit_paths: list[str],
                    ) -> list[int]:
    """Users holding `role` on exactly one of the given units (a floor, its building…)."""
    rows = await session.execute(
        select(RoleAssignment.user_id).join(Unit, Unit.id == RoleAssignment.unit_id)
        .where(RoleAssignment.community_id == community_id, RoleAssignment.role == role,
               Unit.path.in_(unit_paths)).distinct())
    return sorted(rows.scalars())


async def community_role_holders(session: AsyncSession, community_id: int, roles: list[str],
                                 ) -> list[int]:
    rows = await session.execute(
        select(RoleAssignment.user_id).where(RoleAssignment.community_id == community_id,
                                             RoleAssignment.role.in_(roles)).distinct())
    return sorted(rows.scalars())


async def of_user(session: AsyncSession, user_id: int) -> list[tuple[Resident, Household]]:
    rows = await session.execute(
        select(Resident, Household).join(Household, Household.id == Resident.household_id)
        .where(Resident.user_id == user_id).order_by(Resident.id))
    return [(r, h) for r, h in rows]


async def floor_statuses(session: AsyncSession, floor_id: int,
                         ) -> list[tuple[Household, list[tuple[Resident, User | None]]]]:
    households = list((await session.execute(
        select(Household).where(Household.floor_id == floor_id).order_by(Household.room)
    )).scalars())
    rows = await session.execute(
        select(Resident, User).outerjoin(User, User.id == Resident.user_id)
        .where(Resident.household_id.in_([h.id for h in households]),
               Resident.status.in_(["verified", "pending"])))
    by_household: dict[int, list[tuple[Resident, User | None]]] = {}
    for resident, user in rows:
        by_household.setdefault(resident.household_id, []).append((resident, user))
    return [(h, by_household.get(h.id, [])) for h in households]
