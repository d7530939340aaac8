"""Rules of meeting polls: which candidate times and deadline a draft may have, which time
wins, and when the reminders are due.

Times are aware UTC datetimes; `now` is always a parameter. A reminder that was missed
while the bot was down fires once, as long as the meeting has not started — and when both
were missed, only the 1 h one goes out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MIN_TIMES, MAX_TIMES = 2, 8
TOPIC_MAX = 200
PLACE_MAX = 100
AGENDA_MAX = 10
ITEM_MAX = 300
MINUTES_MAX = 3000
OUTCOME_MAX = 800
#: How long a meeting may last, in minutes (one button each); it ends the calendar entry.
DURATIONS = (60, 90, 120, 180)
DEFAULT_DURATION = 120
BEFORE_24H, BEFORE_1H = timedelta(hours=24), timedelta(hours=1)


class Answer(StrEnum):
    YES = "yes"
    MAYBE = "maybe"  # if need be
    NO = "no"


class MeetingError(Exception):
    """A draft or a value breaks a rule; `code` names it, `details` carry the numbers."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class AgendaDraft:
    """One agenda item: free text, or a report case or a closed survey (by id)."""

    text: str = ""
    case_id: int | None = None
    survey_id: int | None = None


@dataclass(frozen=True)
class MeetingDraft:
    topic: str
    agenda: tuple[AgendaDraft, ...]
    times: tuple[datetime, ...]
    scope_unit_ids: tuple[int | None, ...]
    deadline: datetime
    place: str | None = None
    duration_minutes: int = DEFAULT_DURATION


def check_time(moment: datetime, chosen: Sequence[datetime], now: datetime) -> None:
    """One more candidate time: in the future, not chosen already, not over the limit."""
    if moment <= now:
        raise MeetingError("meeting_time_past")
    if moment in chosen:
        raise MeetingError("meeting_time_twice")
    if len(chosen) >= MAX_TIMES:
        raise MeetingError("meeting_too_many_times", limit=MAX_TIMES)


def check_deadline(deadline: datetime, times: Sequence[datetime], now: datetime) -> None:
    """The availability deadline: in the future and before the first candidate time."""
    if deadline <= now:
        raise MeetingError("meeting_deadline_past")
    if times and deadline >= min(times):
        raise MeetingError("meeting_deadline_late", first=min(times))


def check_times(times: Sequence[datetime], deadline: datetime, now: datetime,
                ) -> tuple[datetime, ...]:
    """The candidate times, sorted: 2–8, distinct, in the future, with the deadline in the
    future and before the first of them; else MeetingError naming what is wrong."""
    if len(times) < MIN_TIMES:
        raise MeetingError("meeting_too_few_times", minimum=MIN_TIMES)
    if len(times) > MAX_TIMES:
        raise MeetingError("meeting_too_many_times", limit=MAX_TIMES)
    if len(set(times)) != len(times):
        raise MeetingError("meeting_time_twice")
    if any(t <= now for t in times):
        raise MeetingError("meeting_time_past")
    check_deadline(deadline, times, now)
    return tuple(sorted(times))


def check_text(text: str, limit: int, code: str) -> str:
    """The stripped text, or MeetingError `<code>_empty` / `<code>_too_long`."""
    text = text.strip()
    if not text:
        raise MeetingError(f"{code}_empty")
    if len(text) > limit:
        raise MeetingError(f"{code}_too_long", limit=limit, length=len(text))
    return text


def check_draft(draft: MeetingDraft, now: datetime) -> tuple[datetime, ...]:
    """Checks the whole draft; returns its candidate times, sorted. A blank place is none."""
    check_text(draft.topic, TOPIC_MAX, "meeting_topic")
    place = (draft.place or "").strip()
    if place:
        check_text(place, PLACE_MAX, "meeting_place")
    if draft.duration_minutes not in DURATIONS:
        raise MeetingError("meeting_duration")
    if len(draft.agenda) > AGENDA_MAX:
        raise MeetingError("meeting_agenda_too_long", limit=AGENDA_MAX)
    for item in draft.agenda:
        if item.case_id is None and item.survey_id is None:
            check_text(item.text, ITEM_MAX, "meeting_item")
    if not draft.scope_unit_ids:
        raise MeetingError("no_scope")
    return check_times(draft.times, draft.deadline, now)


@dataclass(frozen=True)
class SlotTally:
    slot_id: int
    starts_at: datetime
    yes: int = 0
    maybe: int = 0
    no: int = 0


def best_slot(tallies: Sequence[SlotTally]) -> SlotTally | None:
    """The time most can come to: most Yes, then most If need be, then the earliest."""
    if not tallies:
        return None
    return min(tallies, key=lambda t: (-t.yes, -t.maybe, t.starts_at))


@dataclass(frozen=True)
class ReminderPlan:
    """What to send now (None, "24h" or "1h"), the flags to store, and when to look again."""

    send: str | None
    reminded_24h: bool
    reminded_1h: bool
    next_due_at: datetime | None


def plan_reminders(starts_at: datetime, reminded_24h: bool, reminded_1h: bool,
                   now: datetime) -> ReminderPlan:
    """The reminder due now, if any. Nothing once the meeting has started; after a downtime
    that missed both, the 1 h one only (the 24 h one is then stale)."""
    if now >= starts_at:
        return ReminderPlan(None, True, True, None)
    if not reminded_1h and now >= starts_at - BEFORE_1H:
        return ReminderPlan("1h", True, True, None)
    if not reminded_24h and now >= starts_at - BEFORE_24H:
        return ReminderPlan("24h", True, reminded_1h, starts_at - BEFORE_1H)
    if not reminded_24h:
        return ReminderPlan(None, False, reminded_1h, starts_at - BEFORE_24H)
    if not reminded_1h:
        return ReminderPlan(None, True, False, starts_at - BEFORE_1H)
    return ReminderPlan(None, True, True, None)


def first_reminders(starts_at: datetime, now: datetime) -> ReminderPlan:
    """The plan when a time is announced: a reminder whose moment has passed already is
    covered by the announcement itself, so it is marked done rather than sent."""
    return ReminderPlan(None, now >= starts_at - BEFORE_24H, now >= starts_at - BEFORE_1H,
                        None if now >= starts_at - BEFORE_1H else
                        starts_at - (BEFORE_1H if now >= starts_at - BEFORE_24H
                                     else BEFORE_24H))
