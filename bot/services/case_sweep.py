"""The SLA clock at work: reminders before each deadline, escalation of overdue cases one
level up the chain per overdue window, and the closing of resolved cases nobody confirmed.

`next_due_at` is the only column the sweeper reads to find work; after acting on a case it
is set again from `plan`, in the same transaction as the messages, so a sweep interrupted by
a restart is redone whole or not at all — never an escalation twice, never one skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import Sla, Status, plan
from bot.services.case_views import (
    CaseView,
    EventView,
    Label,
    body_targets,
    card_params,
    case_view,
    notice_params,
    place_label,
    ref,
)
from storage import UnitOfWork, cases_repo, due, groups_repo, outbox_repo
from storage.case_models import Body, Case, CaseEvent, Category
from storage.models import Household, OutboxMessage, Unit


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
    by_id: dict[int, Body] = field(default_factory=dict)


async def _chain(session: AsyncSession, community_id: int, cache: dict[int, _Chain]) -> _Chain:
    if community_id not in cache:
        every = await cases_repo.bodies(session, community_id)
        bodies = {b.level: b for b in every}
        community = await groups_repo.community_of(session, community_id)
        cache[community_id] = _Chain(bodies, {level: await body_targets(session, body)
                                              for level, body in bodies.items()},
                                     community.timezone, {b.id: b for b in every})
    return cache[community_id]


class _NewRows:
    """Stands in for the session where the sweep adds events and outbox rows, so a batch's
    rows go in with one statement per table (`cases_repo.insert_all`) at the end."""

    def __init__(self) -> None:
        self.rows: list[Any] = []

    def add(self, row: Any) -> None:
        self.rows.append(row)


@dataclass
class _Batch:
    """What the cards of a whole batch need, read in a few queries up front instead of
    several per case (at 10,000 due cases the per-case reads were most of the sweep)."""

    chains: dict[int, _Chain]
    timelines: dict[int, list[CaseEvent]]
    categories: dict[int, Category]
    names: dict[int, str]
    households: dict[int, Household]
    units: dict[int, Unit]
    posts: dict[str, list[OutboxMessage]]
    waiting: dict[int, OutboxMessage]
    new: _NewRows = field(default_factory=_NewRows)


_CARD_KINDS = (("case_card", False), ("case_neighbours", True))


async def _load(session: AsyncSession, cases: list[Case]) -> _Batch:
    chains: dict[int, _Chain] = {}
    for community_id in sorted({c.community_id for c in cases}):
        await _chain(session, community_id, chains)
    timelines = await cases_repo.events(session, [c.id for c in cases])
    homes = await cases_repo.households_by_id(session, {
        c.household_id for c in cases if c.place == "home" and c.household_id is not None})
    units = await cases_repo.units_with_ancestors(
        session, {h.floor_id for h in homes.values()}
        | {c.building_id for c in cases if c.building_id is not None})
    closing = [ref(c.id) for c in cases if c.status == Status.RESOLVED]
    posts, waiting = await cases_repo.card_posts(session, closing,
                                                  tuple(k for k, _ in _CARD_KINDS))
    users = {c.reporter_id for c in cases} | {e.actor_id for t in timelines.values()
                                              for e in t if e.actor_id}
    return _Batch(chains, timelines,
                  await cases_repo.categories_by_id(session, {c.category_id for c in cases}),
                  await cases_repo.names(session, users), homes, units, posts, waiting)


def _label(units: dict[int, Unit], unit: Unit) -> str:
    """`units.label_of` from the batch's units."""
    return " ".join(units[int(p)].name for p in unit.path.strip("/").split("/")
                    if p and int(p) in units)


async def _place_label(session: AsyncSession, case: Case, batch: _Batch) -> str:
    """`case_views.place_label` from the batch; the original reads what the batch lacks."""
    if case.place == "home" and case.household_id is not None:
        home = batch.households.get(case.household_id)
        if home is not None and home.floor_id in batch.units:
            return f"{_label(batch.units, batch.units[home.floor_id])} {home.room}"
    elif case.building_id is None:
        return ""
    elif case.building_id in batch.units:
        return _label(batch.units, batch.units[case.building_id])
    return await place_label(session, case)


