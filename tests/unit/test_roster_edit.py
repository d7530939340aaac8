"""Building the roster by hand: what admins type is read correctly, and the edits are
scoped, idempotent and audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.domain.room_spec import SpecError, parse_area, parse_floor_count, parse_rooms, split_area
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.roster_edit import (
    add_child_unit,
    add_floors,
    add_rooms,
    rooms_with_area,
    set_area,
)
from bot.services.units import unit_level
from storage import UnitOfWork
from storage.models import AuditEntry, Household
from tests.builders import make_roster


@pytest.mark.parametrize(("text", "rooms"), [
    ("301-304", ["301", "302", "303", "304"]),
    ("301, 302 305", ["301", "302", "305"]),
    ("301，302、302", ["301", "302"]),
    ("A1-A3", ["A1", "A2", "A3"]),
    ("0901-0902", ["0901", "0902"]),
])
def test_rooms_are_read(text, rooms):
    assert parse_rooms(text) == rooms


@pytest.mark.parametrize(("text", "code"), [
    ("304-301", "bad_range"), ("1-100", "bad_range"), ("30#1", "bad_room"), (" ", "no_rooms"),
])
def test_bad_rooms_are_named(text, code):
    with pytest.raises(SpecError) as caught:
        parse_rooms(text)
    assert caught.value.code == code


def test_area_and_floor_count():
    assert parse_area("89,5 m²") == 89.5
    assert parse_area("120平米") == 120
    assert split_area("301-304 89.5m²") == ("301-304", 89.5)
    assert split_area("301 302") == ("301 302", None)
    assert parse_floor_count(" 33 ") == 33
    for bad in ("0", "100", "three"):
        with pytest.raises(SpecError):
            parse_floor_count(bad)
    with pytest.raises(SpecError):
        parse_area("-3")


async def test_build_a_building_by_hand(db, clock):
    roster = await make_roster(db, clock, admin_id=1, floors=0)
    uow = UnitOfWork(db, clock)
    added = await add_child_unit(uow, actor_id=1, community_id=roster.community_id,
                                 parent_id=roster.compound_id, kind="building", name=" 2号楼 ")
    again = await add_child_unit(uow, actor_id=1, community_id=roster.community_id,
                                 parent_id=roster.compound_id, kind="building", name="2号楼")
    assert (added.added, again.added, again.existing) == (1, 0, 1)
    level = await unit_level(uow, roster.community_id, roster.compound_id)
    building = next(u for u in level.children if u.name == "2号楼")
    with pytest.raises(InvalidInput):
        await add_child_unit(uow, actor_id=1, community_id=roster.community_id,
                             parent_id=building.id, kind="compound", name="x")
    floors = await add_floors(uow, actor_id=1, community_id=roster.community_id,
                              parent_id=building.id, count=3)
    assert (floors.added, floors.existing) == (3, 0)
    assert (await add_floors(uow, actor_id=1, community_id=roster.community_id,
                             parent_id=building.id, count=4)).added == 1
    floor = (await unit_level(uow, roster.community_id, building.id)).children[0]
    rooms = await add_rooms(uow, actor_id=1, community_id=roster.community_id,
                            floor_id=floor.id, rooms=["101", "102"], area=80.0)
    assert rooms.added == 2
    await set_area(uow, actor_id=1, community_id=roster.community_id, floor_id=floor.id,
                   room="102", area=95.5)
    assert [(r.room, r.area) for r in await rooms_with_area(uow, floor.id)] == [
        ("101", 80.0), ("102", 95.5)]
    async with db.reading() as session:
        home = await session.scalar(select(Household).where(Household.room == "101"))
        audits = await session.scalar(select(func.count()).select_from(AuditEntry))
    assert home.building_id == building.id
    assert audits == 5
    with pytest.raises(NotPermitted):
        await add_rooms(uow, actor_id=2, community_id=roster.community_id, floor_id=floor.id,
                        rooms=["103"])
