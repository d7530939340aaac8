"""After the poll: the sweeper closes it at the deadline and picks the time, the creator
may choose another one, reminders go out 24 h and 1 h before, and the minutes go to every
group in scope and onto the timeline of each report case on the agenda.

`next_due_at` is the only column the sweeper reads: the deadline while polling, then the
next reminder; it is set again in the transaction that sends, so a sweep interrupted by a
restart is redone whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import as_utc
from bot.domain.meetings import (
    MINUTES_MAX,
    OUTCOME_MAX,
    MeetingError,
    SlotTally,
    best_slot,
    check_text,
    first_reminders,
    plan_reminders,
)
from bot.services.case_views import case_view, queue_card_refresh
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.meetings import (
    MeetingView,
    base_params,
    group_chats,
    load_meeting,
    queue_poll_refresh,
    ref,
    view_of,
)
from storage import UnitOfWork, cases_repo, due, meetings_repo, outbox_repo
from storage.case_models import Case
from storage.deliberation_models import Meeting, MeetingSlot
from storage.models import Survey


@dataclass(frozen=True)
class MeetingBrief:
    id: int
    topic: str
    status: str
    deadline: datetime
    starts_at: datetime | None
    timezone: str


@dataclass(frozen=True)
class Scheduled:
    meeting_id: int
    starts_at: datetime
    timezone: str
    groups: int


@dataclass(frozen=True)
class MinutesPosted:
    meeting_id: int
    groups: int
    cases: int


def _set_time(meeting: Meeting, slot_id: int, starts_at: datetime, now: datetime) -> None:
    plan = first_reminders(starts_at, now)
    meeting.status, meeting.slot_id, meeting.starts_at = "scheduled", slot_id, starts_at
    meeting.reminded_24h, meeting.reminded_1h = plan.reminded_24h, plan.reminded_1h
    meeting.next_due_at = plan.next_due_at


async def _announce(session: AsyncSession, meeting: Meeting, view: MeetingView,
                    now: datetime, *, changed: bool) -> int:
    """Queues the chosen time, with its calendar file, in every group in scope."""
    # A calendar app replaces an entry of the same UID only by a larger SEQUENCE.
    sequence = int((now - as_utc(meeting.created_at)).total_seconds())
    params = {**base_params(view), "announced_at": now.isoformat(), "sequence": sequence,
              "changed": changed}
    chats = await group_chats(session, meeting)
    for chat_id, thread_id in chats:
        outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id,
                            kind="meeting_scheduled", params=params, now=now,
                            ref=ref(meeting.id))
    return len(chats)


async def _close(session: AsyncSession, meeting: Meeting, now: datetime) -> None:
    """Picks the best time, announces it and tells the creator, who may choose another."""
    view = await view_of(session, meeting)
    best = best_slot([SlotTally(s.id, s.starts_at, s.yes, s.maybe, s.no) for s in view.slots])
    if best is None:  # a meeting without times cannot be created; nothing to decide
        meeting.next_due_at = None
        return
    _set_time(meeting, best.slot_id, best.starts_at, now)
    view = await view_of(session, meeting)
    await _announce(session, meeting, view, now, changed=False)
    outbox_repo.enqueue(session, chat_id=meeting.creator_id, kind="meeting_closed_creator",
                        now=now, ref=ref(meeting.id),
                        params={**base_params(view), "chosen": best.slot_id,
                                "slots": [[s.id, s.starts_at.isoformat(), s.yes, s.maybe,
                                           s.no] for s in view.slots]})
    await queue_poll_refresh(session, view, now, final=True)


async def _remind(session: AsyncSession, meeting: Meeting, now: datetime) -> None:
    plan = plan_reminders(as_utc(meeting.starts_at), meeting.reminded_24h,
                          meeting.reminded_1h, now)
    meeting.reminded_24h, meeting.reminded_1h = plan.reminded_24h, plan.reminded_1h
    meeting.next_due_at = plan.next_due_at
    if plan.send is None:
        return
    params = {**base_params(await view_of(session, meeting)), "before": plan.send}
    for chat_id, thread_id in await group_chats(session, meeting):
        outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id,
                            kind="meeting_reminder", params=params, now=now,
                            ref=ref(meeting.id))


async def sweep_meetings(uow: UnitOfWork, now: datetime, limit: int) -> int:
    """Sweeper task: closes polls whose deadline passed and sends due reminders."""
    async with uow:
        meetings = await due.claim(uow.session, meetings_repo.due(now), limit)
        for meeting in meetings:
            if meeting.status == "polling":
                await _close(uow.session, meeting, now)
            elif meeting.status == "scheduled" and meeting.starts_at is not None:
                await _remind(uow.session, meeting, now)
            else:
                meeting.next_due_at = None
        await uow.commit()
    return len(meetings)


async def _own(session: AsyncSession, user_id: int, meeting_id: int) -> Meeting:
    meeting = await load_meeting(session, meeting_id)
    if meeting.creator_id != user_id:
        raise NotPermitted("meeting_not_creator")
    return meeting


async def choose_time(uow: UnitOfWork, *, user_id: int, meeting_id: int,
                      slot_id: int) -> Scheduled:
    """The creator overrides the chosen time with another candidate time still ahead; the
    groups get the new time and calendar file, and the reminders start over."""
    async with uow:
        session, now = uow.session, uow.now()
        meeting = await _own(session, user_id, meeting_id)
        if meeting.status != "scheduled":
            raise InvalidInput("meeting_not_scheduled")
        slot = await session.get(MeetingSlot, slot_id)
        if slot is None or slot.meeting_id != meeting.id:
            raise InvalidInput("meeting_bad_button")
        if as_utc(slot.starts_at) <= now:
            raise InvalidInput("meeting_time_past")
        if slot.id == meeting.slot_id:
            raise InvalidInput("meeting_same_time")
        _set_time(meeting, slot.id, as_utc(slot.starts_at), now)
        view = await view_of(session, meeting)
        groups = await _announce(session, meeting, view, now, changed=True)
        await queue_poll_refresh(session, view, now, final=True)
        await uow.commit()
    return Scheduled(meeting.id, as_utc(slot.starts_at), view.timezone, groups)


async def post_minutes(uow: UnitOfWork, *, user_id: int, meeting_id: int, minutes: str,
                       outcome: str) -> MinutesPosted:
    """The creator posts the minutes and outcome once the meeting has started: to every
    group in scope, as a "meeting" step on each agenda case (its reporter is told)."""
    try:
        minutes = check_text(minutes, MINUTES_MAX, "meeting_minutes")
        outcome = check_text(outcome, OUTCOME_MAX, "meeting_outcome")
    except MeetingError as exc:
        raise InvalidInput(exc.code, **exc.details) from None
    async with uow:
        session, now = uow.session, uow.now()
        meeting = await _own(session, user_id, meeting_id)
        if meeting.status == "held":
            raise InvalidInput("meeting_minutes_posted")
        if meeting.status != "scheduled" or as_utc(meeting.starts_at) > now:
            raise InvalidInput("meeting_not_started")
        meeting.status, meeting.held_at, meeting.next_due_at = "held", now, None
        meeting.minutes, meeting.outcome = minutes, outcome
        view = await view_of(session, meeting)
        params: dict[str, Any] = {**base_params(view), "minutes": minutes, "outcome": outcome}
        chats = await group_chats(session, meeting)
        for chat_id, thread_id in chats:
            outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id,
                                kind="meeting_minutes", params=params, now=now,
                                ref=ref(meeting.id))
        cases = [item.case_id for item in view.agenda if item.case_id is not None]
        for case_id in cases:
            await _link_case(session, await session.get(Case, case_id), view, outcome,
                             user_id, now)
        # The creators of the surveys discussed get the minutes too (/surveys links them).
        creators = {(await session.get(Survey, item.survey_id)).creator_id
                    for item in view.agenda if item.survey_id is not None}
        for creator in sorted(creators - {user_id} - {chat for chat, _t in chats}):
            outbox_repo.enqueue(session, chat_id=creator, kind="meeting_minutes",
                                params=params, now=now, ref=ref(meeting.id))
        await uow.commit()
    return MinutesPosted(meeting.id, len(chats), len(cases))


async def _link_case(session: AsyncSession, case: Case, view: MeetingView, outcome: str,
                     user_id: int, now: datetime) -> None:
    """A "meeting" step on the case's timeline, its cards refreshed, its reporter told."""
    cases_repo.add_event(session, case, "meeting", now, actor_id=user_id, note=view.topic,
                         meeting_id=view.id)
    await session.flush()
    await queue_card_refresh(session, await case_view(session, case), now)
    outbox_repo.enqueue(session, chat_id=case.reporter_id, kind="meeting_case", now=now,
                        ref=ref(view.id),
                        params={**base_params(view), "case_id": case.id,
                                "number": case.number, "outcome": outcome})


async def meetings_created_by(uow: UnitOfWork, user_id: int, limit: int = 10,
                              ) -> list[MeetingBrief]:
    async with uow(readonly=True):
        rows = await meetings_repo.created_by(uow.session, user_id, limit)
    return [MeetingBrief(m.id, m.topic, m.status, as_utc(m.deadline),
                         as_utc(m.starts_at) if m.starts_at else None, tz) for m, tz in rows]


async def meeting_for_creator(uow: UnitOfWork, user_id: int, meeting_id: int) -> MeetingView:
    """The meeting with its times and counts, for its creator only."""
    async with uow(readonly=True):
        return await view_of(uow.session, await _own(uow.session, user_id, meeting_id))
