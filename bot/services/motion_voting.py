"""Voting on a motion: in the group or in private, or door to door, where a floor contact
records a household's paper or spoken vote. Every vote refreshes the turnout the posts show.

Eligibility comes from the roster, never from chat membership: a verified resident of a
home in scope (an owner, under Article 278). Under Article 278 the voter is the owner — all
their units in scope count once — so two residents of one owner share one ballot; under the
other rules each household has one ballot. A changed vote replaces the earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import MANAGERS
from bot.domain.voting import OWNER_RULES, Choice
from bot.services.answering import NotEligible
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.motion_views import load_motion, queue_refresh
from bot.services.permissions import has_role
from storage import UnitOfWork, groups_repo, motions_repo, roster_repo
from storage.deliberation_models import Motion
from storage.models import Household


@dataclass(frozen=True)
class Vote:
    motion_id: int
    choice: Choice
    voters: int  # how many ballots this vote covers (an owner's homes count once)
    changed: bool
    deadline: datetime
    timezone: str


async def _open(session: AsyncSession, motion_id: int, now: datetime) -> Motion:
    motion = await load_motion(session, motion_id)
    if motion.status != "open" or motion.deadline <= now:
        raise NotEligible("motion_closed_vote")
    return motion


def _choice(choice: str) -> Choice:
    try:
        return Choice(choice)
    except ValueError:
        raise InvalidInput("bad_choice") from None


async def _why_no_vote(session: AsyncSession, motion: Motion, paths: list[str] | None,
                       user_id: int, owners: bool) -> str:
    """Why someone has no vote: no verified home in the community at all (join first), a
    tenant or family member under an owners' rule, or a home outside the motion's scope."""
    if not await motions_repo.voter_homes(session, motion, None, user_id, False):
        return "motion_not_verified"
    if owners and await motions_repo.voter_homes(session, motion, paths, user_id, False):
        return "motion_not_owner"
    return "motion_not_in_scope"


async def cast_vote(uow: UnitOfWork, *, user_id: int, motion_id: int, choice: str) -> Vote:
    """Casts (or changes) the user's vote for every voter they stand for in scope."""
    picked = _choice(choice)
    async with uow:
        session, now = uow.session, uow.now()
        motion = await _open(session, motion_id, now)
        paths = await motions_repo.scope_paths(session, motion.id)
        owners = motion.rule in OWNER_RULES
        homes = await motions_repo.voter_homes(session, motion, paths, user_id, owners)
        if not homes:
            raise NotEligible(await _why_no_vote(session, motion, paths, user_id, owners))
        keys = dict((key, hid) for hid, key in reversed(homes))
        changed = False
        for key, household_id in keys.items():
            before = await motions_repo.ballot_of(session, motion.id, key)
            changed = changed or (before is not None and before.choice != str(picked))
            await motions_repo.cast_ballot(session, motion_id=motion.id, voter_key=key,
                                           household_id=household_id, user_id=user_id,
                                           choice=str(picked), source="self",
                                           recorded_by=None, now=now)
        await queue_refresh(session, motion, now)
        timezone = (await groups_repo.community_of(session, motion.community_id)).timezone
        await uow.commit()
    return Vote(motion.id, picked, len(keys), changed, motion.deadline, timezone)


async def _contact_floors(session: AsyncSession, contact_id: int, motion: Motion) -> list[int]:
    return [f.id for f in await roster_repo.floors_looked_after(session, contact_id,
                                                                motion.community_id)]


@dataclass(frozen=True)
class DoorHome:
    household_id: int
    room: str


async def door_homes(uow: UnitOfWork, *, contact_id: int, motion_id: int) -> list[DoorHome]:
    """The homes of the contact's floors whose voter has not voted yet."""
    async with uow(readonly=True):
        session = uow.session
        motion = await _open(session, motion_id, uow.now())
        floors = await _contact_floors(session, contact_id, motion)
        if not floors:
            raise NotPermitted("not_floor_contact")
        paths = await motions_repo.scope_paths(session, motion.id)
        rows = await motions_repo.not_voted_homes(session, motion, paths, floors,
                                                  motion.rule in OWNER_RULES)
    return [DoorHome(hid, room) for hid, room in rows]


async def record_door_vote(uow: UnitOfWork, *, contact_id: int, motion_id: int,
                           household_id: int, choice: str) -> Vote:
    """A floor contact records a household's (its owner's) paper or spoken vote."""
    picked = _choice(choice)
    async with uow:
        session, now = uow.session, uow.now()
        motion = await _open(session, motion_id, now)
        paths = await motions_repo.scope_paths(session, motion.id)
        key = await motions_repo.home_key(session, motion, paths, household_id,
                                          motion.rule in OWNER_RULES)
        if key is None:
            raise NotEligible("motion_not_in_scope")
        home = await session.get(Household, household_id)
        if home.floor_id not in await _contact_floors(session, contact_id, motion) and not (
                await has_role(session, contact_id, motion.community_id, None, MANAGERS)):
            raise NotPermitted("not_floor_contact")
        await motions_repo.cast_ballot(session, motion_id=motion.id, voter_key=key,
                                       household_id=household_id, user_id=None,
                                       choice=str(picked), source="door",
                                       recorded_by=contact_id, now=now)
        await queue_refresh(session, motion, now)
        timezone = (await groups_repo.community_of(session, motion.community_id)).timezone
        await uow.commit()
    return Vote(motion.id, picked, 1, False, motion.deadline, timezone)
