"""Meeting polls: creating one for a scope, residents saying when they can come, and
reading a meeting back. Closing, reminders, a changed time and the minutes are in
bot.services.meeting_close.

Creating checks the creator's role on the scope (as for surveys) and the draft's rules,
then writes the meeting and one "meeting_poll" post per residents' group in scope to the
outbox. Each answer queues an edit of those posts with the live counts, coalesced so a
busy poll edits each post at most every few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import as_utc
from bot.domain.meetings import Answer, MeetingDraft, MeetingError, check_draft
from bot.domain.roles import ORGANIZERS
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.meeting_agenda import agenda_rows
from bot.services.permissions import has_role
from storage import UnitOfWork, meetings_repo, outbox_repo, surveys_repo
from storage.deliberation_models import (
    Availability,
    Meeting,
    MeetingScope,
    MeetingSlot,
)
from storage.models import Community

REFRESH_DELAY = timedelta(seconds=3)


@dataclass(frozen=True)
class SlotView:
    id: int
    starts_at: datetime
    yes: int
    maybe: int
    no: int


@dataclass(frozen=True)
class AgendaView:
    text: str
    case_id: int | None
    survey_id: int | None

    @property
    def kind(self) -> str:
        return "case" if self.case_id else "survey" if self.survey_id else "text"


@dataclass(frozen=True)
class MeetingView:
    id: int
    community_id: int
    creator_id: int
    topic: str
    place: str | None
    duration_minutes: int
    status: str
    deadline: datetime
    timezone: str
    slot_id: int | None
    starts_at: datetime | None
    agenda: tuple[AgendaView, ...]
    slots: tuple[SlotView, ...]
    minutes: str | None
    outcome: str | None


@dataclass(frozen=True)
class Published:
    meeting_id: int
    groups: int


@dataclass(frozen=True)
class AvailabilitySaved:
    meeting_id: int
    starts_at: datetime
    timezone: str
    answer: Answer | None  # None: the same button again took the answer back


def ref(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


async def load_meeting(session: AsyncSession, meeting_id: int) -> Meeting:
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting")
    return meeting


async def view_of(session: AsyncSession, meeting: Meeting) -> MeetingView:
    community = await session.get(Community, meeting.community_id)
    counts = await meetings_repo.tallies(session, meeting.id)
    slots = tuple(SlotView(s.id, as_utc(s.starts_at), *(counts.get(s.id, {}).get(str(a), 0)
                                                       for a in Answer))
                  for s in await meetings_repo.slots(session, meeting.id))
    agenda = tuple(AgendaView(a.text, a.case_id, a.survey_id)
                   for a in await meetings_repo.agenda(session, meeting.id))
    return MeetingView(meeting.id, meeting.community_id, meeting.creator_id, meeting.topic,
                       meeting.place, meeting.duration_minutes, meeting.status,
                       as_utc(meeting.deadline), community.timezone, meeting.slot_id,
                       as_utc(meeting.starts_at) if meeting.starts_at else None, agenda,
                       slots, meeting.minutes, meeting.outcome)


def base_params(view: MeetingView) -> dict[str, Any]:
    """What every message about the meeting needs (rendered in each reader's language)."""
    return {"meeting_id": view.id, "topic": view.topic, "place": view.place,
            "duration_minutes": view.duration_minutes, "timezone": view.timezone,
            "agenda": [[a.text, a.kind] for a in view.agenda],
            "starts_at": view.starts_at.isoformat() if view.starts_at else None}


def poll_params(view: MeetingView) -> dict[str, Any]:
    """The group post: the candidate times with their counts, open or decided."""
    return {**base_params(view), "status": view.status,
            "deadline": view.deadline.isoformat(), "chosen": view.slot_id,
            "slots": [[s.id, s.starts_at.isoformat(), s.yes, s.maybe, s.no]
                      for s in view.slots]}


async def group_chats(session: AsyncSession, meeting: Meeting) -> list[tuple[int, int]]:
    """(chat, topic) of every active residents' group in the meeting's scope."""
    paths = await meetings_repo.scope_paths(session, meeting.id)
    groups = await surveys_repo.groups_in_scope(session, meeting.community_id, paths)
    return [(chat_id, thread_id) for _group, chat_id, thread_id, _path in groups]


async def queue_poll_refresh(session: AsyncSession, view: MeetingView, now: datetime,
                             *, final: bool = False) -> None:
    """Edits each group post with the current counts; a pending edit is updated instead of
    queueing another. A `final` edit (closed, time changed) goes out at once."""
    await outbox_repo.refresh_posts(session, ref=ref(view.id), kind="meeting_poll",
                                    params=poll_params(view), now=now, delay=REFRESH_DELAY,
                                    final=final)


async def create_meeting(uow: UnitOfWork, *, creator_id: int, community_id: int,
                         draft: MeetingDraft) -> Published:
    """Saves the meeting and queues its poll in every residents' group in scope."""
    async with uow:
        session, now = uow.session, uow.now()
        for unit_id in draft.scope_unit_ids:
            if not await has_role(session, creator_id, community_id, unit_id, ORGANIZERS):
                raise NotPermitted("no_role_on_scope")
        try:
            times = check_draft(draft, now)
        except MeetingError as exc:
            raise InvalidInput(exc.code, **exc.details) from None
        agenda = await agenda_rows(session, community_id, draft)
        meeting = Meeting(community_id=community_id, creator_id=creator_id,
                          topic=draft.topic.strip(), place=(draft.place or "").strip() or None,
                          duration_minutes=draft.duration_minutes, status="polling",
                          deadline=draft.deadline, reminded_24h=False, reminded_1h=False,
                          next_due_at=draft.deadline, created_at=now)
        session.add(meeting)
        await session.flush()
        for unit_id in dict.fromkeys(draft.scope_unit_ids):
            session.add(MeetingScope(meeting_id=meeting.id, unit_id=unit_id))
        for position, moment in enumerate(times):
            session.add(MeetingSlot(meeting_id=meeting.id, position=position,
                                    starts_at=moment))
        for item in agenda:
            item.meeting_id = meeting.id
            session.add(item)
        await session.flush()
        params = poll_params(await view_of(session, meeting))
        chats = await group_chats(session, meeting)
        for chat_id, thread_id in chats:
            outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id,
                                kind="meeting_poll", params=params, now=now,
                                ref=ref(meeting.id))
        await uow.commit()
        return Published(meeting.id, len(chats))


