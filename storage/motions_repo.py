"""Queries of motions: scope, voters, ballots and the tally — computed in SQL, so a motion
over 20,000 households is counted by the database in one pass."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, String, cast, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.deliberation_models import Motion, MotionBallot, MotionScope
from storage.models import Household, Resident, RoleAssignment, Unit
from storage.surveys_repo import in_scope
from storage.upsert import insert_for


async def scope_paths(session: AsyncSession, motion_id: int) -> list[str] | None:
    """The paths of the motion's scope units; None when it covers the whole community."""
    rows = (await session.execute(
        select(MotionScope.unit_id, Unit.path).outerjoin(Unit, Unit.id == MotionScope.unit_id)
        .where(MotionScope.motion_id == motion_id))).all()
    if any(unit_id is None for unit_id, _ in rows):
        return None
    return [path for _, path in rows]


def voter_key(by_owner: bool) -> Any:
    """Who a household's vote belongs to: its owner (all their units together) under the
    owners' rule, else the household itself."""
    household = literal("h").concat(cast(Household.id, String))
    return func.coalesce(Household.owner_key, household) if by_owner else household


def voters(community_id: int, paths: list[str] | None, by_owner: bool) -> Select[Any]:
    """One row per voter in scope: (key, area in m²)."""
    key = voter_key(by_owner).label("key")
    return (select(key, func.sum(Household.area).label("area"))
            .join(Unit, Unit.id == Household.floor_id)
            .where(Household.community_id == community_id, in_scope(paths))
            .group_by(key))


def hundredths(area: Decimal | float | None) -> int:
    return int(round(Decimal(str(area or 0)) * 100))


async def eligible_totals(session: AsyncSession, motion: Motion, paths: list[str] | None,
                          by_owner: bool) -> tuple[int, int]:
    """(voters, area in hundredths of m²) of the whole scope, voted or not."""
    sub = voters(motion.community_id, paths, by_owner).subquery()
    count, area = (await session.execute(select(func.count(), func.sum(sub.c.area)))).one()
    return count, hundredths(area)


async def tally(session: AsyncSession, motion: Motion, paths: list[str] | None,
                by_owner: bool) -> dict[str, tuple[int, int]]:
    """choice → (voters, area in hundredths of m²) of the ballots cast by voters in scope."""
    sub = voters(motion.community_id, paths, by_owner).subquery()
    rows = await session.execute(
        select(MotionBallot.choice, func.count(), func.sum(sub.c.area))
        .join(sub, sub.c.key == MotionBallot.voter_key)
        .where(MotionBallot.motion_id == motion.id).group_by(MotionBallot.choice))
    return {choice: (count, hundredths(area)) for choice, count, area in rows}


async def voter_homes(session: AsyncSession, motion: Motion, paths: list[str] | None,
                      user_id: int, owners_only: bool) -> list[tuple[int, str]]:
    """(household id, voter key) of the homes in scope the user may vote for: verified
    residents, owners only under the owners' rule."""
    stmt = (select(Household.id, voter_key(owners_only))
            .join(Resident, Resident.household_id == Household.id)
            .join(Unit, Unit.id == Household.floor_id)
            .where(Resident.user_id == user_id, Resident.status == "verified",
                   Household.community_id == motion.community_id, in_scope(paths))
            .order_by(Household.id))
    if owners_only:
        stmt = stmt.where(Resident.relation == "owner")
    return [(hid, key) for hid, key in await session.execute(stmt)]


async def home_key(session: AsyncSession, motion: Motion, paths: list[str] | None,
                   household_id: int, by_owner: bool) -> str | None:
    """The voter key of a household in scope (None when it is outside)."""
    return await session.scalar(
        select(voter_key(by_owner)).join(Unit, Unit.id == Household.floor_id)
        .where(Household.id == household_id, Household.community_id == motion.community_id,
               in_scope(paths)))


async def cast_ballot(session: AsyncSession, *, motion_id: int, voter_key: str,
                      household_id: int, user_id: int | None, choice: str, source: str,
                      recorded_by: int | None, now: datetime) -> None:
    """Casts or changes the voter's ballot: one row per voter, the last choice counts."""
    stmt = insert_for(session, MotionBallot).values(
        motion_id=motion_id, voter_key=voter_key, household_id=household_id, user_id=user_id,
        choice=choice, source=source, recorded_by=recorded_by, at=now)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=["motion_id", "voter_key"],
        set_={name: stmt.excluded[name] for name in
              ("household_id", "user_id", "choice", "source", "recorded_by", "at")}))


async def ballot_of(session: AsyncSession, motion_id: int, key: str) -> MotionBallot | None:
    return await session.scalar(select(MotionBallot).where(
        MotionBallot.motion_id == motion_id, MotionBallot.voter_key == key))


def due_to_close(now: datetime) -> Select[Any]:
    return (select(Motion).where(Motion.status == "open", Motion.deadline <= now)
            .order_by(Motion.deadline, Motion.id))


async def not_voted_homes(session: AsyncSession, motion: Motion, paths: list[str] | None,
                          floor_ids: list[int], by_owner: bool) -> list[tuple[int, str]]:
    """(household id, room) of the homes on these floors whose voter has not voted."""
    key = voter_key(by_owner)
    voted = select(MotionBallot.voter_key).where(MotionBallot.motion_id == motion.id)
    rows = await session.execute(
        select(Household.id, Household.room).join(Unit, Unit.id == Household.floor_id)
        .where(Household.floor_id.in_(floor_ids), in_scope(paths), key.not_in(voted))
        .order_by(Household.floor_id, Household.room))
    return [(hid, room) for hid, room in rows]


async def ballots_for_export(session: AsyncSession, motion: Motion, paths: list[str] | None,
                             by_owner: bool) -> list[tuple[Any, ...]]:
    """(voter key, floor id, room, choice, source, at, area) of every ballot in scope."""
    sub = voters(motion.community_id, paths, by_owner).subquery()
    rows = await session.execute(
        select(MotionBallot.voter_key, Household.floor_id, Household.room,
               MotionBallot.choice, MotionBallot.source, MotionBallot.at, sub.c.area)
        .join(sub, sub.c.key == MotionBallot.voter_key)
        .join(Household, Household.id == MotionBallot.household_id)
        .where(MotionBallot.motion_id == motion.id).order_by(MotionBallot.voter_key))
    return [tuple(r) for r in rows]


async def visible_to(session: AsyncSession, user_id: int, manager_roles: list[str],
                     limit: int) -> list[Motion]:
    """Motions the user created or may manage (a community-wide manager role)."""
    managed = select(RoleAssignment.community_id).where(
        RoleAssignment.user_id == user_id, RoleAssignment.role.in_(manager_roles),
        RoleAssignment.unit_id.is_(None))
    return list((await session.execute(
        select(Motion).where(or_(Motion.creator_id == user_id,
                                 Motion.community_id.in_(managed)))
        .order_by(Motion.id.desc()).limit(limit))).scalars())
