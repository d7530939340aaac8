"""Reading cases back: the frozen views handlers show, the parameters of the outbox posts
about a case, and the queued refresh of every card already posted.

Group cards and the reporter's notices are rendered at send time from these parameters, so
they carry everything a card shows: category, body, place, status, deadlines and timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import DEFAULT_BODIES, Status
from bot.services.errors import NotFound
from bot.services.membership import household_label
from bot.services.units import label_of
from storage import cases_repo, membership_repo, outbox_repo, roster_repo
from storage.case_models import Body, Case, CaseEvent, Category
from storage.models import Community, Household

PURPOSES = {b.key: b.purpose for b in DEFAULT_BODIES}
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


def ref(case_id: int) -> str:
    return f"case:{case_id}"


async def load_case(session: AsyncSession, case_id: int) -> Case:
    case = await session.get(Case, case_id)
    if case is None:
        raise NotFound("case")
    return case


async def place_label(session: AsyncSession, case: Case) -> str:
    """The home's full name for a case at home, else the building's (empty for a public
    area of the community)."""
    if case.place == "home" and case.household_id is not None:
        return await household_label(session, await session.get(Household, case.household_id))
    if case.building_id is not None:
        return await label_of(session, await roster_repo.get_unit(session, case.building_id))
    return ""


async def case_view(session: AsyncSession, case: Case,
                    timeline: list[CaseEvent] | None = None) -> CaseView:
    if timeline is None:
        timeline = (await cases_repo.events(session, [case.id]))[case.id]
    community = await session.get(Community, case.community_id)
    category = await session.get(Category, case.category_id)
    body = await session.get(Body, case.body_id)
    chain = {b.level: b for b in await cases_repo.bodies(session, case.community_id)}
    top = chain.get(case.level, body)
    names = await cases_repo.names(session, {e.actor_id for e in timeline if e.actor_id}
                                   | {case.reporter_id})
    events = tuple(EventView(e.at, e.kind, names.get(e.actor_id) if e.actor_id else None,
                             e.note, e.details) for e in timeline)
    location = ((case.latitude, case.longitude) if case.latitude is not None
                and case.longitude is not None else None)
    return CaseView(
        case.id, case.number, case.community_id, community.timezone,
        Label(category.key, category.name), Label(body.key, body.name),
        Label(top.key, top.name), case.level, Status(case.status), case.description,
        case.place, await place_label(session, case), location, tuple(case.photos or ()),
        case.urgent, case.shared, case.supporters, case.reporter_id,
        names.get(case.reporter_id, str(case.reporter_id)), case.created_at, case.ack_due,
        case.resolve_due, case.acked_at, case.resolved_at, case.rating, events)


def card_params(view: CaseView, *, anonymous: bool = False) -> dict[str, Any]:
    """What a card of the case says; `anonymous` leaves out who reported it and where
    exactly (for the building's residents' group)."""
    shown = view.timeline[-TIMELINE_SHOWN:]
    return {
        "case_id": view.id, "number": view.number, "timezone": view.timezone,
        "category": view.category.json(), "body": view.body.json(),
        "level_body": view.level_body.json(), "level": view.level,
        "status": str(view.status), "description": view.description,
        "place": view.place, "place_label": "" if anonymous and view.place == "home"
        else view.place_label,
        "location": None if anonymous else view.location,
        "urgent": view.urgent, "supporters": view.supporters,
        "reporter": None if anonymous else view.reporter,
        "created_at": view.created_at.isoformat(), "ack_due": view.ack_due.isoformat(),
        "resolve_due": view.resolve_due.isoformat(),
        "acked": view.acked_at is not None, "rating": view.rating,
        "timeline": [] if anonymous else [
            [e.at.isoformat(), e.kind, e.actor, e.note, e.details] for e in shown],
        "timeline_hidden": 0 if anonymous else len(view.timeline) - len(shown),
    }


def notice_params(view: CaseView, **extra: Any) -> dict[str, Any]:
    """A short notice about a case (to the reporter, a supporter or a body)."""
    return {"case_id": view.id, "number": view.number, "timezone": view.timezone,
            "category": view.category.json(), "body": view.body.json(),
            "level_body": view.level_body.json(), "status": str(view.status),
            "description": view.description, **extra}


async def queue_card_refresh(session: AsyncSession, view: CaseView, now: datetime) -> None:
    """Edits every card of the case already posted (bodies' and neighbours' groups) to its
    current state; an edit still waiting is updated instead of queueing another."""
    for kind, anonymous in (("case_card", False), ("case_neighbours", True)):
        await outbox_repo.refresh_posts(session, ref=ref(view.id), kind=kind, now=now,
                                        params=card_params(view, anonymous=anonymous))


async def body_targets(session: AsyncSession, body: Body) -> list[tuple[int, int]]:
    """Where a body hears of a case: its groups, else its role holders in private."""
    chats = await cases_repo.body_chats(session, body, PURPOSES.get(body.key))
    if chats:
        return chats
    holders = await membership_repo.community_role_holders(session, body.community_id,
                                                           [body.role])
    return [(user_id, 0) for user_id in holders]
