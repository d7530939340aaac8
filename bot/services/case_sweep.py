"""The SLA clock at work: reminders before each deadline, escalation of overdue cases one
level up the chain per overdue window, and the closing of resolved cases nobody confirmed.

`next_due_at` is the only column the sweeper reads to find work; after acting on a case it
is set again from `plan`, in the same transaction as the messages, so a sweep interrupted by
a restart is redone whole or not at all — never an escalation twice, never one skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import Sla, Status, plan
from bot.services.case_views import (
    body_targets,
    card_params,
    case_view,
    notice_params,
    queue_card_refresh,
    ref,
)
from storage import UnitOfWork, cases_repo, due, groups_repo, outbox_repo
from storage.case_models import Body, Case


def sla_of(case: Case) -> Sla:
    return Sla(status=Status(case.status), acked=case.acked_at is not None,
               ack_due=case.ack_due, resolve_due=case.resolve_due,
               ack_window=timedelta(hours=case.ack_hours),
               resolve_window=timedelta(hours=case.resolve_hours),
               ack_reminded=case.ack_reminded, resolve_reminded=case.resolve_reminded,
               level=case.level, base_level=case.base_level, resolved_at=case.resolved_at)


def schedule(case: Case, now: datetime) -> None:
    """Sets when the sweeper next needs to look at the case."""
    case.next_due_at = plan(sla_of(case), now).next_due_at


@dataclass
class _Chain:
    """One community's bodies by level and where each hears of cases, read once a batch."""

    bodies: dict[int, Body]
    targets: dict[int, list[tuple[int, int]]]
    timezone: str


async def _chain(session: AsyncSession, community_id: int, cache: dict[int, _Chain]) -> _Chain:
    if community_id not in cache:
        bodies = {b.level: b for b in await cases_repo.bodies(session, community_id)}
        community = await groups_repo.community_of(session, community_id)
        cache[community_id] = _Chain(bodies, {level: await body_targets(session, body)
                                              for level, body in bodies.items()},
                                     community.timezone)
    return cache[community_id]


async def sweep_cases(uow: UnitOfWork, now: datetime, limit: int) -> int:
    """Sweeper task: acts on every case whose next step is due."""
    async with uow:
        session = uow.session
        cases = await due.claim(session, cases_repo.due(now), limit)
        chains: dict[int, _Chain] = {}
        timelines = await cases_repo.events(session, [c.id for c in cases
                                                      if c.status != Status.RESOLVED])
        for case in cases:
            await _act(session, case, now, await _chain(session, case.community_id, chains),
                       timelines.get(case.id, []))
        await uow.commit()
    return len(cases)


async def _act(session: AsyncSession, case: Case, now: datetime, chain: _Chain,
               timeline: list[Any]) -> None:
    step = plan(sla_of(case), now)
    if step.close:
        case.status, case.closed_at = Status.CLOSED, now
        cases_repo.add_event(session, case, "closed", now, auto=True)
        view = await case_view(session, case)
        outbox_repo.enqueue(session, chat_id=case.reporter_id, kind="case_update", now=now,
                            params=notice_params(view, event="auto_closed"))
        await queue_card_refresh(session, view, now)
        case.next_due_at = None
        return
    if step.mark_reminded == "ack":
        case.ack_reminded = True
    elif step.mark_reminded == "resolve":
        case.resolve_reminded = True
    if step.remind:
        deadline = case.ack_due if step.remind == "ack" else case.resolve_due
        params = {"case_id": case.id, "number": case.number, "phase": step.remind,
                  "deadline": deadline.isoformat(), "description": case.description,
                  "urgent": case.urgent}
        for chat_id, thread_id in chain.targets.get(case.level, []):
            outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id,
                                kind="case_reminder", now=now, ref=ref(case.id),
                                params={**params, "timezone": chain.timezone})
    if step.escalate_to:
        await _escalate(session, case, step.escalate_to, now, chain, timeline)
    schedule(case, now)


async def _escalate(session: AsyncSession, case: Case, levels: tuple[int, ...], now: datetime,
                    chain: _Chain, timeline: list[Any]) -> None:
    """Moves the case up, records each step, and posts the case with its timeline to every
    level it reached; the reporter hears where it went."""
    phase = "resolve" if case.acked_at is not None else "ack"
    added = []
    for level in levels:
        added.append(cases_repo.add_event(session, case, "escalated", now,
                                          from_level=case.level, to_level=level, phase=phase))
        case.level = level
    await session.flush()
    view = await case_view(session, case, timeline=[*timeline, *added])
    for level in levels:
        for chat_id, thread_id in chain.targets.get(level, []):
            outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id,
                                kind="case_card", now=now, ref=ref(case.id),
                                params={**card_params(view), "photos": list(view.photos),
                                        "escalated": True})
    outbox_repo.enqueue(session, chat_id=case.reporter_id, kind="case_update", now=now,
                        params=notice_params(view, event="escalated"))
