"""Motions: putting a question to the vote under a rule, voting (in the group, in private,
or door to door by a floor contact), and the live turnout every post shows.

Eligibility comes from the roster, never from chat membership: a verified resident of a
home in scope (an owner, under Article 278). Under Article 278 the voter is the owner — all
their units in scope count once — so two residents of one owner share one ballot; under the
other rules each household has one ballot. A changed vote replaces the earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import MANAGERS, ORGANIZERS
from bot.domain.voting import OWNER_RULES, Choice, Rule, Tally
from bot.services.answering import NotEligible
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.permissions import has_role
from bot.services.reports import ensure_defaults
from storage import (
    UnitOfWork,
    cases_repo,
    groups_repo,
    motions_repo,
    outbox_repo,
    roster_repo,
    surveys_repo,
)
from storage.case_models import Body, Case
from storage.deliberation_models import Motion, MotionScope
from storage.models import Household, Survey

MAX_QUESTION = 300
MIN_LEAD = timedelta(hours=1)
REFRESH_DELAY = timedelta(seconds=3)  # live counts: one edit per group every few seconds


@dataclass(frozen=True)
class MotionView:
    id: int
    community_id: int
    creator_id: int
    question: str
    rule: Rule
    secret: bool
    status: str
    deadline: datetime
    timezone: str
    result: dict[str, Any] | None


@dataclass(frozen=True)
class Vote:
    motion_id: int
    choice: Choice
    voters: int  # how many ballots this vote covers (an owner's homes count once)
    changed: bool
    deadline: datetime
    timezone: str


def ref(motion_id: int) -> str:
    return f"motion:{motion_id}"


async def load_motion(session: AsyncSession, motion_id: int) -> Motion:
    motion = await session.get(Motion, motion_id)
    if motion is None:
        raise NotFound("motion")
    return motion


async def view_of(session: AsyncSession, motion: Motion) -> MotionView:
    community = await groups_repo.community_of(session, motion.community_id)
    return MotionView(motion.id, motion.community_id, motion.creator_id, motion.question,
                      Rule(motion.rule), motion.secret, motion.status, motion.deadline,
                      community.timezone, motion.result)


async def get_motion(uow: UnitOfWork, motion_id: int) -> MotionView:
    async with uow(readonly=True):
        return await view_of(uow.session, await load_motion(uow.session, motion_id))


async def current_tally(session: AsyncSession, motion: Motion) -> Tally:
    paths = await motions_repo.scope_paths(session, motion.id)
    by_owner = motion.rule in OWNER_RULES
    voters, area = await motions_repo.eligible_totals(session, motion, paths, by_owner)
    rows = await motions_repo.tally(session, motion, paths, by_owner)
    return Tally(voters, area, {Choice(c): n for c, (n, _) in rows.items()},
                 {Choice(c): a for c, (_, a) in rows.items()})


def tally_json(tally: Tally) -> dict[str, Any]:
    return {"eligible_voters": tally.eligible_voters, "eligible_area": tally.eligible_area,
            "voters": {str(c): n for c, n in tally.voters.items()},
            "areas": {str(c): a for c, a in tally.areas.items()}}


def post_params(view: MotionView, tally: Tally, *, closed: bool = False) -> dict[str, Any]:
    """What a group post of the motion shows: the question, the rule, the turnout against
    the thresholds, and — unless the ballot is secret — the counts so far."""
    counts = tally_json(tally)
    if view.secret and not closed:
        counts["voters"] = {"cast": tally.cast}
        counts["areas"] = {"cast": tally.cast_area}
    return {"motion_id": view.id, "question": view.question, "rule": str(view.rule),
            "secret": view.secret, "deadline": view.deadline.isoformat(),
            "timezone": view.timezone, "closed": closed, "tally": counts}


def check_question(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("question_empty")
    if len(text) > MAX_QUESTION:
        raise InvalidInput("question_too_long", length=len(text), limit=MAX_QUESTION)
    return text


def check_deadline(deadline: datetime, now: datetime) -> None:
    """A vote stays open at least an hour (so a deadline in the past is refused too)."""
    if deadline < now + MIN_LEAD:
        raise InvalidInput("deadline_past", hours=int(MIN_LEAD.total_seconds() // 3600))


@dataclass(frozen=True)
class MotionDraft:
    question: str
    rule: str | None
    scope_unit_ids: tuple[int | None, ...]
    deadline: datetime
    secret: bool = False
    body_id: int | None = None
    decision_days: int = 30
    case_id: int | None = None
    survey_id: int | None = None
    meeting_id: int | None = None


async def create_motion(uow: UnitOfWork, *, creator_id: int, community_id: int,
                        draft: MotionDraft) -> MotionView:
    """Checks the draft and the creator's role on every scope unit, saves the motion and
    posts it with its vote buttons to every residents' group in scope."""
    question = check_question(draft.question)
    if not draft.rule:
        raise InvalidInput("rule_required")
    try:
        rule = Rule(draft.rule)
    except ValueError:
        raise InvalidInput("rule_required") from None
    if not draft.scope_unit_ids:
        raise InvalidInput("scope_required")
    async with uow:
        session, now = uow.session, uow.now()
        check_deadline(draft.deadline, now)
        for unit_id in draft.scope_unit_ids:
            if not await has_role(session, creator_id, community_id, unit_id, ORGANIZERS):
                raise NotPermitted("no_role_on_scope")
        if draft.body_id is not None:
            body = await session.get(Body, draft.body_id)
            if body is None or body.community_id != community_id:
                raise NotFound("body")
        # Where it comes from (a button's id: checked again), for the decision's "done".
        for model, origin in ((Case, draft.case_id), (Survey, draft.survey_id)):
            if origin is not None:
                found = await session.get(model, origin)
                if found is None or found.community_id != community_id:
                    raise NotFound("motion_origin")
        motion = Motion(community_id=community_id, creator_id=creator_id, question=question,
                        rule=str(rule), secret=draft.secret, status="open",
                        deadline=draft.deadline, created_at=now, meeting_id=draft.meeting_id,
                        case_id=draft.case_id, survey_id=draft.survey_id,
                        decision_body_id=draft.body_id, decision_days=draft.decision_days)
        session.add(motion)
        await session.flush()
        for unit_id in dict.fromkeys(draft.scope_unit_ids):
            session.add(MotionScope(motion_id=motion.id, unit_id=unit_id))
        await session.flush()
        view = await view_of(session, motion)
        params = post_params(view, await current_tally(session, motion))
        paths = await motions_repo.scope_paths(session, motion.id)
        for _gid, chat_id, thread_id, _path in await surveys_repo.groups_in_scope(
                session, community_id, paths):
            outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id,
                                kind="motion_post", params=params, now=now, ref=ref(motion.id))
        await uow.commit()
    return view