async def set_availability(uow: UnitOfWork, *, user_id: int, slot_id: int,
                           answer: str) -> AvailabilitySaved:
    """Stores the user's answer for one candidate time; pressing the same answer again
    takes it back. Only verified residents of a household in scope, while polling."""
    try:
        chosen = Answer(answer)
    except ValueError:
        raise InvalidInput("meeting_bad_button") from None
    async with uow:
        session, now = uow.session, uow.now()
        slot = await session.get(MeetingSlot, slot_id)
        if slot is None:
            raise NotFound("meeting")
        meeting = await load_meeting(session, slot.meeting_id)
        if meeting.status != "polling" or as_utc(meeting.deadline) <= now:
            raise InvalidInput("meeting_closed")
        paths = await meetings_repo.scope_paths(session, meeting.id)
        verified, in_scope = await meetings_repo.verified_in_scope(
            session, user_id, meeting.community_id, paths)
        if not verified:
            raise NotPermitted("meeting_not_verified")
        if not in_scope:
            raise NotPermitted("meeting_not_in_scope")
        row = await meetings_repo.answer_of(session, slot_id, user_id)
        result: Answer | None = chosen
        if row is None:
            session.add(Availability(meeting_id=meeting.id, slot_id=slot_id, user_id=user_id,
                                     answer=str(chosen), at=now))
        elif row.answer == str(chosen):
            await meetings_repo.drop_answer(session, row)
            result = None
        else:
            row.answer, row.at = str(chosen), now
        await session.flush()
        view = await view_of(session, meeting)
        await queue_poll_refresh(session, view, now)
        await uow.commit()
    return AvailabilitySaved(meeting.id, as_utc(slot.starts_at), view.timezone, result)
