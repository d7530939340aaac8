"""Roster imports in bulk, their drafts, and the rows of a roster export.

An import touches thousands of households, so the community's tree and households are
loaded once into dicts and written with multi-row statements, one level of the tree at a
time: a handful of round trips per import, never one per row. A unit is known by the names
on its way down (compound, building, entrance or "", floor), a household by its floor and
room, so importing an edited file again updates rows instead of adding them twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roster import RosterRow, sort_key
from storage.models import AuditEntry, Community, Household, Resident, RosterImport, Unit

Key = tuple[str, ...]
LEVELS = ("compound", "building", "entrance", "floor")


@dataclass(frozen=True)
class Changes:
    """What applying rows does: households to insert and to update, and the rest."""

    new: list[RosterRow]
    updated: list[tuple[int, RosterRow]]
    unchanged: int
    kept: int  # households already registered that the file does not list


@dataclass(frozen=True)
class ExportRow:
    cells: tuple[str, ...]  # COLUMNS order
    verified_residents: int


def ancestor_ids(path: str) -> list[int]:
    """The ids in a path ("/3/7/12/" → [3, 7, 12]), the unit itself last."""
    return [int(i) for i in path.strip("/").split("/") if i.isdigit()]


def unit_key(kind: str, names: dict[str, str]) -> Key | None:
    """The names that identify a unit of `kind`; a floor without entrance has "" there."""
    if kind not in LEVELS or "compound" not in names or (
            "building" not in names and kind != "compound"):
        return None
    top = (names["compound"],) if kind == "compound" else (names["compound"], names["building"])
    if kind == "entrance":
        return (*top, names["entrance"]) if "entrance" in names else None
    if kind == "floor":
        return (*top, names.get("entrance", ""), names["floor"])
    return top


def row_units(row: RosterRow) -> list[tuple[str, Key, Key | None, str]]:
    """(kind, key, parent key, name) of each unit a row needs, from the top down."""
    compound = (row.compound,)
    building = (*compound, row.building)
    units = [("compound", compound, None, row.compound),
             ("building", building, compound, row.building)]
    parent = building
    if row.entrance:
        parent = (*building, row.entrance)
        units.append(("entrance", parent, building, row.entrance))
    units.append(("floor", row.floor_key, parent, row.floor))
    return units


async def load_tree(session: AsyncSession, community_id: int) -> dict[Key, tuple[int, str]]:
    """Every unit of the community by its key: (id, path)."""
    rows = (await session.execute(select(Unit.id, Unit.kind, Unit.name, Unit.path)
                                  .where(Unit.community_id == community_id))).all()
    by_id = {r.id: r for r in rows}
    tree: dict[Key, tuple[int, str]] = {}
    for r in rows:
        chain = [by_id.get(i) for i in ancestor_ids(r.path)]
        key = unit_key(r.kind, {u.kind: u.name for u in chain if u is not None})
        if key is not None:
            tree[key] = (r.id, r.path)
    return tree


async def load_households(session: AsyncSession, community_id: int,
                          ) -> dict[tuple[int, str], tuple[int, Decimal, str | None]]:
    """Every household of the community by (floor id, room): (id, area, owner key)."""
    rows = await session.execute(
        select(Household.floor_id, Household.room, Household.id, Household.area,
               Household.owner_key).where(Household.community_id == community_id))
    return {(f, room): (i, Decimal(area), owner) for f, room, i, area, owner in rows}


def compare(rows: Sequence[RosterRow], tree: dict[Key, tuple[int, str]],
            existing: dict[tuple[int, str], tuple[int, Decimal, str | None]]) -> Changes:
    new: list[RosterRow] = []
    updated: list[tuple[int, RosterRow]] = []
    unchanged = 0
    for row in rows:
        floor = tree.get(row.floor_key)
        found = existing.get((floor[0], row.room)) if floor else None
        if found is None:
            new.append(row)
            continue
        household_id, area, owner_key = found
        # An empty owner key keeps the one on record: leaving the column out of a file
        # must not wipe what another file set.
        row = replace(row, owner_key=row.owner_key or owner_key or "")
        if area != row.area or row.owner_key != (owner_key or ""):
            updated.append((household_id, row))
        else:
            unchanged += 1
    return Changes(new, updated, unchanged, len(existing) - len(updated) - unchanged)


async def plan(session: AsyncSession, community_id: int, rows: Sequence[RosterRow]) -> Changes:
    """What applying the rows would change now, without writing anything."""
    return compare(rows, await load_tree(session, community_id),
                   await load_households(session, community_id))


async def add_units(session: AsyncSession, community_id: int, rows: Sequence[RosterRow],
                    tree: dict[Key, tuple[int, str]]) -> int:
    """Creates the units the rows need and adds them to `tree`; returns how many."""
    wanted: dict[str, dict[Key, tuple[Key | None, str]]] = {kind: {} for kind in LEVELS}
    for row in rows:
        for kind, key, parent, name in row_units(row):
            if key not in tree:
                wanted[kind].setdefault(key, (parent, name))
    created = 0
    for kind in LEVELS:  # parents first: a child needs its parent's id and path
        if not wanted[kind]:
            continue
        params = [{"community_id": community_id, "kind": kind, "name": name, "path": "/",
                   "parent_id": tree[parent][0] if parent else None,
                   "sort_key": sort_key(kind, name)}
                  for parent, name in wanted[kind].values()]
        ids = (await session.scalars(
            insert(Unit).returning(Unit.id, sort_by_parameter_order=True), params)).all()
        paths: list[dict[str, Any]] = []
        for (key, (parent, _name)), unit_id in zip(wanted[kind].items(), ids, strict=True):
            path = f"{tree[parent][1] if parent else '/'}{unit_id}/"
            tree[key] = (unit_id, path)
            paths.append({"id": unit_id, "path": path})
        await session.execute(update(Unit), paths)
        created += len(ids)
    return created


async def apply_rows(session: AsyncSession, community_id: int, rows: Sequence[RosterRow],
                     ) -> tuple[int, Changes]:
    """Creates missing units, inserts new households and updates changed ones.
    Returns (units created, the changes made)."""
    # Two imports into one community at once would both create the same missing units;
    # on PostgreSQL the second waits here (SQLite has one writer anyway, and ignores this).
    await session.execute(select(Community.id).where(Community.id == community_id)
                          .with_for_update())
    tree = await load_tree(session, community_id)
    created = await add_units(session, community_id, rows, tree)
    changes = compare(rows, tree, await load_households(session, community_id))
    if changes.new:
        await session.execute(insert(Household), [
            {"community_id": community_id, "floor_id": tree[row.floor_key][0],
             "building_id": tree[(row.compound, row.building)][0], "room": row.room,
             "area": row.area, "owner_key": row.owner_key or None}
            for row in changes.new])
    if changes.updated:
        await session.execute(update(Household), [
            {"id": household_id, "area": row.area, "owner_key": row.owner_key or None}
            for household_id, row in changes.updated])
    return created, changes


# -- drafts ---------------------------------------------------------------------------------
async def save_draft(session: AsyncSession, community_id: int, admin_id: int,
                     rows: Sequence[RosterRow], now: datetime) -> int:
    """Stores validated rows; the admin's earlier drafts for the community are superseded,
    so only the latest preview's Confirm button can apply."""
    await session.execute(
        update(RosterImport).where(RosterImport.community_id == community_id,
                                   RosterImport.admin_id == admin_id,
                                   RosterImport.status == "draft")
        .values(status="superseded"))
    draft = RosterImport(community_id=community_id, admin_id=admin_id, status="draft",
                         rows=[row.to_cells() for row in rows], created_at=now)
    session.add(draft)
    await session.flush()
    return draft.id