async def _view(session: AsyncSession, case: Case, timeline: list[CaseEvent],
                batch: _Batch) -> CaseView:
    """`case_views.case_view` built from the batch (the same view, without its reads)."""
    chain, category = batch.chains[case.community_id], batch.categories.get(case.category_id)
    body = chain.by_id.get(case.body_id)
    if category is None or body is None:
        return await case_view(session, case, timeline=timeline)
    top = chain.bodies.get(case.level, body)
    names = batch.names
    events = tuple(EventView(e.at, e.kind, names.get(e.actor_id) if e.actor_id else None,
                             e.note, e.details) for e in timeline)
    location = ((case.latitude, case.longitude) if case.latitude is not None
                and case.longitude is not None else None)
    return CaseView(
        case.id, case.number, case.community_id, chain.timezone,
        Label(category.key, category.name), Label(body.key, body.name),
        Label(top.key, top.name), case.level, Status(case.status), case.description,
        case.place, await _place_label(session, case, batch), location,
        tuple(case.photos or ()), case.urgent, case.shared, case.supporters, case.reporter_id,
        names.get(case.reporter_id, str(case.reporter_id)), case.created_at, case.ack_due,
        case.resolve_due, case.acked_at, case.resolved_at, case.rating, events)


def _refresh_cards(view: CaseView, now: datetime, batch: _Batch) -> None:
    """`case_views.queue_card_refresh` from the posts the batch read up front."""
    for kind, anonymous in _CARD_KINDS:
        params = card_params(view, anonymous=anonymous)
        for post in batch.posts.get(ref(view.id), []):
            if post.kind != kind:
                continue
            waiting = batch.waiting.get(post.id)
            if waiting is not None:
                waiting.params = params
            else:
                outbox_repo.enqueue(batch.new, chat_id=post.chat_id,
                                    thread_id=post.thread_id, kind=kind, params=params,
                                    now=now, ref=ref(view.id), edit_of=post.id)


async def sweep_cases(uow: UnitOfWork, now: datetime, limit: int) -> int:
    """Sweeper task: acts on every case whose next step is due."""
    async with uow:
        session = uow.session
        cases = await due.claim(session, cases_repo.due(now), limit)
        batch = await _load(session, cases)
        for case in cases:
            await _act(session, case, now, batch)
        await cases_repo.insert_all(session, batch.new.rows)
        await uow.commit()
    return len(cases)


async def _act(session: AsyncSession, case: Case, now: datetime, batch: _Batch) -> None:
    chain, timeline = batch.chains[case.community_id], batch.timelines.get(case.id, [])
    step = plan(sla_of(case), now)
    if step.close:
        case.status, case.closed_at = Status.CLOSED, now
        closed = cases_repo.add_event(batch.new, case, "closed", now, auto=True)
        view = await _view(session, case, [*timeline, closed], batch)
        outbox_repo.enqueue(batch.new, chat_id=case.reporter_id, kind="case_update", now=now,
                            params=notice_params(view, event="auto_closed"))
        _refresh_cards(view, now, batch)
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
            outbox_repo.enqueue(batch.new, chat_id=chat_id, thread_id=thread_id,
                                kind="case_reminder", now=now, ref=ref(case.id),
                                params={**params, "timezone": chain.timezone})
    if step.escalate_to:
        await _escalate(session, case, step.escalate_to, now, batch)
    schedule(case, now)


async def _escalate(session: AsyncSession, case: Case, levels: tuple[int, ...], now: datetime,
                    batch: _Batch) -> None:
    """Moves the case up, records each step, and posts the case with its timeline to every
    level it reached; the reporter hears where it went."""
    chain, timeline = batch.chains[case.community_id], batch.timelines.get(case.id, [])
    phase = "resolve" if case.acked_at is not None else "ack"
    added = []
    for level in levels:
        added.append(cases_repo.add_event(batch.new, case, "escalated", now,
                                          from_level=case.level, to_level=level, phase=phase))
        case.level = level
    view = await _view(session, case, [*timeline, *added], batch)
    for level in levels:
        for chat_id, thread_id in chain.targets.get(level, []):
            outbox_repo.enqueue(batch.new, chat_id=chat_id, thread_id=thread_id,
                                kind="case_card", now=now, ref=ref(case.id),
                                params={**card_params(view), "photos": list(view.photos),
                                        "escalated": True})
    outbox_repo.enqueue(batch.new, chat_id=case.reporter_id, kind="case_update", now=now,
                        params=notice_params(view, event="escalated"))
