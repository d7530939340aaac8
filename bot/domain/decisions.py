"""Rules of a decision being carried out: what a progress update may say, and the reminder
clock of the body responsible.

Progress is a whole percentage from 0 to 100 and never goes down: every update is announced
to the groups in scope, so a lower figure would contradict what residents were told. A body
that over-reported posts an update at the same percentage with a note that explains. 100%
is not "done": the body closes the decision explicitly (with a closing note), because the
work can be finished before it has been checked or handed over.

The reminder clock is pure, like the SLA clock of cases: `plan(follow_up, scheduled, now)`
says which reminders are due at `now` and when to look again. Quiet reminders fall at
`last_update_at + k × quiet_days` (k ≥ 1), the overdue reminder once at `due_at`. After any
downtime each kind fires once, never once per missed day, and a repeated sweep does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MAX_NOTE = 1000
#: The percentages offered as buttons.
PERCENT_STEPS = tuple(range(10, 101, 10))


class DecisionError(ValueError):
    """A progress update that cannot be accepted; `code` says why."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


def check_percent(current: int, percent: int) -> int:
    """The new progress, if it is 0–100 and not below the current one (equal is allowed:
    news without a new figure, or a correction explained in the note)."""
    if not 0 <= percent <= 100:
        raise DecisionError("bad_percent")
    if percent < current:
        raise DecisionError("progress_backwards", current=current, percent=percent)
    return percent


def check_note(note: str | None) -> str:
    """A note is required and at most MAX_NOTE characters."""
    note = (note or "").strip()
    if not note:
        raise DecisionError("decision_note_required")
    if len(note) > MAX_NOTE:
        raise DecisionError("decision_note_too_long", length=len(note), limit=MAX_NOTE)
    return note


class Reminder(StrEnum):
    QUIET = "quiet"  # no progress for quiet_days
    OVERDUE = "overdue"  # the due date passed


@dataclass(frozen=True)
class FollowUp:
    """What the reminder clock needs of a decision."""

    done: bool
    due_at: datetime
    quiet_days: int
    last_update_at: datetime
    overdue_reminded: bool

    @property
    def quiet(self) -> timedelta:
        return timedelta(days=max(1, self.quiet_days))


@dataclass(frozen=True)
class Step:
    remind: tuple[Reminder, ...]
    overdue_reminded: bool
    next_due_at: datetime | None


def last_quiet(f: FollowUp, now: datetime) -> datetime | None:
    """The latest quiet moment at or before `now` (None before the first one)."""
    k = (now - f.last_update_at) // f.quiet
    return f.last_update_at + k * f.quiet if k >= 1 else None


def next_quiet(f: FollowUp, now: datetime) -> datetime:
    """The first quiet moment strictly after `now`."""
    k = max(1, (now - f.last_update_at) // f.quiet + 1)
    return f.last_update_at + k * f.quiet


def next_due(f: FollowUp, now: datetime) -> datetime | None:
    """When the sweeper must look next: the next quiet moment, or the due date if its
    reminder has not gone out — whichever is first. None once the decision is done.

    Also what a new decision (and every progress update) sets `next_due_at` to."""
    if f.done:
        return None
    moments = [next_quiet(f, now)]
    if not f.overdue_reminded:
        moments.append(f.due_at if f.due_at > now else now)
    return min(moments)


def plan(f: FollowUp, scheduled: datetime | None, now: datetime) -> Step:
    """What to send at `now` for a decision the sweeper was told to look at `scheduled`.

    A quiet reminder is due when a quiet moment fell in [scheduled, now]: `scheduled` was
    set to the next moment after the previous look, so a moment before it was dealt with
    already (or was before the last update)."""
    if f.done:
        return Step((), f.overdue_reminded, None)
    remind: list[Reminder] = []
    overdue_reminded = f.overdue_reminded
    if not overdue_reminded and now >= f.due_at:
        remind.append(Reminder.OVERDUE)
        overdue_reminded = True
    quiet_at = last_quiet(f, now)
    if quiet_at is not None and (scheduled is None or quiet_at >= scheduled):
        remind.insert(0, Reminder.QUIET)
    after = FollowUp(f.done, f.due_at, f.quiet_days, f.last_update_at, overdue_reminded)
    return Step(tuple(remind), overdue_reminded, next_due(after, now))


def bar(percent: int, width: int = 10) -> str:
    """A progress bar of `width` cells: ▓▓▓▓░░░░░░ for 40%."""
    filled = max(0, min(width, round(percent * width / 100)))
    return "▓" * filled + "░" * (width - filled)