async def get_draft(session: AsyncSession, import_id: int) -> RosterImport | None:
    return await session.get(RosterImport, import_id)


async def close_draft(session: AsyncSession, import_id: int, status: str) -> bool:
    """Moves a draft out of 'draft'; False if it was not a draft any more. On PostgreSQL a
    concurrent second press waits for the first and then finds nothing to update."""
    result = await session.execute(
        update(RosterImport).where(RosterImport.id == import_id,
                                   RosterImport.status == "draft")
        .values(status=status).execution_options(synchronize_session=False))
    return result.rowcount == 1


def draft_rows(draft: RosterImport) -> list[RosterRow]:
    return [RosterRow.from_cells(cells) for cells in draft.rows]


def audit(session: AsyncSession, community_id: int, actor_id: int, action: str,
          details: dict[str, Any], now: datetime) -> None:
    session.add(AuditEntry(community_id=community_id, actor_id=actor_id, action=action,
                           details=details, at=now))


# -- export ---------------------------------------------------------------------------------
async def export_rows(session: AsyncSession, community_id: int) -> list[ExportRow]:
    """Every household with the names of its units and its number of verified residents."""
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
                 str(Decimal(area)) if area else "", owner_key or "")
        result.append(ExportRow(cells, int(residents)))
    return result
