"""The community tree (units), households and residents."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from storage.models import Household, RoleAssignment, Unit

KINDS = ("compound", "building", "entrance", "floor")


@dataclass(frozen=True)
class UnitRow:
    id: int
    community_id: int
    parent_id: int | None
    kind: str
    name: str
    path: str


def unit_row(unit: Unit) -> UnitRow:
    return UnitRow(unit.id, unit.community_id, unit.parent_id, unit.kind, unit.name, unit.path)


async def add_unit(session: AsyncSession, community_id: int, parent: Unit | None, kind: str,
                   name: str, sort_key: int = 0) -> Unit:
    """Creates a unit under `parent` and sets its path (which needs its id)."""
    unit = Unit(community_id=community_id, parent_id=parent.id if parent else None, kind=kind,
                name=name, sort_key=sort_key, path="/")
    session.add(unit)
    await session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


async def get_or_add_unit(session: AsyncSession, community_id: int, parent: Unit | None,
                          kind: str, name: str, sort_key: int = 0) -> Unit:
    found = await session.scalar(select(Unit).where(
        Unit.community_id == community_id, Unit.kind == kind, Unit.name == name,
        Unit.parent_id.is_(None) if parent is None else Unit.parent_id == parent.id))
    return found or await add_unit(session, community_id, parent, kind, name, sort_key)


async def get_unit(session: AsyncSession, unit_id: int) -> Unit | None:
    return await session.get(Unit, unit_id)


async def children(session: AsyncSession, community_id: int, parent_id: int | None,
                   ) -> list[Unit]:
    stmt = select(Unit).where(Unit.community_id == community_id)
    stmt = stmt.where(Unit.parent_id.is_(None) if parent_id is None
                      else Unit.parent_id == parent_id)
    return list((await session.execute(stmt.order_by(Unit.sort_key, Unit.name))).scalars())


async def descendants(session: AsyncSession, unit: Unit, kind: str | None = None,
                      ) -> list[Unit]:
    stmt = select(Unit).where(Unit.path.startswith(unit.path))
    if kind:
        stmt = stmt.where(Unit.kind == kind)
    return list((await session.execute(stmt.order_by(Unit.sort_key, Unit.name))).scalars())


async def households_of_floor(session: AsyncSession, floor_id: int) -> list[Household]:
    return list((await session.execute(
        select(Household).where(Household.floor_id == floor_id).order_by(Household.room)
    )).scalars())


async def roles_with_paths(session: AsyncSession, user_id: int, community_id: int,
                           ) -> list[tuple[str, str | None]]:
    """Returns (role, path of its unit or None for the whole community) of a user."""
    rows = await session.execute(
        select(RoleAssignment.role, Unit.path)
        .outerjoin(Unit, Unit.id == RoleAssignment.unit_id)
        .where(RoleAssignment.user_id == user_id, RoleAssignment.community_id == community_id)
    )
    return [(role, path) for role, path in rows]


async def labels(session: AsyncSession, community_id: int) -> dict[int, str]:
    """Every unit's full name ("幸福小区 1号楼 3"), from one query."""
    rows = (await session.execute(select(Unit.id, Unit.name, Unit.path)
                                  .where(Unit.community_id == community_id))).all()
    names = {unit_id: name for unit_id, name, _ in rows}
    return {unit_id: " ".join(names[int(p)] for p in path.strip("/").split("/")
                              if p and int(p) in names)
            for unit_id, _, path in rows}


async def floors_looked_after(session: AsyncSession, user_id: int,
                              community_id: int | None = None) -> list[Unit]:
    """The floors a user serves as floor contact, or below a building (entrance) they
    lead; in one community when given."""
    stmt = (select(Unit).join(RoleAssignment, RoleAssignment.unit_id == Unit.id)
            .where(RoleAssignment.user_id == user_id,
                   RoleAssignment.role.in_([str(Role.FLOOR_CONTACT), str(Role.BUILDING_LEAD)])))
    if community_id is not None:
        stmt = stmt.where(RoleAssignment.community_id == community_id)
    floors: dict[int, Unit] = {}
    for unit in (await session.execute(stmt)).scalars().all():
        for floor in await descendants(session, unit, kind="floor"):
            floors.setdefault(floor.id, floor)
    return list(floors.values())
