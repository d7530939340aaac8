"""Queries of decisions: a community's list, a decision's updates, the scope of the motion
it came from, where that motion came from (cases, surveys, a meeting's agenda), and the
decisions the sweeper must look at."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.case_models import Body, Case
from storage.deliberation_models import (
    AgendaItem,
    Decision,
    DecisionUpdate,
    Meeting,
    Motion,
    MotionScope,
)
from storage.models import ChatGroup, Household, Resident, RoleAssignment, Survey, Unit


async def communities_of_user(session: AsyncSession, user_id: int) -> list[int]:
    """The communities where the user is a verified resident or holds a role."""
    homes = select(Household.community_id).join(
        Resident, Resident.household_id == Household.id).where(
        Resident.user_id == user_id, Resident.status == "verified")
    roles = select(RoleAssignment.community_id).where(RoleAssignment.user_id == user_id)
    rows = await session.execute(homes.union(roles))
    return sorted(rows.scalars())


async def of_communities(session: AsyncSession, community_ids: list[int],
                         ) -> list[tuple[Decision, Body]]:
    """Every decision of the communities with its body: open ones first (soonest due
    first), then the done ones (most recently done first)."""
    if not community_ids:
        return []
    open_first = case((Decision.status == "open", 0), else_=1)
    rows = await session.execute(
        select(Decision, Body).join(Body, Body.id == Decision.body_id)
        .where(Decision.community_id.in_(community_ids))
        .order_by(open_first, case((Decision.status == "open", Decision.due_at)),
                  Decision.done_at.desc(), Decision.id))
    return [(d, b) for d, b in rows]


async def updates(session: AsyncSession, decision_id: int) -> list[DecisionUpdate]:
    """A decision's progress updates, oldest first."""
    return list((await session.execute(
        select(DecisionUpdate).where(DecisionUpdate.decision_id == decision_id)
        .order_by(DecisionUpdate.id))).scalars())


def add_update(session: AsyncSession, decision: Decision, actor_id: int, percent: int,
               note: str | None, photo: str | None, now: datetime) -> DecisionUpdate:
    row = DecisionUpdate(decision_id=decision.id, actor_id=actor_id, percent=percent,
                         note=note, photo=photo, at=now)
    session.add(row)
    return row


async def scope_paths(session: AsyncSession, motion_id: int) -> list[str] | None:
    """The paths of the motion's scope units; None when it covers the whole community
    (a scope row without a unit, or no scope rows at all)."""
    rows = (await session.execute(
        select(MotionScope.unit_id, Unit.path).outerjoin(Unit, Unit.id == MotionScope.unit_id)
        .where(MotionScope.motion_id == motion_id))).all()
    if not rows or any(unit_id is None for unit_id, _ in rows):
        return None
    return [path for _, path in rows]


async def origin(session: AsyncSession, motion: Motion,
                 ) -> tuple[list[Case], list[Survey], Meeting | None]:
    """What the motion came from: its case and survey, and those on the agenda of its
    meeting."""
    case_ids = {motion.case_id} - {None}
    survey_ids = {motion.survey_id} - {None}
    meeting = None
    if motion.meeting_id is not None:
        meeting = await session.get(Meeting, motion.meeting_id)
        rows = await session.execute(
            select(AgendaItem.case_id, AgendaItem.survey_id)
            .where(AgendaItem.meeting_id == motion.meeting_id,
                   or_(AgendaItem.case_id.is_not(None), AgendaItem.survey_id.is_not(None)))
            .order_by(AgendaItem.position))
        for case_id, survey_id in rows:
            case_ids |= {case_id} - {None}
            survey_ids |= {survey_id} - {None}
    cases = list((await session.execute(
        select(Case).where(Case.id.in_(case_ids)).order_by(Case.number))).scalars()
    ) if case_ids else []
    surveys = list((await session.execute(
        select(Survey).where(Survey.id.in_(survey_ids)).order_by(Survey.id))).scalars()
    ) if survey_ids else []
    return cases, surveys, meeting


def due(now: datetime) -> Select[Any]:
    """Open decisions whose next reminder check is due, oldest due first."""
    return (select(Decision).where(Decision.status == "open", Decision.next_due_at.is_not(None),
                                   Decision.next_due_at <= now)
            .order_by(Decision.next_due_at, Decision.id))


async def committee_chats(session: AsyncSession, community_id: int) -> list[tuple[int, int]]:
    """(chat, topic) of the community's active committee groups."""
    rows = await session.execute(
        select(ChatGroup.chat_id, ChatGroup.thread_id)
        .where(ChatGroup.community_id == community_id, ChatGroup.purpose == "committee",
               ChatGroup.active.is_(True)).order_by(ChatGroup.id))
    return [(chat, thread) for chat, thread in rows]
