"""Queries of issue reports: bodies and categories, numbering, similar cases, due cases,
timelines and the statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.case_models import Body, Case, CaseEvent, CaseSupporter, Category
from storage.models import ChatGroup, Household, Resident, Unit, User
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
