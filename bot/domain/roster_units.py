"""How a roster file's rows meet the units already registered. Pure.

A unit is known by the names on its way down (compound, building, entrance or "", floor).
A row that carries a `floor_id` (an export writes one) names the registered floor it is on,
so where its names differ from that floor's and its parents', those units are renamed
rather than added next to them: fixing a building's name in an exported file and importing
it again renames the building and keeps its households and their residents. A file can
rename units, not move floors to another building or merge two units; such rows are errors.
Without floor ids a unit's new name is a new unit, and the preview says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.roster import RosterRow, RowError, natural_order

Key = tuple[str, ...]
LEVELS = ("compound", "building", "entrance", "floor")


@dataclass(frozen=True)
class KnownUnit:
    """A registered unit; `path` is its chain of ids (`/3/7/12/`)."""

    id: int
    kind: str
    name: str
    parent_id: int | None
    path: str


@dataclass(frozen=True)
class Rename:
    unit_id: int
    kind: str
    name: str  # the new name
    old_label: str  # the unit's full name before ("Sunny 1号楼") and after
    new_label: str


@dataclass(frozen=True)
class UnitPlan:
    """What a file does to the units: the renames its floor ids ask for, the buildings it
    adds to a roster that has some already, the registered buildings it does not list
    (they stay), and the rows whose floor ids cannot be followed."""

    renames: tuple[Rename, ...] = ()
    new_buildings: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    errors: tuple[RowError, ...] = ()


def unit_key(kind: str, names: Mapping[str, str]) -> Key | None:
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


def chain(units: Mapping[int, KnownUnit], unit: KnownUnit) -> list[KnownUnit]:
    """The unit and its parents, from the top down."""
    found: list[KnownUnit] = []
    current: KnownUnit | None = unit
    while current is not None:
        found.append(current)
        current = units.get(current.parent_id) if current.parent_id is not None else None
    return found[::-1]


def keyed(units: Mapping[int, KnownUnit], names: Mapping[int, str]) -> dict[Key, int]:
    """Every unit's id by its key, with the names in `names` instead of the registered."""
    tree: dict[Key, int] = {}
    for unit in units.values():
        key = unit_key(unit.kind, {u.kind: names.get(u.id, u.name) for u in chain(units, unit)})
        if key is not None:
            tree[key] = unit.id
    return tree


def row_names(row: RosterRow) -> list[tuple[str, str]]:
    """(kind, name) of the units above a row's household, from the top down."""
    entrance = [("entrance", row.entrance)] if row.entrance else []
    return [("compound", row.compound), ("building", row.building), *entrance,
            ("floor", row.floor)]


def proposed_names(rows: Sequence[RosterRow], units: Mapping[int, KnownUnit],
                   ) -> tuple[dict[int, tuple[str, int]], list[RowError]]:
    """The name each unit above a floor id gets, with the first row that gives it."""
    proposed: dict[int, tuple[str, int]] = {}
    errors: list[RowError] = []
    for row in rows:
        if not row.floor_id:
            continue
        floor = units.get(int(row.floor_id))
        if floor is None or floor.kind != "floor":
            errors.append(RowError(row.number, "unknown_floor_id", "floor_id", row.floor_id))
            continue
        path, names = chain(units, floor), row_names(row)
        if [u.kind for u in path] != [kind for kind, _name in names]:
            errors.append(RowError(row.number, "moved_floor", "entrance", row.floor_id))
            continue
        for unit, (kind, name) in zip(path, names, strict=True):
            first, first_row = proposed.setdefault(unit.id, (name, row.number))
            if first != name:
                errors.append(RowError(row.number, "renamed_twice", kind, name, first_row))
                break
    return proposed, errors


def label(key: Key) -> str:
    """A unit's full name, as the bot shows it ("Sunny 1号楼 3")."""
    return " ".join(name for name in key if name)


def full_name(units: Mapping[int, KnownUnit], unit: KnownUnit, names: Mapping[int, str],
              ) -> str:
    """A unit's name as the bot shows it ("Sunny 1号楼 3"), with `names` applied."""
    return " ".join(names.get(u.id, u.name) for u in chain(units, unit))


def building_order(key: Key) -> tuple[object, ...]:
    return (natural_order(key[0]), key[0], natural_order(key[1]), key[1])


def plan_units(rows: Sequence[RosterRow], units: Mapping[int, KnownUnit]) -> UnitPlan:
    """The renames, new and left-out buildings, and floor-id errors of a file."""
    proposed, errors = proposed_names(rows, units)
    renamed = {i: name for i, (name, _row) in proposed.items() if name != units[i].name}
    siblings = Counter((u.parent_id, u.kind, u.name) for u in units.values())
    targets = Counter((units[i].parent_id, units[i].kind, name) for i, name in renamed.items())
    for unit_id, name in renamed.items():
        unit = units[unit_id]
        spot = (unit.parent_id, unit.kind, name)
        if siblings[spot] or targets[spot] > 1:
            errors.append(RowError(proposed[unit_id][1], "name_taken", unit.kind, name))
    if errors:
        return UnitPlan(errors=tuple(sorted(errors, key=lambda e: e.row_number)))
    renames = tuple(Rename(i, units[i].kind, renamed[i], full_name(units, units[i], {}),
                           full_name(units, units[i], renamed))
                    for i in sorted(renamed, key=lambda i: units[i].path))
    registered = {k for k in keyed(units, renamed) if len(k) == 2}
    listed = {(row.compound, row.building) for row in rows}
    # On a first import every building is new; the preview's counts say that already.
    added = sorted(listed - registered, key=building_order) if registered else []
    return UnitPlan(renames, tuple(map(label, added)),
                    tuple(map(label, sorted(registered - listed, key=building_order))))
