"""Rules of issue reports: statuses, the default bodies and categories, the SLA clock
(reminders before each deadline, escalation one level per overdue window, the auto-close
after resolution) and the ranking of similar open cases.

The clock is pure: `plan(sla, now)` says what is due at `now` and when to look again, so a
sweep after any downtime does each missed step once and a repeated sweep does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.domain.roles import Role


class Status(StrEnum):
    NEW = "new"  # waiting to be acknowledged
    INFO = "info"  # the body asked the reporter for information
    ACCEPTED = "accepted"  # being worked on
    RESOLVED = "resolved"  # the body says it is fixed; the reporter is asked
    CLOSED = "closed"
    REJECTED = "rejected"


OPEN = frozenset({Status.NEW, Status.INFO, Status.ACCEPTED})
FINAL = frozenset({Status.CLOSED, Status.REJECTED})


class Place(StrEnum):
    HOME = "home"
    STAIRS = "stairs"
    ELEVATOR = "elevator"
    ROOF = "roof"
    BASEMENT = "basement"
    GATE = "gate"
    GREEN = "green"
    PARKING = "parking"
    PLAYGROUND = "playground"
    PUBLIC = "public"
    LOCATION = "location"


IN_BUILDING = (Place.STAIRS, Place.ELEVATOR, Place.ROOF, Place.BASEMENT)
PUBLIC_AREAS = (Place.GATE, Place.GREEN, Place.PARKING, Place.PLAYGROUND, Place.PUBLIC)

MAX_DESCRIPTION = 2000
MAX_PHOTOS = 3
MAX_NOTE = 1000
CONFIRM_WINDOW = timedelta(days=7)  # a resolved case the reporter does not answer closes
REPORTER_NUDGE = timedelta(days=1)  # a question unanswered this long: the reporter is reminded
MIN_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class BodySpec:
    key: str
    role: Role
    level: int
    purpose: str | None  # the kind of bound group its cases go to


#: The escalation chain, bottom up: property → owners' committee → residents' committee →
#: community admins.
DEFAULT_BODIES = (
    BodySpec("property", Role.PROPERTY, 1, "property"),
    BodySpec("owners_committee", Role.OWNERS_COMMITTEE, 2, "committee"),
    BodySpec("residents_committee", Role.RESIDENTS_COMMITTEE, 3, "committee"),
    BodySpec("admins", Role.ADMIN, 4, None),
)
TOP_LEVEL = max(b.level for b in DEFAULT_BODIES)


@dataclass(frozen=True)
class CategorySpec:
    key: str
    body: str
    ack_hours: float
    resolve_hours: float
    urgent_ack_hours: float
    urgent_resolve_hours: float


DEFAULT_CATEGORIES = (
    CategorySpec("repairs", "property", 4, 72, 1, 24),
    CategorySpec("sanitation", "property", 8, 48, 2, 12),
    CategorySpec("safety", "property", 2, 24, 0.5, 4),
    CategorySpec("parking", "property", 8, 72, 2, 24),
    CategorySpec("disputes", "residents_committee", 24, 168, 4, 48),
    CategorySpec("greenery", "property", 24, 168, 8, 72),
    CategorySpec("care", "residents_committee", 8, 72, 1, 12),
    CategorySpec("other", "residents_committee", 24, 168, 4, 48),
)

#: The choices an admin has for a deadline, in hours.
HOUR_CHOICES = (0.5, 1, 2, 4, 8, 12, 24, 48, 72, 168, 336)


def windows(urgent: bool, ack_hours: float, resolve_hours: float, urgent_ack_hours: float,
            urgent_resolve_hours: float) -> tuple[timedelta, timedelta]:
    """The time to acknowledge and the time to resolve of a case."""
    ack, resolve = ((urgent_ack_hours, urgent_resolve_hours) if urgent
                    else (ack_hours, resolve_hours))
    return (max(MIN_WINDOW, timedelta(hours=ack)), max(MIN_WINDOW, timedelta(hours=resolve)))


def reminder_lead(window: timedelta) -> timedelta:
    """How long before a deadline the body is reminded: a quarter of the window, at least
    15 minutes, at most a day."""
    return min(timedelta(days=1), max(timedelta(minutes=15), window / 4))


@dataclass(frozen=True)
class Sla:
    """What the clock needs of a case. `base_level` is the level the current phase started
    at (the body's, or wherever the case was when it was accepted, reassigned or reopened)."""

    status: Status
    acked: bool
    ack_due: datetime
    resolve_due: datetime
    ack_window: timedelta
    resolve_window: timedelta
    ack_reminded: bool
    resolve_reminded: bool
    level: int
    base_level: int
    resolved_at: datetime | None = None
    top_level: int = TOP_LEVEL
    waiting_since: datetime | None = None  # asked the reporter (status INFO) at
    reporter_reminded: bool = False


def sla_of(case: Any) -> Sla:
    """The clock's view of a case (a Case, or anything with its columns)."""
    return Sla(status=Status(case.status), acked=case.acked_at is not None,
               ack_due=case.ack_due, resolve_due=case.resolve_due,
               ack_window=timedelta(hours=case.ack_hours),
               resolve_window=timedelta(hours=case.resolve_hours),
               ack_reminded=case.ack_reminded, resolve_reminded=case.resolve_reminded,
               level=case.level, base_level=case.base_level, resolved_at=case.resolved_at,
               waiting_since=case.waiting_since, reporter_reminded=case.reporter_reminded)


@dataclass(frozen=True)
class Plan:
    """What to do now: `remind` the body ("ack" or "resolve") or not; `mark_reminded` the
    phase whose reminder is settled (sent, or skipped because its deadline passed while the
    bot was down); the levels the case climbs; whether it closes; when to look again."""

    remind: str | None = None  # "ack", "resolve", or "reporter" (to answer a question)
    mark_reminded: str | None = None
    escalate_to: tuple[int, ...] = ()
    close: bool = False
    next_due_at: datetime | None = None
    overdue_at_top: bool = False  # its window at the top of the chain ran out just now


def target_level(sla: Sla, now: datetime) -> int:
    """The level an open case should have reached: one more per overdue window."""
    due, window = (sla.resolve_due, sla.resolve_window) if sla.acked else (
        sla.ack_due, sla.ack_window)
    if now < due:
        return sla.level
    steps = int((now - due) / window) + 1
    return max(sla.level, min(sla.top_level, sla.base_level + steps))


def next_escalation(sla: Sla) -> datetime | None:
    """When an open case climbs to the next level if nobody acts: at the current phase's
    deadline, then one window later for each level it already climbed in this phase.
    None at the top of the chain, for a case that is not open, and while the case waits for
    its reporter's answer (the clock is paused)."""
    if sla.status not in OPEN or sla.status is Status.INFO or sla.level >= sla.top_level:
        return None
    due, window = ((sla.resolve_due, sla.resolve_window) if sla.acked
                   else (sla.ack_due, sla.ack_window))
    return due + (sla.level - sla.base_level) * window


def plan(sla: Sla, now: datetime) -> Plan:
    """What is due for this case at `now`, and when it next needs a look."""
    if sla.status in FINAL:
        return Plan()
    if sla.status is Status.RESOLVED:
        close_at = (sla.resolved_at or now) + CONFIRM_WINDOW
        return Plan(close=True) if now >= close_at else Plan(next_due_at=close_at)
    if sla.status is Status.INFO:
        # The body waits for the reporter: no reminder to it, no escalation; the reporter is
        # reminded once. The deadlines move on by the time waited when the answer comes.
        if sla.reporter_reminded or sla.waiting_since is None:
            return Plan()
        nudge_at = sla.waiting_since + REPORTER_NUDGE
        if now >= nudge_at:
            return Plan(remind="reporter", mark_reminded="reporter")
        return Plan(next_due_at=nudge_at)
    phase = "resolve" if sla.acked else "ack"
    due, window, reminded = ((sla.resolve_due, sla.resolve_window, sla.resolve_reminded)
                             if sla.acked else (sla.ack_due, sla.ack_window, sla.ack_reminded))
    remind_at = due - reminder_lead(window)
    remind = mark = None
    if not reminded and now >= remind_at:
        mark = phase
        remind = phase if now < due else None
    level = target_level(sla, now)
    candidates = []
    if not reminded and mark is None:
        candidates.append(remind_at)
    climb = next_escalation(replace(sla, level=level))
    if climb is not None:
        candidates.append(climb)
    overdue_at_top = False
    if level >= sla.top_level:  # nobody above: when its window there ends, it is said once
        end = due + (level - sla.base_level) * window
        if now < end:
            candidates.append(end)
        else:
            overdue_at_top = True
    return Plan(remind=remind, mark_reminded=mark,
                escalate_to=tuple(range(sla.level + 1, level + 1)),
                next_due_at=min(candidates) if candidates else None,
                overdue_at_top=overdue_at_top)


def bigrams(text: str) -> set[str]:
    """Character pairs of the text without spaces and punctuation: works for Chinese, which
    has no spaces between words, and well enough for English."""
    chars = [c.lower() for c in text if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' character pairs, 0 to 1."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


@dataclass(frozen=True)
class Candidate:
    case_id: int
    description: str
    supporters: int
    created_at: datetime


def rank_similar(description: str, candidates: list[Candidate], limit: int = 3,
                 ) -> list[Candidate]:
    """The open cases most like the new description first (same building and category
    already), then the most supported, then the newest."""
    return sorted(candidates, key=lambda c: (-round(similarity(description, c.description), 2),
                                             -c.supporters, -c.created_at.timestamp()))[:limit]


RAISED_AT = 3  # neighbours saying "me too" that raise a case's priority


def priority(urgent: bool, supporters: int) -> str:
    """How a body should rank the case: urgent, raised (several neighbours are affected)
    or normal."""
    if urgent:
        return "urgent"
    return "raised" if supporters >= RAISED_AT else "normal"
