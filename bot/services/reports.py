"""Reporting a problem: what a resident may pick, the similar open cases offered instead of
a duplicate, submitting, and "me too".

Submitting dispatches at once: the case card goes to the responsible body's groups (or its
members in private), the reporter gets the number and a status card, and — if allowed — an
anonymous card goes to the building's residents' group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
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
    Status,
    rank_similar,
    windows,
)
from bot.services.case_sweep import schedule
from bot.services.case_views import (
    RESIDENTS,
    CaseView,
    Label,
    ViewContext,
    body_targets,
    build_view,
    card_params,
    case_view,
    load_case,
    queue_card_refresh,
    ref,
    targets_of,
)
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.membership import household_label
from storage import UnitOfWork, case_batch_repo, cases_repo, groups_repo, outbox_repo
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


def _check_draft(draft: ReportDraft) -> None:
    check_description(draft.description)
    if len(draft.photos) > MAX_PHOTOS:
        raise InvalidInput("too_many_photos", limit=MAX_PHOTOS)
    try:
        Place(draft.place)
    except ValueError:
        raise InvalidInput("bad_place") from None


async def _checked(session: AsyncSession, user_id: int, draft: ReportDraft,
                   ) -> tuple[Household, Category]:
    home = next((h for h in await _homes(session, user_id) if h.id == draft.household_id), None)
    if home is None:
        raise NotFound("household")
    category = await session.get(Category, draft.category_id)
    if category is None or category.community_id != home.community_id or not category.active:
        raise NotFound("category")
    _check_draft(draft)
    return home, category


async def find_similar(uow: UnitOfWork, user_id: int, draft: ReportDraft,
                       limit: int = 3) -> list[SimilarCase]:
    """Open cases of the same building and category that another resident reported, the
    most alike first — offered with a "me too" button before a duplicate is made."""
    async with uow(readonly=True):
        session = uow.session
        home, category = await _checked(session, user_id, draft)
        cases = await cases_repo.similar_open(session, home.building_id, category.id, user_id)
        community = await groups_repo.community_of(session, home.community_id)
    ranked = rank_similar(draft.description, [Candidate(c.id, c.description, c.supporters,
                                                        c.created_at) for c in cases], limit)
    by_id = {c.id: c for c in cases}
    return [SimilarCase(c.case_id, by_id[c.case_id].number, c.description, c.supporters,
                        c.created_at, community.timezone, by_id[c.case_id].status)
            for c in ranked]


async def submit_report(uow: UnitOfWork, user_id: int, draft: ReportDraft) -> CaseView:
    """Saves the case with its deadlines and dispatches it to the body responsible.

    A district files thousands a day, so this is a handful of statements: one read of all
    it needs (where the card goes included) and one insert per table; the view is built
    from what was read, not read back."""
    async with uow:
        session, now = uow.session, uow.now()
        shared = draft.shared
        inputs, groups = await cases_repo.report_inputs(
            session, user_id, draft.household_id, draft.category_id,
            RESIDENTS if shared else None)
        if inputs is None:
            await _checked(session, user_id, draft)  # raises the precise refusal
            raise NotFound("category")
        _check_draft(draft)
        case, body, context = await _new_case(session, user_id, draft, inputs, now)
        case.id, case.number = await cases_repo.insert_case(session, vars(case))
        submitted = case_batch_repo.new_event(case.id, "submitted", now, user_id,
                                         urgent=draft.urgent)
        await case_batch_repo.insert_events(session, [submitted])
        view = build_view(case, [submitted], context)
        targets, neighbours = await targets_of(
            session, [body], (case.community_id, inputs.building_path or "")
            if shared and case.building_id is not None else None, groups)
        card = _card(view, first=True)
        rows = [outbox_repo.row(chat_id=chat_id, thread_id=thread_id, kind="case_card",
                                params=card, now=now, ref=ref(case.id))
                for chat_id, thread_id in targets[body.id]]
        if neighbours:
            anonymous = card_params(view, anonymous=True)
            rows += [outbox_repo.row(chat_id=chat_id, thread_id=thread_id,
                                     kind="case_neighbours", params=anonymous, now=now,
                                     ref=ref(case.id)) for chat_id, thread_id in neighbours]
        await outbox_repo.enqueue_many(session, rows)
        await uow.commit()
    return view


async def _new_case(session: AsyncSession, user_id: int, draft: ReportDraft, inputs: Any,
                    now: datetime) -> tuple[Any, case_batch_repo.BodyRow, ViewContext]:
    """The case (not yet saved, with its deadlines and next look) and what its view needs,
    from the row of `cases_repo.report_inputs`."""
    body = case_batch_repo.BodyRow(inputs.body_id, inputs.community_id, inputs.body_key,
                              inputs.body_role, inputs.body_level, inputs.body_name,
                              inputs.body_group_id)
    ack_hours, resolve_hours = ((inputs.urgent_ack_hours, inputs.urgent_resolve_hours)
                                if draft.urgent else (inputs.ack_hours, inputs.resolve_hours))
    ack_window, resolve_window = windows(draft.urgent, inputs.ack_hours, inputs.resolve_hours,
                                         inputs.urgent_ack_hours, inputs.urgent_resolve_hours)
    at_home = draft.place == Place.HOME
    # Plain attributes, not an ORM object: it is inserted with Core and only read after.
    case = SimpleNamespace(
        id=None, community_id=inputs.community_id, number=0, category_id=draft.category_id,
        body_id=body.id, level=body.level, base_level=body.level, reporter_id=user_id,
        household_id=inputs.id if at_home else None, building_id=inputs.building_id,
        place=draft.place, latitude=draft.latitude, longitude=draft.longitude,
        description=draft.description.strip(), photos=list(draft.photos),
        urgent=draft.urgent, shared=draft.shared, supporters=0, status=Status.NEW,
        created_at=now, acked_at=None, resolved_at=None, closed_at=None,
        ack_hours=ack_hours, resolve_hours=resolve_hours, ack_due=now + ack_window,
        resolve_due=now + resolve_window, ack_reminded=False, resolve_reminded=False,
        rating=None)
    schedule(case, now)
    names = {}
    if inputs.user_id is not None:
        names[user_id] = (inputs.first_name or (f"@{inputs.username}" if inputs.username
                                                else str(user_id)))
    return case, body, ViewContext(
        {case.community_id: inputs.timezone}, {body.id: body},
        {(body.community_id, body.level): body},
        {case.category_id: Label(inputs.category_key, inputs.category_name)}, names,
        {inputs.id: (inputs.floor_id, inputs.room)},
        await _labels(session, inputs, inputs.floor_id if at_home else inputs.building_id))


async def _labels(session: AsyncSession, inputs: Any, unit_id: int | None) -> dict[int, str]:
    """The full name of the floor or building, from the units read with the report's
    inputs (a read of its own only for a tree deeper than the usual kinds)."""
    if unit_id is None:
        return {}
    path = inputs.floor_path if unit_id == inputs.floor_id else inputs.building_path
    names = cases_repo.units_read(inputs)
    if path is None:  # the unit is gone: nothing to name
        return {}
    missing = case_batch_repo.missing_on([path], names)
    names.update(await case_batch_repo.unit_names(session, missing))
    return {unit_id: case_batch_repo.label_from(path, names)}


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

