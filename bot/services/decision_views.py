"""Reading decisions back: the frozen views handlers show (the list, one decision with its
origin and updates), who may act on a decision, and the outbox parameters of its posts.

A decision is for its community to see: verified residents and role holders list and open
every decision of their community. Posting progress and closing it is for the holders of
the responsible body's role (held on the whole community) and for managers (community
admins and committees), who answer for every decision.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import as_utc
from bot.domain.decisions import FollowUp, next_due
from bot.domain.roles import MANAGERS, Role
from bot.services.case_views import Label
from bot.services.errors import NotFound, NotPermitted
from bot.services.permissions import has_role
from storage import UnitOfWork, case_batch_repo, decisions_repo, groups_repo
from storage.case_models import Body
from storage.deliberation_models import Decision, Motion

UPDATES_SHOWN = 5


@dataclass(frozen=True)
class Origin:
    """Where a decision came from: the motion's question, the cases (by number) and the
    surveys (by title) it was about, and the meeting that put it to the vote."""

    question: str
    cases: tuple[int, ...] = ()
    surveys: tuple[str, ...] = ()
    meeting: str | None = None

    def json(self) -> dict[str, Any]:
        return {"question": self.question, "cases": list(self.cases),
                "surveys": list(self.surveys), "meeting": self.meeting}


@dataclass(frozen=True)
class DecisionBrief:
    id: int
    title: str
    status: str
    progress: int
    due_at: datetime
    done_at: datetime | None
    timezone: str
    body: Label
    overdue: bool


@dataclass(frozen=True)
class UpdateView:
    at: datetime
    percent: int
    note: str | None
    photo: str | None
    actor: str


@dataclass(frozen=True)
class DecisionView:
    id: int
    title: str
    status: str
    progress: int
    due_at: datetime
    done_at: datetime | None
    last_update_at: datetime
    timezone: str
    body: Label
    origin: Origin
    updates: tuple[UpdateView, ...]  # the newest UPDATES_SHOWN, oldest first
    can_act: bool  # the reader may post progress and close it (while it is open)
    overdue: bool


def ref(decision_id: int) -> str:
    return f"decision:{decision_id}"


def follow_up(decision: Decision) -> FollowUp:
    return FollowUp(done=decision.status == "done", due_at=as_utc(decision.due_at),
                    quiet_days=decision.quiet_days,
                    last_update_at=as_utc(decision.last_update_at),
                    overdue_reminded=decision.overdue_reminded)


def schedule(decision: Decision, now: datetime) -> None:
    """Sets when the sweeper next looks at the decision (its next reminder). Whoever
    creates a decision calls this, with `last_update_at` set to its start."""
    decision.next_due_at = next_due(follow_up(decision), now)


async def load(session: AsyncSession, decision_id: int) -> tuple[Decision, Body]:
    decision = await session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("decision")
    return decision, await session.get(Body, decision.body_id)


async def may_act(session: AsyncSession, user_id: int, decision: Decision, body: Body) -> bool:
    """Whether the user holds the body's role or a manager's on the whole community."""
    roles = set(MANAGERS)
    with suppress(ValueError):
        roles.add(Role(body.role))
    return await has_role(session, user_id, decision.community_id, None, roles)


async def load_for_reader(session: AsyncSession, user_id: int, decision_id: int,
                          ) -> tuple[Decision, Body, bool]:
    """The decision, if the user belongs to its community; and whether they may act."""
    decision, body = await load(session, decision_id)
    acts = await may_act(session, user_id, decision, body)
    if not acts and decision.community_id not in await decisions_repo.communities_of_user(
            session, user_id):
        raise NotPermitted("not_in_community")
    return decision, body, acts


async def origin_of(session: AsyncSession, decision: Decision) -> Origin:
    motion = await session.get(Motion, decision.motion_id)
    cases, surveys, meeting = await decisions_repo.origin(session, motion)
    return Origin(motion.question, tuple(c.number for c in cases),
                  tuple(s.title for s in surveys), meeting.topic if meeting else None)


async def decision_view(session: AsyncSession, decision: Decision, body: Body,
                        can_act: bool, now: datetime) -> DecisionView:
    community = await groups_repo.community_of(session, decision.community_id)
    rows = (await decisions_repo.updates(session, decision.id))[-UPDATES_SHOWN:]
    names = await case_batch_repo.names(session, {u.actor_id for u in rows})
    updates = tuple(UpdateView(as_utc(u.at), u.percent, u.note, u.photo,
                               names.get(u.actor_id, str(u.actor_id))) for u in rows)
    return DecisionView(
        decision.id, decision.title, decision.status, decision.progress,
        as_utc(decision.due_at), as_utc(decision.done_at) if decision.done_at else None,
        as_utc(decision.last_update_at), community.timezone, Label(body.key, body.name),
        await origin_of(session, decision), updates, can_act and decision.status == "open",
        decision.status == "open" and as_utc(decision.due_at) <= now)


def post_params(view: DecisionView, **extra: Any) -> dict[str, Any]:
    """What a post about the decision says (to groups, the body, a case's reporter)."""
    return {"decision_id": view.id, "title": view.title, "status": view.status,
            "progress": view.progress, "body": view.body.json(),
            "due_at": view.due_at.isoformat(), "timezone": view.timezone,
            "origin": view.origin.json(), **extra}


async def list_decisions(uow: UnitOfWork, user_id: int) -> list[DecisionBrief]:
    """Every decision of the user's communities (where they are a verified resident or hold
    a role): open ones first, soonest due first; then the done ones."""
    async with uow(readonly=True):
        session, now = uow.session, uow.now()
        communities = await decisions_repo.communities_of_user(session, user_id)
        if not communities:
            raise NotPermitted("no_community")
        zones = {c: (await groups_repo.community_of(session, c)).timezone
                 for c in communities}
        return [DecisionBrief(
            d.id, d.title, d.status, d.progress, as_utc(d.due_at),
            as_utc(d.done_at) if d.done_at else None, zones[d.community_id],
            Label(b.key, b.name), d.status == "open" and as_utc(d.due_at) <= now)
            for d, b in await decisions_repo.of_communities(session, communities)]


async def decision_detail(uow: UnitOfWork, user_id: int, decision_id: int) -> DecisionView:
    """One decision for a member of its community, with its newest updates."""
    async with uow(readonly=True):
        decision, body, acts = await load_for_reader(uow.session, user_id, decision_id)
        return await decision_view(uow.session, decision, body, acts, uow.now())
