"""Queries of issue reports: bodies and categories, the report flow's one read and its inserts,
similar cases, the sweep's claim and write-back, supporters and the reporter's cases."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy import case as case_when
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import DEFAULT_BODIES
from storage.case_batch_repo import GroupRow
from storage.case_models import Body, Case, CaseEvent, CaseSupporter, Category
from storage.models import (
    ChatGroup,
    Community,
    Household,
    Resident,
    Unit,
    User,
)
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
_above = Body.__table__.alias("above")  # the next body up the chain
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
           *[c.label(f"above_{c.key}") for c in (_above.c.id, _above.c.key, _above.c.role,
                                                 _above.c.level, _above.c.name,
                                                 _above.c.group_id)],
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
        .outerjoin(_above, and_(_above.c.community_id == _home.c.community_id,
                                _above.c.level == _body.c.level + 1))
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
_CASE_COLUMNS = [c.key for c in _cases.columns if c.key != "id"]
_INSERT_CASES = insert(_cases).returning(_cases.c.id, sort_by_parameter_order=True)
_LAST_NUMBERS = (select(_cases.c.community_id, func.max(_cases.c.number))
                 .where(_cases.c.community_id.in_(bindparam("ids", expanding=True)))
                 .group_by(_cases.c.community_id))


async def report_inputs(session: AsyncSession, user_id: int, household_id: int,
                        category_id: int, neighbours: str | None,
                        ) -> tuple[Any, list[Any]]:
    """Everything a new report needs, in one query: the household if the user is its
    verified resident, the category if it is an active one of its community, the body
    responsible and the one above it, the community's timezone, the reporter's name, the
    household's floor and building with the units above them (their names, for the
    place's label), and — like
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


async def next_numbers(session: AsyncSession, community_ids: set[int]) -> dict[int, int]:
    """The number the next case of each community gets (1 for its first). Numbers are
    taken in the inserting transaction; on PostgreSQL two processes may take the same one,
    and the unique constraint refuses the second (`storage.group_commit` runs it again)."""
    last = dict((await session.execute(_LAST_NUMBERS, {"ids": list(community_ids)})).all())
    return {c: (last.get(c) or 0) + 1 for c in community_ids}


async def insert_cases(session: AsyncSession, cases: list[dict[str, Any]]) -> list[int]:
    """Inserts cases (every column but the id) in one statement; returns their ids, in
    order."""
    rows = [{key: values.get(key) for key in _CASE_COLUMNS} for values in cases]
    return list((await session.execute(_INSERT_CASES, rows)).scalars())


async def similar_open(session: AsyncSession, building_id: int, category_id: int,
                       reporter_id: int, limit: int = 50) -> list[Case]:
    """Open cases of the same building and category that someone else reported."""
    return list((await session.execute(
        select(Case).where(Case.building_id == building_id, Case.category_id == category_id,
                           Case.status.in_(OPEN), Case.reporter_id != reporter_id)
        .order_by(Case.id.desc()).limit(limit))).scalars())


#: What the sweeper changes on a case.
SWEPT = ("status", "closed_at", "level", "ack_reminded", "resolve_reminded",
         "reporter_reminded", "next_due_at")
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



async def verified_homes(session: AsyncSession, user_id: int) -> list[Household]:
    """The homes the user is a verified resident of."""
    return list((await session.execute(
        select(Household).join(Resident, Resident.household_id == Household.id)
        .where(Resident.user_id == user_id, Resident.status == "verified")
        .order_by(Household.id))).scalars())


