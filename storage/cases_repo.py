"""Queries of issue reports: bodies and categories, numbering, similar cases, due cases,
timelines and the statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.case_models import Body, Case, CaseEvent, CaseSupporter, Category
from storage.models import ChatGroup, Household, OutboxMessage, Resident, Unit, User
from storage.outbox_repo import PENDING
from storage.upsert import insert_for

OPEN = ("new", "info", "accepted")


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


async def next_number(session: AsyncSession, community_id: int) -> int:
    """The community's next case number (the caller holds the write lock or retries)."""
    top = await session.scalar(select(func.max(Case.number))
                               .where(Case.community_id == community_id))
    return (top or 0) + 1


async def similar_open(session: AsyncSession, building_id: int, category_id: int,
                       reporter_id: int, limit: int = 50) -> list[Case]:
    """Open cases of the same building and category that someone else reported."""
    return list((await session.execute(
        select(Case).where(Case.building_id == building_id, Case.category_id == category_id,
                           Case.status.in_(OPEN), Case.reporter_id != reporter_id)
        .order_by(Case.id.desc()).limit(limit))).scalars())


def due(now: datetime) -> Select[Any]:
    """Cases the sweeper must look at (reminder, escalation, auto-close), oldest due first."""
    return (select(Case).where(Case.next_due_at.is_not(None), Case.next_due_at <= now)
            .order_by(Case.next_due_at, Case.id))


async def events(session: AsyncSession, case_ids: list[int]) -> dict[int, list[CaseEvent]]:
    """The timelines of several cases, in one query."""
    timeline: dict[int, list[CaseEvent]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return timeline
    rows = await session.execute(select(CaseEvent).where(CaseEvent.case_id.in_(case_ids))
                                 .order_by(CaseEvent.case_id, CaseEvent.id))
    for event in rows.scalars():
        timeline[event.case_id].append(event)
    return timeline


def add_event(session: AsyncSession, case: Case, kind: str, now: datetime,
              actor_id: int | None = None, note: str | None = None,
              **details: Any) -> CaseEvent:
    event = CaseEvent(case_id=case.id, at=now, actor_id=actor_id, kind=kind, note=note,
                      details=details)
    session.add(event)
    return event


async def categories_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Category]:
    """Several categories in one query (the sweeper's batch)."""
    if not ids:
        return {}
    rows = await session.execute(select(Category).where(Category.id.in_(ids)))
    return {c.id: c for c in rows.scalars()}


async def households_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Household]:
    if not ids:
        return {}
    rows = await session.execute(select(Household).where(Household.id.in_(ids)))
    return {h.id: h for h in rows.scalars()}


async def units_with_ancestors(session: AsyncSession, ids: set[int]) -> dict[int, Unit]:
    """The units and every unit on their paths, in two queries (for their full names)."""
    if not ids:
        return {}
    found = {u.id: u for u in (await session.execute(
        select(Unit).where(Unit.id.in_(ids)))).scalars()}
    above = {int(p) for u in found.values() for p in u.path.strip("/").split("/") if p}
    above -= found.keys()
    if above:
        found.update({u.id: u for u in (await session.execute(
            select(Unit).where(Unit.id.in_(above)))).scalars()})
    return found


async def card_posts(session: AsyncSession, refs: list[str], kinds: tuple[str, ...],
                     ) -> tuple[dict[str, list[OutboxMessage]], dict[int, OutboxMessage]]:
    """The posts (not edits) of several cases' cards by ref, oldest first, and the edit of
    each post still waiting to be sent — two queries for a whole batch."""
    posts: dict[str, list[OutboxMessage]] = {r: [] for r in refs}
    if not refs:
        return posts, {}
    # By ref alone, the rest filtered here: given `edit_of IS NULL` too, SQLite walks the
    # edit_of index over nearly every row of the outbox.
    rows = await session.execute(select(OutboxMessage).where(OutboxMessage.ref.in_(refs))
                                 .order_by(OutboxMessage.id))
    ids = []
    for row in rows.scalars():
        if row.kind in kinds and row.edit_of is None:
            posts[row.ref].append(row)
            ids.append(row.id)
    waiting: dict[int, OutboxMessage] = {}
    if ids:
        for row in (await session.execute(select(OutboxMessage).where(
                OutboxMessage.edit_of.in_(ids), OutboxMessage.status == PENDING)
                .order_by(OutboxMessage.id))).scalars():
            waiting.setdefault(row.edit_of, row)
    return posts, waiting


async def insert_all(session: AsyncSession, rows: list[Any]) -> None:
    """Inserts new ORM objects that nobody reads back, one statement per table. (The ORM
    inserts rows one at a time on SQLite to learn their ids.) Unset columns get their
    Python defaults, as a flush would give them."""
    by_table: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        table = type(row).__table__
        values = {}
        for column in table.columns:
            if column.primary_key:
                continue
            value = getattr(row, column.key)
            if value is None and column.default is not None:
                value = column.default.arg(None) if column.default.is_callable else (
                    column.default.arg)
            values[column.key] = value
        by_table.setdefault(type(row), []).append(values)
    connection = await session.connection()
    for model, values in by_table.items():
        # The table, not the mapped class: ORM bulk mode would split the rows by which
        # columns are None and again insert them one at a time.
        await connection.execute(insert(model.__table__), values)


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
    rows = await session.execute(select(User.id, User.first_name, User.username)
                                 .where(User.id.in_(user_ids)))
    return {uid: first or (f"@{username}" if username else str(uid))
            for uid, first, username in rows}


async def verified_homes(session: AsyncSession, user_id: int) -> list[Household]:
    """The homes the user is a verified resident of."""
    return list((await session.execute(
        select(Household).join(Resident, Resident.household_id == Household.id)
        .where(Resident.user_id == user_id, Resident.status == "verified")
        .order_by(Household.id))).scalars())


async def body_chats(session: AsyncSession, body: Body, purpose: str | None,
                     ) -> list[tuple[int, int]]:
    """(chat, topic) of the groups a body's cases go to: its own group, else the
    community's active groups of its purpose."""
    stmt = select(ChatGroup.chat_id, ChatGroup.thread_id).where(ChatGroup.active.is_(True))
    if body.group_id is not None:
        stmt = stmt.where(ChatGroup.id == body.group_id)
    elif purpose is not None:
        stmt = stmt.where(ChatGroup.community_id == body.community_id,
                          ChatGroup.purpose == purpose)
    else:
        return []
    return [(chat, thread) for chat, thread in await session.execute(stmt.order_by(ChatGroup.id))]


async def building_chats(session: AsyncSession, community_id: int, building: Unit,
                         ) -> list[tuple[int, int]]:
    """Residents' groups of the building, or of the compound above it."""
    rows = await session.execute(
        select(ChatGroup.chat_id, ChatGroup.thread_id, Unit.path)
        .join(Unit, Unit.id == ChatGroup.unit_id)
        .where(ChatGroup.community_id == community_id, ChatGroup.purpose == "residents",
               ChatGroup.active.is_(True)).order_by(ChatGroup.id))
    return [(chat, thread) for chat, thread, path in rows if building.path.startswith(path)]
