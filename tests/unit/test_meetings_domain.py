"""Meeting rules: the candidate times and deadline a draft may have, the time that wins,
and the reminder plan (24 h and 1 h before; after a downtime a missed one fires once, and
none once the meeting has started)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.meetings import (
    MeetingError,
    SlotTally,
    best_slot,
    check_time,
    check_times,
    first_reminders,
    plan_reminders,
)

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)


def times(*hours: int) -> list[datetime]:
    return [NOW + h * H for h in hours]


def test_good_times_come_back_sorted():
    assert check_times(times(72, 48), NOW + 24 * H, NOW) == tuple(times(48, 72))


@pytest.mark.parametrize(("hours", "deadline", "code"), [
    ((48,), 24, "meeting_too_few_times"),
    (tuple(range(30, 39)), 24, "meeting_too_many_times"),
    ((48, 48), 24, "meeting_time_twice"),
    ((48, -1), -2, "meeting_time_past"),
    ((48, 0), 24, "meeting_time_past"),
    ((48, 72), 0, "meeting_deadline_past"),
    ((48, 72), 48, "meeting_deadline_late"),
    ((48, 72), 60, "meeting_deadline_late"),
])
def test_bad_times_are_refused_with_the_reason(hours, deadline, code):
    with pytest.raises(MeetingError) as caught:
        check_times(times(*hours), NOW + deadline * H, NOW)
    assert caught.value.code == code


def test_one_more_time_is_checked_as_it_is_added():
    with pytest.raises(MeetingError, match="meeting_time_past"):
        check_time(NOW, [], NOW)
    with pytest.raises(MeetingError, match="meeting_time_twice"):
        check_time(NOW + H, times(1), NOW)
    with pytest.raises(MeetingError, match="meeting_too_many_times"):
        check_time(NOW + 99 * H, times(*range(1, 9)), NOW)
    check_time(NOW + H, times(2), NOW)


def test_best_slot_most_yes_then_maybe_then_earliest():
    a, b, c = times(10, 20, 30)
    assert best_slot([SlotTally(1, a, 2, 5), SlotTally(2, b, 3, 0)]).slot_id == 2
    assert best_slot([SlotTally(1, a, 3, 1), SlotTally(2, b, 3, 4)]).slot_id == 2
    assert best_slot([SlotTally(2, b, 1, 1, 9), SlotTally(1, c, 1, 1), SlotTally(3, a, 1, 1)]
                     ).slot_id == 3
    assert best_slot([]) is None


def test_reminders_in_order_then_nothing():
    start = NOW + 72 * H
    plan = first_reminders(start, NOW)
    assert (plan.reminded_24h, plan.reminded_1h, plan.next_due_at) == (False, False,
                                                                         start - 24 * H)
    plan = plan_reminders(start, False, False, start - 24 * H)
    assert (plan.send, plan.next_due_at) == ("24h", start - H)
    plan = plan_reminders(start, True, False, start - H)
    assert (plan.send, plan.next_due_at) == ("1h", None)
    assert plan_reminders(start, True, True, start - H).send is None


def test_after_downtime_a_missed_reminder_fires_once_and_none_after_the_start():
    start = NOW + 72 * H
    # Down over both moments: only the 1 h one, once.
    plan = plan_reminders(start, False, False, start - 30 * 60 * timedelta(seconds=1))
    assert (plan.send, plan.reminded_24h, plan.reminded_1h) == ("1h", True, True)
    # Down from before the 24 h moment until 5 h before: the 24 h one, then the 1 h one.
    plan = plan_reminders(start, False, False, start - 5 * H)
    assert (plan.send, plan.next_due_at) == ("24h", start - H)
    # Up again only after the start: nothing.
    plan = plan_reminders(start, False, False, start + H)
    assert (plan.send, plan.next_due_at) == (None, None)


def test_a_time_announced_late_skips_reminders_already_due():
    plan = first_reminders(NOW + 10 * H, NOW)
    assert (plan.reminded_24h, plan.reminded_1h, plan.next_due_at) == (True, False, NOW + 9 * H)
    plan = first_reminders(NOW + 30 * 60 * timedelta(seconds=1), NOW)
    assert (plan.reminded_24h, plan.reminded_1h, plan.next_due_at) == (True, True, None)
