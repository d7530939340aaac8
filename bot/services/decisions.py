"""Following a decision through: the responsible body posts progress, each update is
announced to the residents' groups in the motion's scope, and "done" closes the loop with
an announcement that refers back to the case or survey the motion came from. The sweeper
reminds the body when no update came for `quiet_days` and once when the due date passes.

Every action re-checks on the server who acts and whether the decision is still open,
whatever id a button carried. Reading (the list, one decision) is in `decision_views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import decisions as rules
from bot.domain.clock import as_utc
from bot.services.case_views import body_targets, case_view, queue_card_refresh
from bot.services.decision_views import (
    DecisionView,
    decision_detail,
    decision_view,
    follow_up,
    list_decisions,
    load,
    may_act,
    post_params,
    ref,
    schedule,
)
from bot.services.errors import InvalidInput, NotPermitted
from storage import UnitOfWork, cases_repo, decisions_repo, due, groups_repo, outbox_repo
from storage.case_models import Body
from storage.deliberation_models import Decision, Motion
from storage.surveys_repo import groups_in_scope

__all__ = ["Announced", "check_actor", "check_note", "decision_detail", "list_decisions",
           "mark_done", "post_progress", "sweep_decisions"]


@dataclass(frozen=True)
class Announced:
    """The decision after an update, and how many groups will hear of it."""

    decision: DecisionView
    groups: int


def _valid(check: Any, *args: Any) -> Any:
    """A domain check whose refusal becomes the InvalidInput handlers describe."""
    try:
        return check(*args)
    except rules.DecisionError as error:
        raise InvalidInput(error.code, **error.details) from None


async def _load_for_body(session: AsyncSession, user_id: int, decision_id: int,
                         ) -> tuple[Decision, Body]:
    decision, body = await load(session, decision_id)
    if not await may_act(session, user_id, decision, body):
        raise NotPermitted("not_decision_body")
    if decision.status != "open":
        raise InvalidInput("decision_done")
    return decision, body


def check_note(note: str | None) -> str:
    """The note of an update or of the closing, if it can be accepted (before the preview)."""
    return _valid(rules.check_note, note)


async def check_actor(uow: UnitOfWork, user_id: int, decision_id: int,
                      percent: int | None = None) -> DecisionView:
    """The decision, if this user may post on it now — and, if given, that the percentage
    can be posted (before asking them for anything more)."""
    async with uow(readonly=True):
        decision, body = await _load_for_body(uow.session, user_id, decision_id)
        if percent is not None:
            _valid(rules.check_percent, decision.progress, percent)
        return await decision_view(uow.session, decision, body, True, uow.now())


async def _groups(session: AsyncSession, decision: Decision, *, committee: bool,
                  ) -> list[tuple[int, int]]:
    """The residents' groups in the motion's scope (and the committee groups), once each."""
    paths = await decisions_repo.scope_paths(session, decision.motion_id)
    chats = [(chat, thread) for _id, chat, thread, _path
             in await groups_in_scope(session, decision.community_id, paths)]
    if committee:
        chats += await decisions_repo.committee_chats(session, decision.community_id)
    return list(dict.fromkeys(chats))


def _announce(session: AsyncSession, targets: list[tuple[int, int]], kind: str,
              params: dict[str, Any], decision_id: int, now: datetime) -> None:
    for chat_id, thread_id in targets:
        outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id, kind=kind,
                            params=params, now=now, ref=ref(decision_id))


async def post_progress(uow: UnitOfWork, *, user_id: int, decision_id: int, percent: int,
                        note: str | None, photo: str | None = None) -> Announced:
    """Records an update and announces it to every residents' group in scope."""
    note = check_note(note)
    async with uow:
        session, now = uow.session, uow.now()
        decision, body = await _load_for_body(session, user_id, decision_id)
        decision.progress = _valid(rules.check_percent, decision.progress, percent)
        decision.last_update_at = now
        schedule(decision, now)
        decisions_repo.add_update(session, decision, user_id, decision.progress, note, photo,
                                  now)
        await session.flush()
        view = await decision_view(session, decision, body, True, now)
        targets = await _groups(session, decision, committee=False)
        _announce(session, targets, "decision_progress",
                  post_params(view, note=note, photo=photo), decision.id, now)
        await uow.commit()
    return Announced(view, len(targets))


async def mark_done(uow: UnitOfWork, *, user_id: int, decision_id: int,
                    note: str | None) -> Announced:
    """Closes the decision (at 100%) with a closing note, announces it to the groups in
    scope and the committee groups, and — for each case it came from — puts it on the
    case's timeline and tells the case's reporter in private."""
    note = check_note(note)
    async with uow:
        session, now = uow.session, uow.now()
        decision, body = await _load_for_body(session, user_id, decision_id)
        late = now > as_utc(decision.due_at)
        decision.status, decision.done_at, decision.progress = "done", now, 100
        decision.next_due_at = None
        decisions_repo.add_update(session, decision, user_id, 100, note, None, now)
        await session.flush()
        view = await decision_view(session, decision, body, False, now)
        params = post_params(view, note=note, done_at=now.isoformat(), late=late)
        targets = await _groups(session, decision, committee=True)
        _announce(session, targets, "decision_done", params, decision.id, now)
        await _close_cases(session, decision, user_id, note, params, now)
        await uow.commit()
    return Announced(view, len(targets))


async def _close_cases(session: AsyncSession, decision: Decision, user_id: int, note: str,
                       params: dict[str, Any], now: datetime) -> None:
    motion = await session.get(Motion, decision.motion_id)
    cases, _surveys, _meeting = await decisions_repo.origin(session, motion)
    reporters: dict[int, list[int]] = {}
    for case in cases:
        cases_repo.add_event(session, case, "decision_done", now, user_id, note,
                             decision_id=decision.id)
        reporters.setdefault(case.reporter_id, []).append(case.number)
    await session.flush()
    for case in cases:
        await queue_card_refresh(session, await case_view(session, case), now)
    for reporter_id, numbers in reporters.items():
        outbox_repo.enqueue(session, chat_id=reporter_id, kind="decision_done", now=now,
                            params={**params, "reporter_cases": numbers})


async def sweep_decisions(uow: UnitOfWork, now: datetime, limit: int) -> int:
    """Sweeper task: reminds the bodies of decisions that had no update for their quiet
    days, or whose due date passed (that one once)."""
    async with uow:
        session = uow.session
        decisions = await due.claim(session, decisions_repo.due(now), limit)
        targets: dict[int, list[tuple[int, int]]] = {}
        zones: dict[int, str] = {}
        for decision in decisions:
            scheduled = as_utc(decision.next_due_at) if decision.next_due_at else None
            step = rules.plan(follow_up(decision), scheduled, now)
            decision.overdue_reminded, decision.next_due_at = (step.overdue_reminded,
                                                               step.next_due_at)
            if not step.remind:
                continue
            if decision.body_id not in targets:
                body = await session.get(Body, decision.body_id)
                targets[decision.body_id] = await body_targets(session, body)
            if decision.community_id not in zones:
                community = await groups_repo.community_of(session, decision.community_id)
                zones[decision.community_id] = community.timezone
            params = {"decision_id": decision.id, "title": decision.title,
                      "progress": decision.progress, "reasons": [str(r) for r in step.remind],
                      "due_at": as_utc(decision.due_at).isoformat(),
                      "last_update_at": as_utc(decision.last_update_at).isoformat(),
                      "quiet_days": decision.quiet_days,
                      "timezone": zones[decision.community_id]}
            _announce(session, targets[decision.body_id], "decision_reminder", params,
                      decision.id, now)
        await uow.commit()
    return len(decisions)
