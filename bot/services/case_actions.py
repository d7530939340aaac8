"""What the bodies and the reporter do with a case: accept, ask for information, reassign,
resolve (with up to three photos of the result), reject; answer a question, rate, reopen;
and the reporter's list. Who may act for a body is `case_access`'s rule.

Every action re-checks on the server who acts and whether the case is still open, whatever
id a button carried. Each step lands on the case's timeline, every posted card is refreshed,
and the reporter hears of each change in private.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import MAX_NOTE, MAX_PHOTOS, Status
from bot.services.case_access import acting_body, load_for_body, responsible
from bot.services.case_sweep import schedule
from bot.services.case_views import (
    CaseView,
    Label,
    case_view,
    load_case,
    notice_params,
    queue_card_refresh,
)
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.reports import dispatch
from storage import UnitOfWork, cases_repo, outbox_repo
from storage.case_models import Body, Case

ACTIONS = ("accept", "ask", "reassign", "resolve", "reject")
NEEDS_NOTE = {"ask": "question_required", "resolve": "note_required",
              "reject": "reason_required"}


@dataclass(frozen=True)
class CaseBrief:
    id: int
    number: int
    status: Status
    category: Label
    created_at: datetime
    timezone: str


def check_note(action: str, note: str | None) -> str | None:
    note = (note or "").strip()
    if action in NEEDS_NOTE and not note:
        raise InvalidInput(NEEDS_NOTE[action])
    if len(note) > MAX_NOTE:
        raise InvalidInput("note_too_long", length=len(note), limit=MAX_NOTE)
    return note or None


async def act_on_case(uow: UnitOfWork, *, user_id: int, case_id: int, action: str,
                      note: str | None = None, photos: tuple[str, ...] = (),
                      body_id: int | None = None) -> CaseView:
    """Applies a body's action; a question, a resolution note and a rejection reason are
    required, and a resolution may show up to MAX_PHOTOS photos."""
    if action not in ACTIONS:
        raise InvalidInput("bad_action")
    note = check_note(action, note)
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput("too_many_photos", limit=MAX_PHOTOS)
    async with uow:
        session, now = uow.session, uow.now()
        case = await load_for_body(session, user_id, case_id, action)
        details: dict[str, object] = {}
        if action == "accept":
            if case.acked_at is not None:  # accepted, or answered with a question
                raise InvalidInput("already_accepted", number=case.number)
            _acknowledge(case, now)
            case.status = Status.ACCEPTED
        elif action == "ask":
            _acknowledge(case, now)
            if case.status != Status.INFO:  # asked again meanwhile: still the first wait
                case.waiting_since, case.reporter_reminded = now, False
            case.status = Status.INFO
        elif action == "reassign":
            target = await session.get(Body, body_id or 0)
            if target is None or target.community_id != case.community_id:
                raise NotFound("body")
            if target.id == case.body_id:
                raise InvalidInput("same_body")
            details = {"from_body": case.body_id, "to_body": target.id}
            hand_over(case, target, now)
        elif action == "resolve":
            case.status, case.resolved_at = Status.RESOLVED, now
            if photos:
                details = {"photos": list(photos)}
        else:
            case.status, case.closed_at = Status.REJECTED, now
        schedule(case, now)
        cases_repo.add_event(session, case, _EVENT[action], now, user_id, note, **details)
        await session.flush()
        view = await case_view(session, case)
        await queue_card_refresh(session, view, now)
        await _tell(session, case, view, action, note, photos, now, user_id)
        if action == "reassign":
            await dispatch(session, case, view, await session.get(Body, case.body_id), now,
                           reassigned=True)
        await uow.commit()
    return view


_EVENT = {"accept": "accepted", "ask": "info_asked", "reassign": "reassigned",
          "resolve": "resolved", "reject": "rejected"}


def _acknowledge(case: Case, now: datetime) -> None:
    """The first answer of a body stops the acknowledge clock; the resolve phase starts at
    the level the case has reached."""
    if case.acked_at is None:
        case.acked_at = now
        case.base_level = case.level


def resume(case: Case, now: datetime) -> None:
    """The wait for the reporter is over: the deadlines move on by as long as it lasted
    (the body could not go on without the answer), and the clock runs again."""
    if case.waiting_since is not None:
        waited = now - case.waiting_since
        case.ack_due += waited
        case.resolve_due += waited
    case.waiting_since, case.reporter_reminded = None, False
    schedule(case, now)


def hand_over(case: Case, body: Body, now: datetime) -> None:
    """The case is the new body's (reassigned, or appealed to it): it gets fresh windows
    from now, at its own level of the chain."""
    case.body_id, case.level, case.base_level = body.id, body.level, body.level
    case.status, case.acked_at, case.waiting_since = Status.NEW, None, None
    case.ack_due = now + timedelta(hours=case.ack_hours)
    case.resolve_due = now + timedelta(hours=case.resolve_hours)
    case.ack_reminded = case.resolve_reminded = False


async def _tell(session: AsyncSession, case: Case, view: CaseView, action: str,
                note: str | None, photos: tuple[str, ...], now: datetime,
                actor_id: int) -> None:
    """The reporter hears every change, from the body it was made for; after "resolved"
    they are asked whether it is fixed, after "rejected" offered an appeal, and the
    neighbours who said "me too" hear of both too."""
    kind = "case_resolved" if action == "resolve" else "case_update"
    by = (view.body if action == "reassign"
          else await acting_body(session, actor_id, case, action))
    params = notice_params(view, event=_EVENT[action], note=note, photos=list(photos),
                           by=by.json(), appeal_to=view.appeal_to.json()
                           if view.appeal_to else None)
    if action == "reject":  # final once reviewed on appeal: the reporter is told why
        params["reviewed"] = any(e.kind == "appealed" for e in view.timeline)
    outbox_repo.enqueue(session, chat_id=case.reporter_id, kind=kind, now=now, params=params)
    if action in ("resolve", "reject"):
        for supporter in await cases_repo.supporters(session, case.id):
            outbox_repo.enqueue(session, chat_id=supporter, kind="case_update", now=now,
                                params={**params, "supporter": True})


async def answer_question(uow: UnitOfWork, *, user_id: int, case_id: int,
                          text: str | None, photos: tuple[str, ...] = ()) -> CaseView:
    """The reporter's answer to a body's question — words, up to MAX_PHOTOS photos, or
    both: goes on the timeline and to the body, photos included."""
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput("too_many_photos", limit=MAX_PHOTOS)
    # Words are needed unless photos answer; "answer" needs no note, only a short one.
    text = check_note("answer" if photos else "ask", text)
    async with uow:
        session, now = uow.session, uow.now()
        case = await reporters_case(session, user_id, case_id)
        if case.status != Status.INFO:
            raise InvalidInput("no_question", number=case.number)
        case.status = Status.ACCEPTED
        resume(case, now)
        details = {"photos": list(photos)} if photos else {}
        cases_repo.add_event(session, case, "info_given", now, user_id, text, **details)
        await session.flush()
        view = await case_view(session, case)
        await queue_card_refresh(session, view, now)
        for body in await responsible(session, case):
            await dispatch(session, case, view, body, now, kind="case_info_given", answer=text,
                           answer_photos=list(photos))
        await uow.commit()
    return view


async def reporters_case(session: AsyncSession, user_id: int, case_id: int) -> Case:
    case = await load_case(session, case_id)
    if case.reporter_id != user_id:
        raise NotPermitted("not_reporter")
    return case


async def rate_case(uow: UnitOfWork, *, user_id: int, case_id: int, rating: int) -> CaseView:
    """The reporter confirms a resolved case with a rating of 1–5, which closes it."""
    if rating not in range(1, 6):
        raise InvalidInput("bad_rating")
    async with uow:
        session, now = uow.session, uow.now()
        case = await reporters_case(session, user_id, case_id)
        if case.status != Status.RESOLVED:
            raise InvalidInput("not_resolved", number=case.number)
        case.status, case.closed_at, case.rating = Status.CLOSED, now, rating
        case.next_due_at = None
        cases_repo.add_event(session, case, "rated", now, user_id, rating=rating)
        await session.flush()
        view = await case_view(session, case)
        await queue_card_refresh(session, view, now)
        await uow.commit()
    return view


async def reopen_case(uow: UnitOfWork, *, user_id: int, case_id: int) -> CaseView:
    """Not fixed after all: the case is open again with a fresh resolve deadline, and the
    body is told."""
    async with uow:
        session, now = uow.session, uow.now()
        case = await reporters_case(session, user_id, case_id)
        if case.status != Status.RESOLVED:
            raise InvalidInput("not_resolved", number=case.number)
        case.status, case.resolved_at = Status.ACCEPTED, None
        case.resolve_due = now + timedelta(hours=case.resolve_hours)
        case.resolve_reminded, case.base_level = False, case.level
        schedule(case, now)
        cases_repo.add_event(session, case, "reopened", now, user_id)
        await session.flush()
        view = await case_view(session, case)
        await queue_card_refresh(session, view, now)
        for body in await responsible(session, case):
            await dispatch(session, case, view, body, now, reopened=True)
        await uow.commit()
    return view


async def get_case(uow: UnitOfWork, *, user_id: int, case_id: int) -> CaseView:
    """A case for its reporter (the status card)."""
    async with uow(readonly=True):
        case = await reporters_case(uow.session, user_id, case_id)
        return await case_view(uow.session, case)


async def my_cases(uow: UnitOfWork, user_id: int) -> list[CaseBrief]:
    """The reporter's cases, newest first."""
    async with uow(readonly=True):
        session = uow.session
        cases = await cases_repo.of_reporter(session, user_id)
        out = []
        for case in cases:
            view = await case_view(session, case, timeline=[])
            out.append(CaseBrief(case.id, case.number, Status(case.status), view.category,
                                 case.created_at, view.timezone))
        return out
