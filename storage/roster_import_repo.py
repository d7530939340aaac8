"""Roster imports in bulk and their drafts.

An import touches thousands of households, so the community's tree and households are
loaded once into dicts and written with multi-row statements, one level of the tree at a
time: a handful of round trips per import, never one per row. A unit is known by the names
on its way down (compound, building, entrance or "", floor), after the renames the rows'
floor ids ask for (see `bot.domain.roster_units`); a household by its floor and room. So
importing an edited file again renames and updates rows instead of adding them twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roster import RosterRow, sort_key
from bot.domain.roster_units import LEVELS, Key, KnownUnit, UnitPlan, keyed, plan_units
from storage.models import AuditEntry, Community, Household, RosterImport, Unit

Tree = dict[Key, tuple[int, str]]  # a unit's (id, path) by its key


@dataclass(frozen=True)
class Changes:
    """What applying rows does: units to rename, households to insert and to update, and
    the rest. `tree` holds the units by their keys as renamed, for applying."""

    units: UnitPlan
    new: list[RosterRow]
    updated: list[tuple[int, RosterRow]]
    unchanged: int
    kept: int  # households already registered that the file does not list
    tree: Tree


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


async def load_units(session: AsyncSession, community_id: int) -> dict[int, KnownUnit]:
    rows = await session.execute(select(Unit.id, Unit.kind, Unit.name, Unit.parent_id,
                                        Unit.path).where(Unit.community_id == community_id))
    return {r.id: KnownUnit(r.id, r.kind, r.name, r.parent_id, r.path) for r in rows}


async def load_households(session: AsyncSession, community_id: int,
                          ) -> dict[tuple[int, str], tuple[int, Decimal, str | None]]:
    """Every household of the community by (floor id, room): (id, area, owner key)."""
    rows = await session.execute(
        select(Household.floor_id, Household.room, Household.id, Household.area,
               Household.owner_key).where(Household.community_id == community_id))
    return {(f, room): (i, Decimal(area), owner) for f, room, i, area, owner in rows}


def compare(rows: Sequence[RosterRow], tree: Tree,
            existing: dict[tuple[int, str], tuple[int, Decimal, str | None]],
            ) -> tuple[list[RosterRow], list[tuple[int, RosterRow]], int]:
    """The rows' households to insert, those to update, and how many are unchanged."""
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
    return new, updated, unchanged


async def plan(session: AsyncSession, community_id: int, rows: Sequence[RosterRow]) -> Changes:
    """What applying the rows would change now, without writing anything. When
    `units.errors` says the floor ids do not fit the roster, nothing else is worked out."""
    units = await load_units(session, community_id)
    unit_plan = plan_units(rows, units)
    if unit_plan.errors:
        return Changes(unit_plan, [], [], 0, 0, {})
    names = {r.unit_id: r.name for r in unit_plan.renames}
    tree = {key: (i, units[i].path) for key, i in keyed(units, names).items()}
    existing = await load_households(session, community_id)
    new, updated, unchanged = compare(rows, tree, existing)
    return Changes(unit_plan, new, updated, unchanged,
                   len(existing) - len(updated) - unchanged, tree)


async def lock_community(session: AsyncSession, community_id: int) -> None:
    """Makes a second import into the community wait for this one to commit: both would
    create the same missing units. PostgreSQL only (SQLite has one writer anyway)."""
    await session.execute(select(Community.id).where(Community.id == community_id)
                          .with_for_update())


async def add_units(session: AsyncSession, community_id: int, rows: Sequence[RosterRow],
                    tree: Tree) -> int:
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
                     changes: Changes) -> int:
    """Renames units, creates missing ones, inserts new households and updates changed
    ones, as planned (under `lock_community`). Returns how many units it created."""
    if changes.units.renames:
        # Renamed first, so a new unit may take a name a renamed one gave up.
        await session.execute(update(Unit), [
            {"id": r.unit_id, "name": r.name, "sort_key": sort_key(r.kind, r.name)}
            for r in changes.units.renames])
    tree = changes.tree
    created = await add_units(session, community_id, rows, tree)
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
    return created


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
