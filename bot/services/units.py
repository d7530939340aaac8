"""Reading the community tree: units to pick from, with their display names."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.errors import NotFound
from storage import UnitOfWork, roster_repo
from storage.models import Unit


@dataclass(frozen=True)
class UnitInfo:
    id: int
    community_id: int
    kind: str
    name: str
    label: str  # the names from the top, e.g. "幸福小区 1号楼 3"


@dataclass(frozen=True)
class UnitLevel:
    """One level of the tree for a picker: where we are and what is below."""

    community_id: int
    current: UnitInfo | None
    parent_id: int | None
    children: tuple[UnitInfo, ...]


async def label_of(session: object, unit: Unit) -> str:
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    names = []
    for unit_id in ids:
        found = await roster_repo.get_unit(session, unit_id)
        if found is not None:
            names.append(found.name)
    return " ".join(names)


async def info(session: object, unit: Unit) -> UnitInfo:
    return UnitInfo(unit.id, unit.community_id, unit.kind, unit.name,
                    await label_of(session, unit))


async def unit_level(uow: UnitOfWork, community_id: int, unit_id: int | None) -> UnitLevel:
    """The unit (None: the community's top) and its children, for a picker keyboard."""
    async with uow(readonly=True):
        current = None
        parent_id = None
        if unit_id is not None:
            unit = await roster_repo.get_unit(uow.session, unit_id)
            if unit is None or unit.community_id != community_id:
                raise NotFound("unit")
            current = await info(uow.session, unit)
            parent_id = unit.parent_id
        kids = await roster_repo.children(uow.session, community_id, unit_id)
        children = tuple([UnitInfo(k.id, k.community_id, k.kind, k.name, k.name)
                          for k in kids])
    return UnitLevel(community_id, current, parent_id, children)
