"""The rules of a decision: progress 0–100 that never goes down, a required short note,
and the reminder clock — quiet reminders every quiet_days without an update, the overdue
reminder once, each firing once after downtime, nothing on a repeated sweep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.decisions import (
    MAX_NOTE,
    DecisionError,
    FollowUp,
    Reminder,
    bar,
    check_note,
    check_percent,
    next_due,
    plan,
)

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def follow(*, last: datetime = T0, due: datetime = T0 + 30 * DAY, quiet: int = 7,
           reminded: bool = False, done: bool = False) -> FollowUp:
    return FollowUp(done=done, due_at=due, quiet_days=quiet, last_update_at=last,
                    overdue_reminded=reminded)


def sweep(f: FollowUp, scheduled: datetime | None, now: datetime):
    """One sweep that claims only what is due, like the sweeper; returns the new state,
    the new schedule and what was sent."""
    if scheduled is None or scheduled > now:
        return f, scheduled, ()
    step = plan(f, scheduled, now)
    after = FollowUp(f.done, f.due_at, f.quiet_days, f.last_update_at, step.overdue_reminded)
    return after, step.next_due_at, step.remind


@pytest.mark.parametrize(("current", "percent"), [(0, 0), (0, 40), (40, 40), (90, 100)])
def test_progress_goes_up_or_stays(current, percent):
    assert check_percent(current, percent) == percent


@pytest.mark.parametrize(("current", "percent", "code"), [
    (0, -1, "bad_percent"), (0, 101, "bad_percent"), (60, 50, "progress_backwards")])
def test_progress_out_of_range_or_backwards_is_refused(current, percent, code):
    with pytest.raises(DecisionError) as refused:
        check_percent(current, percent)
    assert refused.value.code == code


def test_a_note_is_required_and_short():
    assert check_note("  new pipes ordered ") == "new pipes ordered"
    for empty in (None, "", "   "):
        with pytest.raises(DecisionError, match="decision_note_required"):
            check_note(empty)
    with pytest.raises(DecisionError) as refused:
        check_note("x" * (MAX_NOTE + 1))
    assert refused.value.details == {"length": MAX_NOTE + 1, "limit": MAX_NOTE}


def test_a_new_decision_is_looked_at_after_its_quiet_days_or_at_its_due_date():
    assert next_due(follow(), T0) == T0 + 7 * DAY
    assert next_due(follow(due=T0 + 3 * DAY), T0) == T0 + 3 * DAY
    assert next_due(follow(done=True), T0) is None


def test_quiet_reminders_repeat_every_quiet_days_until_an_update():
    f, scheduled = follow(), next_due(follow(), T0)
    assert sweep(f, scheduled, T0 + 6 * DAY)[2] == ()
    f, scheduled, sent = sweep(f, scheduled, T0 + 7 * DAY)
    assert sent == (Reminder.QUIET,)
    assert scheduled == T0 + 14 * DAY
    assert sweep(f, scheduled, T0 + 7 * DAY + timedelta(hours=1))[2] == ()
    f, scheduled, sent = sweep(f, scheduled, T0 + 14 * DAY)
    assert sent == (Reminder.QUIET,)
    assert scheduled == T0 + 21 * DAY
    # An update on day 16 restarts the count: the next one is on day 23.
    updated = follow(last=T0 + 16 * DAY)
    assert next_due(updated, T0 + 16 * DAY) == T0 + 23 * DAY


def test_the_overdue_reminder_fires_once_and_quiet_ones_go_on():
    f = follow(due=T0 + 10 * DAY)
    scheduled = next_due(f, T0)
    f, scheduled, sent = sweep(f, scheduled, T0 + 7 * DAY)
    assert sent == (Reminder.QUIET,)
    assert scheduled == T0 + 10 * DAY
    f, scheduled, sent = sweep(f, scheduled, T0 + 10 * DAY)
    # The quiet reminder of day 7 is not repeated on day 10.
    assert sent == (Reminder.OVERDUE,)
    assert f.overdue_reminded
    assert scheduled == T0 + 14 * DAY
    f, scheduled, sent = sweep(f, scheduled, T0 + 14 * DAY)
    assert sent == (Reminder.QUIET,)
    assert scheduled == T0 + 21 * DAY


def test_after_downtime_each_reminder_fires_once_not_per_missed_day():
    f = follow(due=T0 + 10 * DAY)
    scheduled = next_due(f, T0)
    # Down from day 1 to day 40: five quiet moments and the due date were missed.
    f, scheduled, sent = sweep(f, scheduled, T0 + 40 * DAY)
    assert sent == (Reminder.QUIET, Reminder.OVERDUE)
    assert scheduled == T0 + 42 * DAY
    # The same sweep again (a restart) sends nothing.
    assert sweep(f, scheduled, T0 + 40 * DAY)[2] == ()


def test_a_done_decision_is_never_reminded():
    step = plan(follow(done=True), T0, T0 + 40 * DAY)
    assert step.remind == ()
    assert step.next_due_at is None


def test_a_decision_without_a_schedule_gets_one():
    step = plan(follow(), None, T0 + DAY)
    assert step.remind == ()
    assert step.next_due_at == T0 + 7 * DAY


def test_the_bar_has_ten_cells():
    assert bar(0) == "░" * 10
    assert bar(40) == "▓▓▓▓░░░░░░"
    assert bar(100) == "▓" * 10
