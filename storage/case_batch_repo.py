"""Batch reads and writes of cases: what the views of many cases need (timelines, bodies,
labels, groups, the cards already posted) in a few queries, and the sweep's rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.case_models import Body, CaseEvent, Category
from storage.models import (
    ChatGroup,
    Community,
    Household,
    RoleAssignment,
    Unit,
    User,
)


class EventRow(NamedTuple):
    """A step of a timeline as the views read it (rows of `timelines` have the same
    fields); `insert_events` writes new ones."""

    case_id: int
    at: datetime
    actor_id: int | None
    kind: str
    note: str | None
    details: dict[str, Any]


class GroupRow(NamedTuple):
    id: int
    chat_id: int
    thread_id: int
    community_id: int | None
    purpose: str | None
    path: str | None  # of its unit


class BodyRow(NamedTuple):
    id: int
    community_id: int
    key: str
    role: str
    level: int
    name: str | None
    group_id: int | None


# The statements below are built once, their values bound at execution: building and
# cache-keying a statement per call cost more than running it (see storage/uow.py).
_events, _units = CaseEvent.__table__, Unit.__table__
_TIMELINES = (select(CaseEvent.case_id, CaseEvent.at, CaseEvent.actor_id, CaseEvent.kind,
                     CaseEvent.note, CaseEvent.details)
              .where(CaseEvent.case_id.in_(bindparam("ids", expanding=True)))
              .order_by(CaseEvent.case_id, CaseEvent.id))
_INSERT_EVENTS = insert(_events)
_BODIES = (select(Community.id.label("community"), Community.timezone, Body.id, Body.key,
                  Body.role, Body.level, Body.name, Body.group_id)
           .outerjoin(Body, Body.community_id == Community.id)
           .where(Community.id.in_(bindparam("ids", expanding=True)))
           .order_by(Community.id, Body.level))
_CATEGORIES = (select(Category.id, Category.key, Category.name)
               .where(Category.id.in_(bindparam("ids", expanding=True))))
_HOUSEHOLDS = (select(Household.id, Household.floor_id, Household.room)
               .where(Household.id.in_(bindparam("ids", expanding=True))))
_NAMES = (select(User.id, User.first_name, User.username)
          .where(User.id.in_(bindparam("ids", expanding=True))))
# A unit and (for a tree of KINDS) every unit above it; `unit_labels` reads what a
# deeper or inconsistent tree leaves out.
_UP = [_units.alias(f"up{n}") for n in range(4)]
_UNIT_CHAINS = (select(_UP[0].c.id, _UP[0].c.path, *[c for u in _UP for c in (u.c.id, u.c.name)])
                .select_from(_UP[0].outerjoin(_UP[1], _UP[1].c.id == _UP[0].c.parent_id)
                             .outerjoin(_UP[2], _UP[2].c.id == _UP[1].c.parent_id)
                             .outerjoin(_UP[3], _UP[3].c.id == _UP[2].c.parent_id))
                .where(_UP[0].c.id.in_(bindparam("ids", expanding=True))))
_UNIT_NAMES = select(_units.c.id, _units.c.name).where(
    _units.c.id.in_(bindparam("ids", expanding=True)))
_GROUPS = (select(ChatGroup.id, ChatGroup.chat_id, ChatGroup.thread_id, ChatGroup.community_id,
                  ChatGroup.purpose, Unit.path)
           .outerjoin(Unit, Unit.id == ChatGroup.unit_id)
           .where(ChatGroup.active.is_(True),
                  or_(ChatGroup.id.in_(bindparam("ids", expanding=True)),
                      and_(ChatGroup.community_id.in_(bindparam("communities", expanding=True)),
                           ChatGroup.purpose.in_(bindparam("purposes", expanding=True)))))
           .order_by(ChatGroup.id))
_HOLDERS = (select(RoleAssignment.community_id, RoleAssignment.role, RoleAssignment.user_id)
            .where(RoleAssignment.community_id.in_(bindparam("communities", expanding=True)),
                   RoleAssignment.role.in_(bindparam("roles", expanding=True)))
            .distinct())


async def timelines(session: AsyncSession, case_ids: list[int]) -> dict[int, list[Any]]:
    """The timelines of several cases as plain rows with the fields of `EventRow`, in one
    query (ORM objects cost several times more, and nobody changes a past step)."""
    timeline: dict[int, list[Any]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        for row in await session.execute(_TIMELINES, {"ids": case_ids}):
            timeline[row.case_id].append(row)
    return timeline


def new_event(case_id: int, kind: str, now: datetime, actor_id: int | None = None,
              note: str | None = None, **details: Any) -> EventRow:
    return EventRow(case_id, now, actor_id, kind, note, details)


async def insert_events(session: AsyncSession, events: list[EventRow]) -> None:
    """New timeline steps, one statement for all."""
    if events:
        await session.execute(_INSERT_EVENTS, [e._asdict() for e in events])


async def bodies_of(session: AsyncSession, community_ids: set[int],
                    ) -> tuple[dict[int, str], list[BodyRow]]:
    """The timezones of several communities and their bodies by level, in one query."""
    timezones: dict[int, str] = {}
    found: list[BodyRow] = []
    if community_ids:
        for row in await session.execute(_BODIES, {"ids": sorted(community_ids)}):
            timezones[row.community] = row.timezone
            if row.id is not None:
                found.append(BodyRow(row.id, row.community, row.key, row.role, row.level,
                                     row.name, row.group_id))
    return timezones, found


async def category_labels(session: AsyncSession, ids: set[int],
                          ) -> dict[int, tuple[str | None, str | None]]:
    """(key, name) of several categories."""
    if not ids:
        return {}
    return {cid: (key, name) for cid, key, name
            in await session.execute(_CATEGORIES, {"ids": sorted(ids)})}


async def households(session: AsyncSession, ids: set[int]) -> dict[int, tuple[int, str]]:
    """(floor, room) of several households."""
    if not ids:
        return {}
    return {hid: (floor, room) for hid, floor, room
            in await session.execute(_HOUSEHOLDS, {"ids": sorted(ids)})}


def label_from(path: str, names: dict[int, str]) -> str:
    """A unit's full name ("幸福小区 1号楼 3") from its path and the names of the units on
    it (as `units.label_of`: a unit that is gone is left out)."""
    return " ".join(names[int(p)] for p in path.strip("/").split("/") if p and int(p) in names)


def missing_on(paths: Iterable[str], names: dict[int, str]) -> set[int]:
    return {int(p) for path in paths for p in path.strip("/").split("/")
            if p and int(p) not in names}


async def unit_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {unit_id: name for unit_id, name
            in await session.execute(_UNIT_NAMES, {"ids": sorted(ids)})}


async def unit_labels(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    """The full names of several units: one query for a tree of KINDS."""
    if not ids:
        return {}
    paths: dict[int, str] = {}
    names: dict[int, str] = {}
    for row in await session.execute(_UNIT_CHAINS, {"ids": sorted(ids)}):
        paths[row[0]] = row[1]
        for n in range(2, len(row), 2):
            if row[n] is not None:
                names[row[n]] = row[n + 1]
    names.update(await unit_names(session, missing_on(paths.values(), names)))
    return {unit_id: label_from(path, names) for unit_id, path in paths.items()}


async def active_groups(session: AsyncSession, ids: set[int], community_ids: set[int],
                        purposes: set[str]) -> list[Any]:
    """Active groups by id, or of these communities with one of these purposes, oldest
    first: rows of (id, chat_id, thread_id, community_id, purpose, path of their unit)."""
    if not ids and not (community_ids and purposes):
        return []
    return list(await session.execute(_GROUPS, {"ids": sorted(ids),
                                                "communities": sorted(community_ids),
                                                "purposes": sorted(purposes)}))


async def role_holders(session: AsyncSession, community_ids: set[int], roles: set[str],
                       ) -> dict[tuple[int, str], list[int]]:
    """(community, role) → the users holding it, each once, sorted."""
    held: dict[tuple[int, str], list[int]] = {}
    if community_ids and roles:
        for community_id, role, user_id in await session.execute(
                _HOLDERS, {"communities": sorted(community_ids), "roles": sorted(roles)}):
            held.setdefault((community_id, role), []).append(user_id)
    return {key: sorted(users) for key, users in held.items()}


async def names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = await session.execute(_NAMES, {"ids": sorted(user_ids)})
    return {uid: first or (f"@{username}" if username else str(uid))
            for uid, first, username in rows}
