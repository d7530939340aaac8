"""Building or correcting the roster by hand: add compounds, buildings, entrances, floors
1–N, rooms, and set a home's floor area. Managers only; every change is audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.domain.roles import MANAGERS
from bot.services.errors import InvalidInput, NotFound
from bot.services.permissions import require_role
from storage import UnitOfWork, roster_repo
from storage.models import AuditEntry, Household, Unit

# What may be added under each kind of unit (None: the community's top level).
CHILD_KINDS = {None: ("compound",), "compound": ("building",),
               "building": ("entrance", "floor"), "entrance": ("floor",)}
NAME_MAX = 64


@dataclass(frozen=True)
class EditResult:
    added: int
    existing: int


async def _parent(uow: UnitOfWork, actor_id: int, community_id: int,
                  parent_id: int | None) -> Unit | None:
    await require_role(uow.session, actor_id, community_id, parent_id, MANAGERS)
    if parent_id is None:
        return None
    parent = await roster_repo.get_unit(uow.session, parent_id)
    if parent is None or parent.community_id != community_id:
        raise NotFound("unit")
    return parent


def _audit(uow: UnitOfWork, community_id: int, actor_id: int, action: str, **details: object,
           ) -> None:
    uow.session.add(AuditEntry(community_id=community_id, actor_id=actor_id, action=action,
                               details=details, at=uow.now()))


async def add_child_unit(uow: UnitOfWork, *, actor_id: int, community_id: int,
                         parent_id: int | None, kind: str, name: str) -> EditResult:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise InvalidInput("name_too_long", limit=NAME_MAX, length=len(name))
    async with uow:
        parent = await _parent(uow, actor_id, community_id, parent_id)
        if kind not in CHILD_KINDS.get(parent.kind if parent else None, ()):
            raise InvalidInput("kind_not_allowed")
        before = await roster_repo.children(uow.session, community_id, parent_id)
        if any(u.kind == kind and u.name == name for u in before):
            return EditResult(0, 1)
        await roster_repo.add_unit(uow.session, community_id, parent, kind, name, len(before))
        _audit(uow, community_id, actor_id, "add_unit", kind=kind, name=name,
               parent_id=parent_id)
        await uow.commit()
    return EditResult(1, 0)


async def add_floors(uow: UnitOfWork, *, actor_id: int, community_id: int, parent_id: int,
                     count: int) -> EditResult:
    """Adds floors named 1..count under a building or entrance, skipping existing ones."""
    async with uow:
        parent = await _parent(uow, actor_id, community_id, parent_id)
        if parent is None or "floor" not in CHILD_KINDS.get(parent.kind, ()):
            raise InvalidInput("kind_not_allowed")
        existing = {u.name for u in await roster_repo.children(uow.session, community_id,
                                                                parent_id)}
        added = 0
        for number in range(1, count + 1):
            if str(number) not in existing:
                await roster_repo.add_unit(uow.session, community_id, parent, "floor",
                                           str(number), number)
                added += 1
        _audit(uow, community_id, actor_id, "add_floors", parent_id=parent_id, count=count)
        await uow.commit()
    return EditResult(added, count - added)


def _building_of(floor: Unit) -> int:
    """The building id in a floor's path (compound/building[/entrance]/floor)."""
    ids = [int(p) for p in floor.path.strip("/").split("/")]
    return ids[1] if len(ids) > 1 else ids[0]


async def add_rooms(uow: UnitOfWork, *, actor_id: int, community_id: int, floor_id: int,
                    rooms: list[str], area: float | None = None) -> EditResult:
    async with uow:
        floor = await _parent(uow, actor_id, community_id, floor_id)
        if floor is None or floor.kind != "floor":
            raise InvalidInput("kind_not_allowed")
        existing = {h.room for h in await roster_repo.households_of_floor(uow.session,
                                                                          floor_id)}
        new = [r for r in rooms if r not in existing]
        for room in new:
            uow.session.add(Household(community_id=community_id, floor_id=floor_id,
                                      building_id=_building_of(floor), room=room,
                                      area=area or 0))
        _audit(uow, community_id, actor_id, "add_rooms", floor_id=floor_id, rooms=new)
        await uow.commit()
    return EditResult(len(new), len(rooms) - len(new))


async def set_area(uow: UnitOfWork, *, actor_id: int, community_id: int, floor_id: int,
                   room: str, area: float) -> None:
    async with uow:
        await _parent(uow, actor_id, community_id, floor_id)
        home = await uow.session.scalar(select(Household).where(
            Household.floor_id == floor_id, Household.room == room))
        if home is None:
            raise NotFound("household")
        _audit(uow, community_id, actor_id, "set_area", household_id=home.id,
               before=float(home.area), after=area)
        home.area = area
        await uow.commit()


@dataclass(frozen=True)
class RoomArea:
    room: str
    area: float


async def rooms_with_area(uow: UnitOfWork, floor_id: int) -> list[RoomArea]:
    async with uow(readonly=True):
        homes = await roster_repo.households_of_floor(uow.session, floor_id)
        return [RoomArea(h.room, float(h.area)) for h in homes]
