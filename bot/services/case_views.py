"""Reading cases back: the frozen views handlers show, the parameters of the outbox posts
about a case, and the queued refresh of every card already posted.

Group cards and the reporter's notices are rendered at send time from these parameters, so
they carry everything a card shows: category, body, place, status, deadlines and timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import OPEN, Status, next_escalation, sla_of
from bot.services.errors import NotFound
from storage import case_batch_repo, cases_repo, outbox_repo
from storage.case_models import Body, Case

PURPOSES = cases_repo.PURPOSES
RESIDENTS = "residents"  # the purpose of a building's residents' group
TIMELINE_SHOWN = 12  # the newest steps a card lists; a long case keeps its whole history


@dataclass(frozen=True)
class Label:
    """A name the UI translates (`key` of a default) unless someone renamed it (`name`)."""

    key: str | None
    name: str | None

    def json(self) -> list[str | None]:
        return [self.key, self.name]


@dataclass(frozen=True)
class EventView:
    at: datetime
    kind: str
    actor: str | None
    note: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class CaseView:
    id: int
    number: int
    community_id: int
    timezone: str
    category: Label
    body: Label  # the body it was assigned to
    level_body: Label  # the body it has climbed to
    level: int
    status: Status
    description: str
    place: str
    place_label: str
    location: tuple[float, float] | None
    photos: tuple[str, ...]
    urgent: bool
    shared: bool
    supporters: int
    reporter_id: int
    reporter: str
    created_at: datetime
    ack_due: datetime
    resolve_due: datetime
    acked_at: datetime | None
    resolved_at: datetime | None
    rating: int | None
    timeline: tuple[EventView, ...]
    overdue: bool  # it climbed the chain since the current deadline passed
    next_escalation: datetime | None  # when it climbs again if nobody acts
    next_body: Label | None  # where it then goes
    appeal_to: Label | None  # a rejected case: who reviews it if the reporter appeals
    body_id: int = 0  # the id of `body`


def ref(case_id: int) -> str:
    return f"case:{case_id}"


async def load_case(session: AsyncSession, case_id: int) -> Case:
    case = await session.get(Case, case_id)
    if case is None:
        raise NotFound("case")
    return case


@dataclass
class ViewContext:
    """What the views of some cases read besides the cases and their timelines."""

    timezones: dict[int, str]  # community → its timezone
    bodies: dict[int, Any]  # id → body (a Body or a `case_batch_repo.BodyRow`)
    chain: dict[tuple[int, int], Any]  # (community, level) → body
    categories: dict[int, Label]
    names: dict[int, str]  # user → name
    households: dict[int, tuple[int, str]]  # id → (floor, room)
    labels: dict[int, str]  # unit → full name


async def view_context(session: AsyncSession, cases: Sequence[Case],
                       timelines: dict[int, list[Any]]) -> ViewContext:
    """The context of `cases` in five queries however many there are."""
    timezones, bodies = await case_batch_repo.bodies_of(session, {c.community_id for c in cases})
    homes = {c.household_id for c in cases if _at_home(c)}
    households = await case_batch_repo.households(session, homes)  # type: ignore[arg-type]
    units = {floor for floor, _ in households.values()} | {
        c.building_id for c in cases if not _at_home(c) and c.building_id is not None}
    users = {c.reporter_id for c in cases} | {
        e.actor_id for timeline in timelines.values() for e in timeline if e.actor_id}
    return ViewContext(
        timezones, {b.id: b for b in bodies}, {(b.community_id, b.level): b for b in bodies},
        {cid: Label(key, name) for cid, (key, name) in (await case_batch_repo.category_labels(
            session, {c.category_id for c in cases})).items()},
        await case_batch_repo.names(session, users), households,
        await case_batch_repo.unit_labels(session, units))


def _at_home(case: Case) -> bool:
    return case.place == "home" and case.household_id is not None


def place_label(case: Case, context: ViewContext) -> str:
    """The home's full name for a case at home, else the building's (empty for a public
    area of the community)."""
    if _at_home(case):
        floor, room = context.households[case.household_id]  # type: ignore[index]
        return f"{context.labels.get(floor, '')} {room}"
    if case.building_id is not None:
        return context.labels.get(case.building_id, "")
    return ""


#: Steps after which a case has a fresh deadline (or, "overdue", none left at the top).
_PHASES = frozenset({"submitted", "accepted", "info_given", "reassigned", "reopened",
                     "appealed", "overdue"})


def _overdue_at_top(timeline: Sequence[Any]) -> bool:
    """Whether the current deadline ran out at the top of the chain (`case_sweep`)."""
    last = next((e.kind for e in reversed(timeline) if e.kind in _PHASES), None)
    return last == "overdue"


def build_view(case: Case, timeline: Sequence[Any], context: ViewContext) -> CaseView:
    """The view of a case (a Case, or anything with its attributes) from its timeline
    (rows with the fields of `case_batch_repo.EventRow`) and its context."""
    body = context.bodies[case.body_id]
    top = context.chain.get((case.community_id, case.level), body)
    names = context.names
    events = tuple(EventView(e.at, e.kind, names.get(e.actor_id) if e.actor_id else None,
                             e.note, e.details) for e in timeline)
    location = ((case.latitude, case.longitude) if case.latitude is not None
                and case.longitude is not None else None)
    sla = sla_of(case)
    above = context.chain.get((case.community_id, case.level + 1))
    climb = next_escalation(sla) if above is not None else None
    # One appeal per case, to the body above the level where it was rejected.
    appeal = above if case.status == Status.REJECTED and not any(
        e.kind == "appealed" for e in events) else None
    return CaseView(
        case.id, case.number, case.community_id, context.timezones[case.community_id],
        context.categories[case.category_id], Label(body.key, body.name),
        Label(top.key, top.name), case.level, Status(case.status), case.description,
        case.place, place_label(case, context), location, tuple(case.photos or ()),
        case.urgent, case.shared, case.supporters, case.reporter_id,
        names.get(case.reporter_id, str(case.reporter_id)), case.created_at, case.ack_due,
        case.resolve_due, case.acked_at, case.resolved_at, case.rating, events,
        sla.status in OPEN and (case.level > case.base_level or _overdue_at_top(timeline)),
        climb, Label(above.key, above.name) if climb is not None else None,
        Label(appeal.key, appeal.name) if appeal is not None else None, body.id)


async def case_views_for(session: AsyncSession, cases: Sequence[Case],
                         timelines: dict[int, list[Any]] | None = None) -> dict[int, CaseView]:
    """The views of several cases in a few queries; `timelines` (case id → its steps, as
    ORM events or rows) when the caller has them."""
    if timelines is None:
        timelines = await case_batch_repo.timelines(session, [c.id for c in cases])
    context = await view_context(session, cases, timelines)
    return {c.id: build_view(c, timelines.get(c.id, ()), context) for c in cases}


async def case_view(session: AsyncSession, case: Case,
                    timeline: list[Any] | None = None) -> CaseView:
    return (await case_views_for(session, [case], None if timeline is None
                                 else {case.id: timeline}))[case.id]


def card_params(view: CaseView, *, anonymous: bool = False) -> dict[str, Any]:
    """What a card of the case says; `anonymous` is the neighbours' card (for the
    building's residents' group), without who reported it and where exactly."""
    if anonymous:
        return {"case_id": view.id, "number": view.number, "category": view.category.json(),
                "urgent": view.urgent, "description": view.description, "place": view.place,
                "place_label": "" if view.place == "home" else view.place_label,
                "location": None, "status": str(view.status), "supporters": view.supporters}
    shown = view.timeline[-TIMELINE_SHOWN:]
    return {
        "case_id": view.id, "number": view.number, "timezone": view.timezone,
        "category": view.category.json(), "body": view.body.json(),
        "photos": list(view.photos),
        "level_body": view.level_body.json(), "level": view.level,
        "status": str(view.status), "description": view.description,
        "place": view.place, "place_label": view.place_label, "location": view.location,
        "urgent": view.urgent, "supporters": view.supporters, "reporter": view.reporter,
        "created_at": view.created_at.isoformat(), "ack_due": view.ack_due.isoformat(),
        "resolve_due": view.resolve_due.isoformat(),
        "acked": view.acked_at is not None, "rating": view.rating,
        "overdue": view.overdue, "next_escalation": view.next_escalation.isoformat()
        if view.next_escalation else None,
        "next_body": view.next_body.json() if view.next_body else None,
        "timeline": [[e.at.isoformat(), e.kind, e.actor, e.note, e.details] for e in shown],
        "timeline_hidden": len(view.timeline) - len(shown),
    }


def notice_params(view: CaseView, **extra: Any) -> dict[str, Any]:
    """A short notice about a case (to the reporter, a supporter or a body)."""
    return {"case_id": view.id, "number": view.number, "timezone": view.timezone,
            "category": view.category.json(), "body": view.body.json(),
            "level_body": view.level_body.json(), "status": str(view.status),
            "description": view.description, **extra}


@dataclass
class CardPosts:
    """The cards already posted of some cases, to edit them all: the posts by case ref, the
    edit of each still waiting, what each shows now, and where each body of the cases'
    communities hears of cases (a card elsewhere is read-only)."""

    posts: dict[str, list[Any]]
    waiting: dict[int, int]
    shown: dict[int, Any]
    bodies: list[Any]
    targets: dict[int, list[tuple[int, int]]]

    def chats_of(self, view: CaseView) -> set[int]:
        """The chats of the bodies that handle the case now: the one assigned and up to
        where it has climbed (as `case_access.responsible`)."""
        assigned = next((b for b in self.bodies if b.id == view.body_id), None)
        return {chat for b in self.bodies if assigned is not None
                and b.community_id == view.community_id
                and assigned.level <= b.level <= view.level
                for chat, _thread in self.targets.get(b.id, ())}


_CARD_KINDS = (("case_card", False), ("case_neighbours", True))


async def card_posts(session: AsyncSession, cases: list[tuple[int, int]]) -> CardPosts:
    """The cards already posted of the cases given as (id, community id): two queries, one
    more for what they show and, when a body's card is among them, two or three for
    where the bodies hear of cases."""
    posts, waiting = await outbox_repo.posted(session, [ref(c) for c, _ in cases],
                                              tuple(k for k, _ in _CARD_KINDS))
    found = [p for ps in posts.values() for p in ps]
    bodies: list[Any] = []
    targets: dict[int, list[tuple[int, int]]] = {}
    if any(p.kind == "case_card" for p in found):
        communities = {community for _, community in cases}
        bodies = (await case_batch_repo.bodies_of(session, communities))[1]
        targets = (await targets_of(session, bodies))[0]
    return CardPosts(posts, waiting, await outbox_repo.shown_params(session, found), bodies,
                     targets)


def card_refreshes(view: CaseView, now: datetime, posts: CardPosts,
                   ) -> tuple[list[dict[str, Any]], list[tuple[int, dict[str, Any]]]]:
    """The outbox rows that edit every card of the case already posted (bodies' and
    neighbours' groups) to its current state, and the edits still waiting that get the new
    state instead of another edit being queued: (new rows, (waiting row, params)). A body's
    card where no body handling the case hears of it any more is read-only; a card that
    shows that state already is left alone."""
    mine = posts.posts.get(ref(view.id), [])
    chats = posts.chats_of(view)
    card = card_params(view)
    groups = [("case_neighbours", [p for p in mine if p.kind == "case_neighbours"],
               card_params(view, anonymous=True)),
              ("case_card", [p for p in mine if p.kind == "case_card" and p.chat_id in chats],
               card),
              ("case_card", [p for p in mine if p.kind == "case_card"
                             and p.chat_id not in chats], {**card, "read_only": True})]
    rows, changes = [], []
    for kind, some, params in groups:
        new, waiting = outbox_repo.edits(some, posts.waiting, kind=kind, params=params,
                                         now=now, shown=posts.shown)
        rows += new
        changes += waiting
    return rows, changes


async def queue_card_refresh(session: AsyncSession, view: CaseView, now: datetime) -> None:
    """Edits every card of the case already posted to its current state; an edit still
    waiting is updated instead of queueing another."""
    rows, changes = card_refreshes(view, now,
                                   await card_posts(session, [(view.id, view.community_id)]))
    await outbox_repo.enqueue_many(session, rows)
    await outbox_repo.set_params(session, changes)


def _chats(body: Any, groups: list[Any]) -> list[tuple[int, int]]:
    """A body's own group if it is still active, else the community's active groups of
    the body's purpose."""
    if body.group_id is not None:
        return [(g.chat_id, g.thread_id) for g in groups if g.id == body.group_id]
    purpose = PURPOSES.get(body.key)
    return [(g.chat_id, g.thread_id) for g in groups
            if purpose is not None and g.community_id == body.community_id
            and g.purpose == purpose]


async def targets_of(session: AsyncSession, bodies: Iterable[Any],
                     neighbours_of: tuple[int, str] | None = None,
                     groups: list[Any] | None = None,
                     ) -> tuple[dict[int, list[tuple[int, int]]], list[tuple[int, int]]]:
    """Where each body hears of a case — its groups, else its role holders in private —
    and, given (community, path of a building), the residents' groups of the building or
    of the compound above it: one query (none when the caller read the `groups`, as
    `case_batch_repo.active_groups` would), and one more when a body has no group."""
    bodies = list(bodies)
    if groups is None:
        purposes = {PURPOSES[b.key] for b in bodies if PURPOSES.get(b.key)}
        if neighbours_of is not None:
            purposes.add(RESIDENTS)
        groups = await case_batch_repo.active_groups(
            session, {b.group_id for b in bodies if b.group_id is not None},
            {b.community_id for b in bodies} | ({neighbours_of[0]} if neighbours_of else set()),
            purposes)
    targets = {b.id: _chats(b, groups) for b in bodies}
    alone = [b for b in bodies if not targets[b.id]]
    if alone:
        holders = await case_batch_repo.role_holders(session, {b.community_id for b in alone},
                                                {b.role for b in alone})
        for b in alone:
            targets[b.id] = [(user_id, 0) for user_id in holders.get((b.community_id, b.role),
                                                                     ())]
    neighbours = [] if neighbours_of is None else [
        (g.chat_id, g.thread_id) for g in groups
        if g.community_id == neighbours_of[0] and g.purpose == RESIDENTS
        and g.path is not None and neighbours_of[1].startswith(g.path)]
    return targets, neighbours


async def body_targets(session: AsyncSession, body: Body) -> list[tuple[int, int]]:
    """Where a body hears of a case: its groups, else its role holders in private."""
    return (await targets_of(session, [body]))[0][body.id]