async def queue_refresh(session: AsyncSession, motion: Motion, now: datetime,
                        *, closed: bool = False, tally: Tally | None = None) -> None:
    """Edits every group post of the motion with the current turnout (coalesced)."""
    params = post_params(await view_of(session, motion),
                         tally or await current_tally(session, motion), closed=closed)
    await outbox_repo.refresh_posts(session, ref=ref(motion.id), kind="motion_post",
                                    params=params, now=now, delay=REFRESH_DELAY, final=closed)


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



@dataclass(frozen=True)
class BodyChoice:
    id: int
    key: str
    name: str | None


async def decision_bodies(uow: UnitOfWork, community_id: int) -> list[BodyChoice]:
    """The bodies a passed motion can be handed to (the community's defaults on first use)."""
    async with uow:
        await ensure_defaults(uow.session, community_id)
        bodies = await cases_repo.bodies(uow.session, community_id)
        await uow.commit()
    return [BodyChoice(b.id, b.key, b.name) for b in bodies]


@dataclass(frozen=True)
class MotionBrief:
    id: int
    question: str
    status: str
    deadline: datetime
    timezone: str
    passed: bool | None


async def motions_for(uow: UnitOfWork, user_id: int, limit: int = 20) -> list[MotionBrief]:
    """The motions the user created, and — for managers — every motion of their
    communities, newest first."""
    async with uow(readonly=True):
        session = uow.session
        rows = await motions_repo.visible_to(session, user_id, [str(r) for r in MANAGERS],
                                             limit)
        out = []
        for motion in rows:
            timezone = (await groups_repo.community_of(session, motion.community_id)).timezone
            out.append(MotionBrief(motion.id, motion.question, motion.status, motion.deadline,
                                   timezone, (motion.result or {}).get("passed")))
    return out


async def current_post(uow: UnitOfWork, motion_id: int) -> tuple[MotionView, dict[str, Any]]:
    """The motion and what its post shows now (the result once closed)."""
    async with uow(readonly=True):
        session = uow.session
        motion = await load_motion(session, motion_id)
        view = await view_of(session, motion)
        params = post_params(view, await current_tally(session, motion),
                             closed=motion.status != "open")
        if motion.result:
            params["result"] = motion.result
    return view, params
