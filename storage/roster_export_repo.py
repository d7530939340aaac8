"""The rows of a roster export: every household with the names of its units."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roster_units import LEVELS
from storage.models import Household, Resident, Unit


@dataclass(frozen=True)
class ExportRow:
    cells: tuple[str, ...]  # COLUMNS order
    verified_residents: int


def ancestor_ids(path: str) -> list[int]:
    """The ids in a path ("/3/7/12/" → [3, 7, 12]), the unit itself last."""
    return [int(i) for i in path.strip("/").split("/") if i.isdigit()]


async def export_rows(session: AsyncSession, community_id: int) -> list[ExportRow]:
    """Every household with the names of its units, its floor's id (so a re-import can
    rename units) and its number of verified residents."""
    units = {u.id: u for u in (await session.execute(
        select(Unit.id, Unit.kind, Unit.name, Unit.path)
        .where(Unit.community_id == community_id))).all()}
    verified = (select(Resident.household_id, func.count().label("n"))
                .join(Household, Household.id == Resident.household_id)
                .where(Household.community_id == community_id,
                       Resident.status == "verified")
                .group_by(Resident.household_id).subquery())
    rows = await session.execute(
        select(Household.floor_id, Household.room, Household.area, Household.owner_key,
               func.coalesce(verified.c.n, 0))
        .outerjoin(verified, verified.c.household_id == Household.id)
        .where(Household.community_id == community_id))
    result = []
    for floor_id, room, area, owner_key, residents in rows:
        floor = units.get(floor_id)
        chain = [units.get(i) for i in ancestor_ids(floor.path)] if floor else []
        names = {u.kind: u.name for u in chain if u is not None}
        # A home added by hand may have no area yet (0): left empty, so a re-import of
        # the file asks for it instead of calling 0 a wrong number.
        cells = (*(names.get(kind, "") for kind in LEVELS), room,
                 str(Decimal(area)) if area else "", owner_key or "", str(floor_id))
        result.append(ExportRow(cells, int(residents)))
    return result
