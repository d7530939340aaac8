"""Meetings in the database: scopes as unit paths, candidate times with their tallies
(GROUP BY, never a loop over answers), who may answer, and the agenda's sources."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.case_models import Case
from storage.cases_repo import OPEN
from storage.deliberation_models import (
    AgendaItem,
    Availability,
    Meeting,
    MeetingScope,
    MeetingSlot,
)
from storage.models import Community, Household, Resident, Survey, Unit
from storage.surveys_repo import scoped_households


async def scope_paths(session: AsyncSession, meeting_id: int) -> list[str] | None:
    """The paths of the meeting's scope units; None when it covers the whole community."""
    rows = (await session.execute(
        select(MeetingScope.unit_id, Unit.path).outerjoin(Unit, Unit.id == MeetingScope.unit_id)
        .where(MeetingScope.meeting_id == meeting_id))).all()
    if not rows or any(unit_id is None for unit_id, _ in rows):
        return None
    return [path for _, path in rows]


async def slots(session: AsyncSession, meeting_id: int) -> list[MeetingSlot]:
    return list((await session.execute(
        select(MeetingSlot).where(MeetingSlot.meeting_id == meeting_id)
        .order_by(MeetingSlot.position))).scalars())


async def agenda(session: AsyncSession, meeting_id: int) -> list[AgendaItem]:
    return list((await session.execute(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position))).scalars())


async def tallies(session: AsyncSession, meeting_id: int) -> dict[int, dict[str, int]]:
    """Per candidate time: how many answered yes, maybe and no."""
    rows = await session.execute(
        select(Availability.slot_id, Availability.answer, func.count())
        .where(Availability.meeting_id == meeting_id)
        .group_by(Availability.slot_id, Availability.answer))
    found: dict[int, dict[str, int]] = {}
    for slot_id, answer, n in rows:
        found.setdefault(slot_id, {})[answer] = n
    return found


async def answer_of(session: AsyncSession, slot_id: int, user_id: int) -> Availability | None:
    return await session.scalar(select(Availability).where(
        Availability.slot_id == slot_id, Availability.user_id == user_id))


async def drop_answer(session: AsyncSession, row: Availability) -> None:
    await session.execute(delete(Availability).where(Availability.id == row.id))


async def verified_in_scope(session: AsyncSession, user_id: int, community_id: int,
                            paths: list[str] | None) -> tuple[bool, bool]:
    """(is a verified resident anywhere, of a household in scope)."""
    homes = list((await session.execute(select(Resident.household_id).where(
        Resident.user_id == user_id, Resident.status == "verified"))).scalars())
    if not homes:
        return False, False
    found = await session.scalar(scoped_households(community_id, paths)
                                 .where(Household.id.in_(homes)).limit(1))
    return True, found is not None


def due(now: datetime) -> Select[Any]:
    """Meetings the sweeper must look at (a closing poll, a reminder), oldest due first."""
    return (select(Meeting).where(Meeting.next_due_at.is_not(None), Meeting.next_due_at <= now)
            .order_by(Meeting.next_due_at, Meeting.id))


async def created_by(session: AsyncSession, user_id: int, limit: int,
                     ) -> list[tuple[Meeting, str]]:
    """The user's meetings, newest first, with their community's timezone."""
    rows = await session.execute(
        select(Meeting, Community.timezone).join(Community, Community.id == Meeting.community_id)
        .where(Meeting.creator_id == user_id).order_by(Meeting.id.desc()).limit(limit))
    return [(m, tz) for m, tz in rows]


async def open_cases(session: AsyncSession, community_id: int, limit: int) -> list[Case]:
    return list((await session.execute(
        select(Case).where(Case.community_id == community_id, Case.status.in_(OPEN))
        .order_by(Case.id.desc()).limit(limit))).scalars())


async def closed_surveys(session: AsyncSession, community_id: int, limit: int,
                         ) -> list[Survey]:
    return list((await session.execute(
        select(Survey).where(Survey.community_id == community_id, Survey.status == "closed")
        .order_by(Survey.closed_at.desc(), Survey.id.desc()).limit(limit))).scalars())


async def topics_discussing_surveys(session: AsyncSession, survey_ids: list[int],
                                    ) -> dict[int, list[str]]:
    """survey id → topics of the held meetings that had it on their agenda."""
    if not survey_ids:
        return {}
    rows = await session.execute(
        select(AgendaItem.survey_id, Meeting.topic).join(Meeting, Meeting.id
                                                         == AgendaItem.meeting_id)
        .where(AgendaItem.survey_id.in_(survey_ids), Meeting.status == "held")
        .order_by(Meeting.id))
    found: dict[int, list[str]] = {}
    for survey_id, topic in rows:
        found.setdefault(survey_id, []).append(topic)
    return found
