"""Reading motions back: the frozen view of a motion, its live turnout, what every group post
of it shows (edits coalesced to one every few seconds), and the motions a user may open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import MANAGERS
from bot.domain.voting import OWNER_RULES, Choice, Rule, Tally
from bot.services.errors import NotFound
from storage import UnitOfWork, groups_repo, motions_repo, outbox_repo
from storage.deliberation_models import Motion

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


async def queue_refresh(session: AsyncSession, motion: Motion, now: datetime,
                        *, closed: bool = False, tally: Tally | None = None) -> None:
    """Edits every group post of the motion with the current turnout (coalesced)."""
    params = post_params(await view_of(session, motion),
                         tally or await current_tally(session, motion), closed=closed)
    await outbox_repo.refresh_posts(session, ref=ref(motion.id), kind="motion_post",
                                    params=params, now=now, delay=REFRESH_DELAY, final=closed)


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
