"""Reporting a problem: what a resident may pick, the similar open cases offered instead of
a duplicate, submitting, and "me too".

Submitting dispatches at once: the case card goes to the responsible body's groups (or its
members in private), the reporter gets the number and a status card, and — if allowed — an
anonymous card goes to the building's residents' group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import (
    DEFAULT_BODIES,
    DEFAULT_CATEGORIES,
    MAX_DESCRIPTION,
    MAX_PHOTOS,
    OPEN,
    Candidate,
    Place,
    rank_similar,
)
from bot.services.case_views import (
    CaseView,
    Label,
    body_targets,
    card_params,
    case_view,
    load_case,
    queue_card_refresh,
    ref,
)
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.membership import household_label
from storage import UnitOfWork, cases_repo, groups_repo, outbox_repo
from storage.case_models import Body, Case, Category
from storage.models import Household


@dataclass(frozen=True)
class Home:
    household_id: int
    label: str


@dataclass(frozen=True)
class CategoryOption:
    id: int
    label: Label


@dataclass(frozen=True)
class ReportStart:
    community_id: int
    homes: tuple[Home, ...]
    categories: tuple[CategoryOption, ...]


@dataclass(frozen=True)
class ReportDraft:
    category_id: int
    description: str
    household_id: int
    place: str
    photos: tuple[str, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    urgent: bool = False
    shared: bool = False


@dataclass(frozen=True)
class SimilarCase:
    case_id: int
    number: int
    description: str
    supporters: int
    created_at: datetime
    timezone: str
    status: str = field(default="new")


@dataclass(frozen=True)
class Support:
    case_id: int
    number: int
    supporters: int
    added: bool


async def ensure_defaults(session: AsyncSession, community_id: int) -> None:
    """Gives a community the default bodies and categories the first time they are needed."""
    if await cases_repo.bodies(session, community_id):
        return
    bodies = {}
    for spec in DEFAULT_BODIES:
        body = Body(community_id=community_id, key=spec.key, role=str(spec.role),
                    level=spec.level)
        session.add(body)
        bodies[spec.key] = body
    await session.flush()
    for position, spec in enumerate(DEFAULT_CATEGORIES):
        session.add(Category(community_id=community_id, key=spec.key,
                             body_id=bodies[spec.body].id, ack_hours=spec.ack_hours,
                             resolve_hours=spec.resolve_hours,
                             urgent_ack_hours=spec.urgent_ack_hours,
                             urgent_resolve_hours=spec.urgent_resolve_hours,
                             position=position, active=True))
    await session.flush()


async def _homes(session: AsyncSession, user_id: int) -> list[Household]:
    homes = await cases_repo.verified_homes(session, user_id)
    if not homes:
        raise NotPermitted("not_resident")
    return homes


async def may_report(uow: UnitOfWork, user_id: int) -> bool:
    """Whether the user is a verified resident of some home, as reporting needs."""
    async with uow(readonly=True):
        return bool(await cases_repo.verified_homes(uow.session, user_id))


async def start_report(uow: UnitOfWork, user_id: int) -> ReportStart:
    """The reporter's homes and the community's categories; only verified residents report
    (a case needs a place and someone to keep informed)."""
    async with uow:
        session = uow.session
        homes = await _homes(session, user_id)
        community_id = homes[0].community_id
        await ensure_defaults(session, community_id)
        categories = await cases_repo.categories(session, community_id)
        labels = [Home(h.id, await household_label(session, h)) for h in homes
                  if h.community_id == community_id]
        await uow.commit()
    return ReportStart(community_id, tuple(labels),
                       tuple(CategoryOption(c.id, Label(c.key, c.name)) for c in categories))


def check_description(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("description_empty")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput("description_too_long", length=len(text), limit=MAX_DESCRIPTION)
    return text


def check_draft(draft: ReportDraft) -> None:
    check_description(draft.description)
    if len(draft.photos) > MAX_PHOTOS:
        raise InvalidInput("too_many_photos", limit=MAX_PHOTOS)
    try:
        Place(draft.place)
    except ValueError:
        raise InvalidInput("bad_place") from None


async def checked(session: AsyncSession, user_id: int, draft: ReportDraft,
                   ) -> tuple[Household, Category]:
    home = next((h for h in await _homes(session, user_id) if h.id == draft.household_id), None)
    if home is None:
        raise NotFound("household")
    category = await session.get(Category, draft.category_id)
    if category is None or category.community_id != home.community_id or not category.active:
        raise NotFound("category")
    check_draft(draft)
    return home, category


async def find_similar(uow: UnitOfWork, user_id: int, draft: ReportDraft,
                       limit: int = 3) -> list[SimilarCase]:
    """Open cases of the same building and category that another resident reported, the
    most alike first — offered with a "me too" button before a duplicate is made."""
    async with uow(readonly=True):
        session = uow.session
        home, category = await checked(session, user_id, draft)
        cases = await cases_repo.similar_open(session, home.building_id, category.id, user_id)
        community = await groups_repo.community_of(session, home.community_id)
    ranked = rank_similar(draft.description, [Candidate(c.id, c.description, c.supporters,
                                                        c.created_at) for c in cases], limit)
    by_id = {c.id: c for c in cases}
    return [SimilarCase(c.case_id, by_id[c.case_id].number, c.description, c.supporters,
                        c.created_at, community.timezone, by_id[c.case_id].status)
            for c in ranked]


def _card(view: CaseView, **extra: object) -> dict[str, Any]:
    return {**card_params(view), **extra}


async def dispatch(session: AsyncSession, case: Case, view: CaseView, body: Body,
                   now: datetime, *, first: bool = False, kind: str = "case_card",
                   **extra: object) -> None:
    """Posts the case card, with its buttons and photos, where `body` hears of cases."""
    params = _card(view, first=first, **extra)
    for chat_id, thread_id in await body_targets(session, body):
        outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id, kind=kind,
                            params=params, now=now, ref=ref(case.id))


async def support_case(uow: UnitOfWork, user_id: int, case_id: int) -> Support:
    """Adds the user's "me too" to an open case: a verified resident of its community who
    did not report it. The count goes to every card of the case."""
    async with uow:
        session, now = uow.session, uow.now()
        case = await load_case(session, case_id)
        homes = await cases_repo.verified_homes(session, user_id)
        if not any(h.community_id == case.community_id for h in homes):
            raise NotPermitted("support_not_resident")
        if case.reporter_id == user_id:
            raise InvalidInput("own_case")
        if case.status not in OPEN:
            raise InvalidInput("case_closed", number=case.number)
        added = await cases_repo.add_supporter(session, case.id, user_id, now)
        if added:
            case.supporters += 1
            cases_repo.add_event(session, case, "supported", now, user_id)
            await queue_card_refresh(session, await case_view(session, case), now)
        await uow.commit()
        return Support(case.id, case.number, case.supporters, added)

