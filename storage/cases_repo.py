"""Queries of issue reports: bodies and categories, numbering, similar cases, due cases,
timelines and the statistics."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from types import SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy import case as case_when
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import DEFAULT_BODIES
from storage.case_models import Body, Case, CaseEvent, CaseSupporter, Category
from storage.models import (
    ChatGroup,
    Community,
    Household,
    OutboxMessage,
    Resident,
    RoleAssignment,
    Unit,
    User,
)
from storage.outbox_repo import PENDING
from storage.upsert import insert_for

OPEN = ("new", "info", "accepted")
#: The kind of group each default body hears of cases in (`bot.domain.cases.BodySpec`).
PURPOSES = {b.key: b.purpose for b in DEFAULT_BODIES}


async def bodies(session: AsyncSession, community_id: int) -> list[Body]:
    return list((await session.execute(select(Body).where(Body.community_id == community_id)
                                       .order_by(Body.level))).scalars())


async def categories(session: AsyncSession, community_id: int, *, active_only: bool = True,
                     ) -> list[Category]:
    stmt = select(Category).where(Category.community_id == community_id)
    if active_only:
        stmt = stmt.where(Category.active.is_(True))
    return list((await session.execute(stmt.order_by(Category.position, Category.id)))
                .scalars())


_cases = Case.__table__
_home, _resident, _category, _body = (Household.__table__.alias("home"),
                                      Resident.__table__.alias("resident"),
                                      Category.__table__.alias("category"),
                                      Body.__table__.alias("body"))
_community, _user = Community.__table__.alias("community"), User.__table__.alias("reporter")
_building = Unit.__table__.alias("building")
_FLOOR = [Unit.__table__.alias(f"floor{n}") for n in range(4)]  # the floor and above it
_group, _group_unit = ChatGroup.__table__.alias("grp"), Unit.__table__.alias("grp_unit")
_PURPOSE = case_when({key: purpose for key, purpose in PURPOSES.items() if purpose},
                value=_body.c.key, else_=None)
_REPORT_INPUTS = (
    select(_home.c.id, _home.c.community_id, _home.c.building_id, _home.c.floor_id,
           _home.c.room, _category.c.key.label("category_key"),
           _category.c.name.label("category_name"), *[
               _category.c[c] for c in ("ack_hours", "resolve_hours", "urgent_ack_hours",
                                        "urgent_resolve_hours")],
           _body.c.id.label("body_id"), _body.c.key.label("body_key"),
           _body.c.role.label("body_role"), _body.c.level.label("body_level"),
           _body.c.name.label("body_name"), _body.c.group_id.label("body_group_id"),
           _community.c.timezone, _user.c.id.label("user_id"), _user.c.first_name,
           _user.c.username, _building.c.path.label("building_path"),
           _building.c.name.label("building_name"), _FLOOR[0].c.path.label("floor_path"),
           *[c.label(f"{u.name}_{c.key}") for u in _FLOOR for c in (u.c.id, u.c.name)],
           *[c.label(f"group_{c.key}") for c in (_group.c.id, _group.c.chat_id,
                                                 _group.c.thread_id, _group.c.community_id,
                                                 _group.c.purpose)],
           # A lookup per group found, not a join PostgreSQL would hash over every unit.
           select(_group_unit.c.path).where(_group_unit.c.id == _group.c.unit_id)
           .scalar_subquery().label("group_path"))
    .select_from(
        _home.join(_resident, and_(_resident.c.household_id == _home.c.id,
                                   _resident.c.user_id == bindparam("user_id"),
                                   _resident.c.status == "verified"))
        .join(_category, and_(_category.c.id == bindparam("category_id"),
                              _category.c.community_id == _home.c.community_id,
                              _category.c.active.is_(True)))
        .join(_body, _body.c.id == _category.c.body_id)
        .join(_community, _community.c.id == _home.c.community_id)
        .outerjoin(_user, _user.c.id == bindparam("user_id"))
        .outerjoin(_building, _building.c.id == _home.c.building_id)
        .outerjoin(_FLOOR[0], _FLOOR[0].c.id == _home.c.floor_id)
        .outerjoin(_FLOOR[1], _FLOOR[1].c.id == _FLOOR[0].c.parent_id)
        .outerjoin(_FLOOR[2], _FLOOR[2].c.id == _FLOOR[1].c.parent_id)
        .outerjoin(_FLOOR[3], _FLOOR[3].c.id == _FLOOR[2].c.parent_id)
        # Every group the case may go to (see `active_groups`): the body's own, the
        # community's of the body's purpose, and its residents' groups when shared.
        .outerjoin(_group, and_(_group.c.active.is_(True), or_(
            _group.c.id == _body.c.group_id,
            and_(_group.c.community_id == _home.c.community_id,
                 or_(_group.c.purpose == _PURPOSE,
                     _group.c.purpose == bindparam("neighbours")))))))
    .where(_home.c.id == bindparam("household_id"))
    .order_by(_group.c.id))
_CASE_COLUMNS = [c.key for c in _cases.columns if c.key not in ("id", "number")]
# The number is taken inside the INSERT: no round trip, and the narrowest window for two
# reports of one community at once on PostgreSQL (the unique constraint refuses the second).
_INSERT_CASE = (insert(_cases)
                .values(number=select(func.coalesce(func.max(_cases.c.number), 0) + 1)
                        .where(_cases.c.community_id == bindparam("numbering"))
                        .scalar_subquery())
                .returning(_cases.c.id, _cases.c.number))


async def report_inputs(session: AsyncSession, user_id: int, household_id: int,
                        category_id: int, neighbours: str | None,
                        ) -> tuple[Any, list[Any]]:
    """Everything a new report needs, in one query: the household if the user is its
    verified resident, the category if it is an active one of its community, the body
    responsible, the community's timezone, the reporter's name, the household's floor and
    building with the units above them (their names, for the place's label), and — like
    `active_groups`, oldest first — the groups where the body may hear of it and the
    community's groups of purpose `neighbours`. (None, []) when any of it is refused."""
    rows = (await session.execute(_REPORT_INPUTS, {
        "user_id": user_id, "household_id": household_id, "category_id": category_id,
        "neighbours": neighbours})).all()
    if not rows:
        return None, []
    return rows[0], [GroupRow(r.group_id, r.group_chat_id, r.group_thread_id,
                              r.group_community_id, r.group_purpose, r.group_path)
                     for r in rows if r.group_id is not None]


def units_read(inputs: Any) -> dict[int, str]:
    """The names of the units `report_inputs` read: the building, the floor and the units
    above the floor."""
    names = {} if inputs.building_path is None else {inputs.building_id: inputs.building_name}
    for n in range(len(_FLOOR)):
        unit_id = getattr(inputs, f"floor{n}_id")
        if unit_id is not None:
            names[unit_id] = getattr(inputs, f"floor{n}_name")
    return names


async def insert_case(session: AsyncSession, values: dict[str, Any]) -> tuple[int, int]:
    """Inserts a case (every column but the id and number) numbered next in its
    community; returns (id, number)."""
    row = (await session.execute(_INSERT_CASE, {
        **{key: values.get(key) for key in _CASE_COLUMNS},
        "numbering": values["community_id"]})).one()
    return row[0], row[1]


async def similar_open(session: AsyncSession, building_id: int, category_id: int,
                       reporter_id: int, limit: int = 50) -> list[Case]:
    """Open cases of the same building and category that someone else reported."""
    return list((await session.execute(
        select(Case).where(Case.building_id == building_id, Case.category_id == category_id,
                           Case.status.in_(OPEN), Case.reporter_id != reporter_id)
        .order_by(Case.id.desc()).limit(limit))).scalars())


#: What the sweeper changes on a case.
SWEPT = ("status", "closed_at", "level", "ack_reminded", "resolve_reminded", "next_due_at")
_CLAIM = (select(_cases).where(_cases.c.next_due_at.is_not(None),
                               _cases.c.next_due_at <= bindparam("now"))
          .order_by(_cases.c.next_due_at, _cases.c.id).limit(bindparam("limit"))
          .with_for_update(skip_locked=True))
_UPDATE_SWEPT = (update(_cases).where(_cases.c.id == bindparam("case_id"))
                 .values({key: bindparam(f"new_{key}") for key in SWEPT}))


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[Any]:
    """Up to `limit` cases `due` at `now`, claimed as `storage.due.claim` does, as plain
    objects with every column for an attribute (a sweep of thousands spends less on
    them than on ORM objects); `update_swept` writes back what the sweeper changed."""
    rows = await session.execute(_CLAIM, {"now": now, "limit": limit})
    return [SimpleNamespace(**row._mapping) for row in rows]


async def update_swept(session: AsyncSession, cases: list[Any]) -> None:
    """Saves the SWEPT columns of cases from `claim_due`, one statement for all."""
    if cases:
        await session.execute(_UPDATE_SWEPT, [
            {"case_id": c.id, **{f"new_{key}": getattr(c, key) for key in SWEPT}}
            for c in cases])


def add_event(session: AsyncSession, case: Case, kind: str, now: datetime,
              actor_id: int | None = None, note: str | None = None,
              **details: Any) -> CaseEvent:
    event = CaseEvent(case_id=case.id, at=now, actor_id=actor_id, kind=kind, note=note,
                      details=details)
    session.add(event)
    return event


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
_POSTS = (select(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.thread_id,
                 OutboxMessage.kind, OutboxMessage.ref, OutboxMessage.edit_of)
          .where(OutboxMessage.ref.in_(bindparam("refs", expanding=True)))
          .order_by(OutboxMessage.id))
_WAITING = (select(OutboxMessage.id, OutboxMessage.edit_of)
            .where(OutboxMessage.edit_of.in_(bindparam("ids", expanding=True)),
                   OutboxMessage.status == PENDING)
            .order_by(OutboxMessage.id))


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


async def card_posts(session: AsyncSession, refs: list[str], kinds: tuple[str, ...],
                     ) -> tuple[dict[str, list[Any]], dict[int, int]]:
    """The posts (not edits) of several cases' cards by ref, oldest first — rows of (id,
    chat_id, thread_id, kind, ref, edit_of) — and the id of the edit of each post still
    waiting to be sent: two queries for a whole batch."""
    posts: dict[str, list[Any]] = {r: [] for r in refs}
    if not refs:
        return posts, {}
    # By ref alone, the rest filtered here: given `edit_of IS NULL` too, SQLite walks the
    # edit_of index over nearly every row of the outbox.
    ids = []
    for row in await session.execute(_POSTS, {"refs": refs}):
        if row.kind in kinds and row.edit_of is None:
            posts[row.ref].append(row)
            ids.append(row.id)
    waiting: dict[int, int] = {}
    if ids:
        for row_id, edit_of in await session.execute(_WAITING, {"ids": ids}):
            waiting.setdefault(edit_of, row_id)
    return posts, waiting


async def add_supporter(session: AsyncSession, case_id: int, user_id: int,
                        now: datetime) -> bool:
    """Adds a "me too"; returns False when this user had pressed it already."""
    stmt = (insert_for(session, CaseSupporter)
            .values(case_id=case_id, user_id=user_id, at=now)
            .on_conflict_do_nothing(index_elements=["case_id", "user_id"]))
    return (await session.execute(stmt)).rowcount == 1


async def supporters(session: AsyncSession, case_id: int) -> list[int]:
    return list((await session.execute(select(CaseSupporter.user_id)
                                       .where(CaseSupporter.case_id == case_id))).scalars())


async def of_reporter(session: AsyncSession, user_id: int, limit: int = 20) -> list[Case]:
    return list((await session.execute(
        select(Case).where(Case.reporter_id == user_id).order_by(Case.id.desc()).limit(limit)
    )).scalars())


async def names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = await session.execute(_NAMES, {"ids": sorted(user_ids)})
    return {uid: first or (f"@{username}" if username else str(uid))
            for uid, first, username in rows}


async def verified_homes(session: AsyncSession, user_id: int) -> list[Household]:
    """The homes the user is a verified resident of."""
    return list((await session.execute(
        select(Household).join(Resident, Resident.household_id == Household.id)
        .where(Resident.user_id == user_id, Resident.status == "verified")
        .order_by(Household.id))).scalars())


