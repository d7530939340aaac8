"""The SLA clock at work: reminders before each deadline, escalation of overdue cases one
level up the chain per overdue window, and the closing of resolved cases nobody confirmed.

`next_due_at` is the only column the sweeper reads to find work; after acting on a case it
is set again from `plan`, in the same transaction as the messages, so a sweep interrupted by
a restart is redone whole or not at all — never an escalation twice, never one skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import TOP_LEVEL, Status, plan, sla_of
from bot.services.case_views import (
    CardPosts,
    ViewContext,
    build_view,
    card_params,
    card_posts,
    card_refreshes,
    notice_params,
    ref,
    targets_of,
    view_context,
)
from storage import UnitOfWork, case_batch_repo, cases_repo, outbox_repo
from storage.case_models import Case


def schedule(case: Case, now: datetime) -> None:
    """Sets when the sweeper next needs to look at the case."""
    case.next_due_at = plan(sla_of(case), now).next_due_at


@dataclass
class _Batch:
    """What a whole batch needs, read in a few queries up front instead of several per case
    (at 10,000 due cases the per-case reads were most of the sweep), and what it writes:
    new timeline steps and outbox rows as plain values, one statement per table at the end."""

    timelines: dict[int, list[Any]]
    views: ViewContext
    targets: dict[int, list[tuple[int, int]]]  # body → where it hears of cases
    posts: CardPosts
    events: list[case_batch_repo.EventRow] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    changes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def targets_at(self, case: Case, level: int) -> list[tuple[int, int]]:
        body = self.views.chain.get((case.community_id, level))
        return self.targets.get(body.id, []) if body is not None else []

    def enqueue(self, **values: Any) -> None:
        self.rows.append(outbox_repo.row(**values))


async def _load(session: AsyncSession, cases: list[Case], now: datetime) -> _Batch:
    timelines = await case_batch_repo.timelines(session, [c.id for c in cases])
    views = await view_context(session, cases, timelines)
    targets, _ = await targets_of(session, views.bodies.values())
    # The cards already posted of the cases that close or climb: they are edited.
    changing = [(c.id, c.community_id) for c in cases if c.status == Status.RESOLVED
                or (step := plan(sla_of(c), now)).escalate_to or step.overdue_at_top]
    return _Batch(timelines, views, targets, await card_posts(session, changing))


async def sweep_cases(uow: UnitOfWork, now: datetime, limit: int) -> int:
    """Sweeper task: acts on every case whose next step is due."""
    async with uow:
        session = uow.session
        cases = await cases_repo.claim_due(session, now, limit)
        batch = await _load(session, cases, now)
        for case in cases:
            await _act(session, case, now, batch)
        await cases_repo.update_swept(session, cases)
        await case_batch_repo.insert_events(session, batch.events)
        await outbox_repo.enqueue_many(session, batch.rows)
        await outbox_repo.set_params(session, batch.changes)
        await uow.commit()
    return len(cases)


async def _act(session: AsyncSession, case: Case, now: datetime, batch: _Batch) -> None:
    timeline = batch.timelines.get(case.id, [])
    step = plan(sla_of(case), now)
    if step.close:
        case.status, case.closed_at = Status.CLOSED, now
        closed = case_batch_repo.new_event(case.id, "closed", now, auto=True)
        batch.events.append(closed)
        view = build_view(case, [*timeline, closed], batch.views)
        batch.enqueue(chat_id=case.reporter_id, kind="case_update", now=now,
                      params=notice_params(view, event="auto_closed"))
        rows, changes = card_refreshes(view, now, batch.posts)
        batch.rows += rows
        batch.changes += changes
        case.next_due_at = None
        return
    if step.mark_reminded == "ack":
        case.ack_reminded = True
    elif step.mark_reminded == "resolve":
        case.resolve_reminded = True
    elif step.mark_reminded == "reporter":
        case.reporter_reminded = True
    if step.remind == "reporter":
        _remind_reporter(case, timeline, now, batch)
    elif step.remind:
        _remind_body(case, step.remind, now, batch)
    if step.escalate_to:  # also when its window at the top ran out in the same sweep
        await _escalate(session, case, step.escalate_to, now, batch, step.overdue_at_top)
    elif step.overdue_at_top:
        _record_overdue(case, now, batch)
        rows, changes = card_refreshes(
            build_view(case, batch.timelines[case.id], batch.views), now, batch.posts)
        batch.rows += rows
        batch.changes += changes
    if step.overdue_at_top:  # nobody is above to pass it to: the top is told, once
        _remind_body(case, "resolve" if case.acked_at is not None else "ack", now, batch,
                     overdue=True)
    schedule(case, now)


def _record_overdue(case: Case, now: datetime, batch: _Batch) -> None:
    """Its window at the top of the chain ran out: a step of its timeline (the cards then
    say the deadline passed)."""
    phase = "resolve" if case.acked_at is not None else "ack"
    overdue = case_batch_repo.new_event(case.id, "overdue", now, phase=phase)
    batch.events.append(overdue)
    batch.timelines.setdefault(case.id, []).append(overdue)


def _remind_body(case: Case, phase: str, now: datetime, batch: _Batch, **extra: Any) -> None:
    """A reminder of the `phase` deadline where the level the case reached hears of cases
    (`overdue`: its window at the top ran out)."""
    deadline = case.ack_due if phase == "ack" else case.resolve_due
    params = {"case_id": case.id, "number": case.number, "phase": phase,
              "deadline": deadline.isoformat(), "description": case.description,
              "urgent": case.urgent, "timezone": batch.views.timezones[case.community_id],
              "top": case.level >= TOP_LEVEL, **extra}
    for chat_id, thread_id in batch.targets_at(case, case.level):
        batch.enqueue(chat_id=chat_id, thread_id=thread_id, kind="case_reminder", now=now,
                      ref=ref(case.id), params=params)


def _remind_reporter(case: Case, timeline: list[Any], now: datetime, batch: _Batch) -> None:
    """The reporter has not answered the body's question for a day: it is asked again,
    with the Answer button."""
    question = next((e for e in reversed(timeline) if e.kind == "info_asked"), None)
    view = build_view(case, timeline, batch.views)
    batch.enqueue(chat_id=case.reporter_id, kind="case_update", now=now,
                  params=notice_params(view, event="info_asked", reminder=True,
                                       note=question.note if question else None))


async def _escalate(session: AsyncSession, case: Case, levels: tuple[int, ...], now: datetime,
                    batch: _Batch, overdue_at_top: bool = False) -> None:
    """Moves the case up, records each step, posts the case with its timeline where the
    levels it reached hear of cases (once per chat: two committees may share a group) and
    edits the cards already posted; the reporter hears where it went."""
    phase = "resolve" if case.acked_at is not None else "ack"
    added = []
    for level in levels:
        added.append(case_batch_repo.new_event(case.id, "escalated", now, from_level=case.level,
                                          to_level=level, phase=phase))
        case.level = level
    batch.events += added
    timeline = batch.timelines.setdefault(case.id, [])
    timeline += added
    if overdue_at_top:
        _record_overdue(case, now, batch)
    view = build_view(case, timeline, batch.views)
    rows, changes = card_refreshes(view, now, batch.posts)
    batch.rows += rows
    batch.changes += changes
    posted = {(p.chat_id, p.thread_id) for p in batch.posts.posts.get(ref(case.id), ())
              if p.kind == "case_card"}
    card = {**card_params(view), "escalated": True}
    chats = dict.fromkeys(chat for level in levels for chat in batch.targets_at(case, level)
                          if chat not in posted)
    for chat_id, thread_id in chats:
        batch.enqueue(chat_id=chat_id, thread_id=thread_id, kind="case_card", now=now,
                      ref=ref(case.id), params=card)
    batch.enqueue(chat_id=case.reporter_id, kind="case_update", now=now,
                  params=notice_params(view, event="escalated"))
