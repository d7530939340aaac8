"""Motions: putting a question to the vote under a rule. The draft is checked (the question,
the rule, the scope, a deadline at least an hour ahead, the creator's role on every scope
unit), then the motion is saved and posted with its vote buttons to every residents' group
in scope. A passed motion is handed to a body, picked from the community's bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.roles import ORGANIZERS
from bot.domain.voting import Rule
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.motion_views import MotionView, current_tally, post_params, ref, view_of
from bot.services.permissions import has_role
from bot.services.reports import ensure_defaults
from storage import UnitOfWork, cases_repo, motions_repo, outbox_repo, surveys_repo
from storage.case_models import Body, Case
from storage.deliberation_models import Motion, MotionScope
from storage.models import Survey

MAX_QUESTION = 300
MIN_LEAD = timedelta(hours=1)


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
