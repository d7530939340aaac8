"""The SLA clock of cases: reminders before each deadline, one escalation level per overdue
window, catching up after downtime once, the auto-close; and the duplicate ranking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.cases import (
    Candidate,
    Plan,
    Sla,
    Status,
    next_escalation,
    plan,
    priority,
    rank_similar,
    reminder_lead,
    similarity,
)

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)


def sla(**changes: object) -> Sla:
    values: dict[str, object] = dict(
        status=Status.NEW, acked=False, ack_due=T0 + 4 * H, resolve_due=T0 + 72 * H,
        ack_window=4 * H, resolve_window=72 * H, ack_reminded=False, resolve_reminded=False,
        level=1, base_level=1)
    values.update(changes)
    return Sla(**values)


def test_reminder_lead_is_a_quarter_of_the_window_within_bounds():
    assert reminder_lead(4 * H) == H
    assert reminder_lead(timedelta(minutes=30)) == timedelta(minutes=15)
    assert reminder_lead(168 * H) == timedelta(days=1)


def test_a_new_case_is_next_looked_at_when_its_ack_reminder_is_due():
    step = plan(sla(), T0)
    assert (step.remind, step.escalate_to, step.next_due_at) == (None, (), T0 + 3 * H)


def test_the_ack_reminder_fires_once_then_the_escalation_is_next():
    step = plan(sla(), T0 + 3 * H)
    assert (step.remind, step.mark_reminded, step.escalate_to) == ("ack", "ack", ())
    assert step.next_due_at == T0 + 4 * H
    again = plan(sla(ack_reminded=True), T0 + 3 * H)
    assert (again.remind, again.next_due_at) == (None, T0 + 4 * H)


def test_an_overdue_ack_escalates_one_level_and_waits_a_window_for_the_next():
    step = plan(sla(ack_reminded=True), T0 + 4 * H)
    assert step.escalate_to == (2,)
    assert step.next_due_at == T0 + 8 * H
    assert plan(sla(ack_reminded=True, level=2), T0 + 5 * H).escalate_to == ()


def test_the_next_escalation_is_the_deadline_then_one_window_per_level_climbed():
    assert next_escalation(sla()) == T0 + 4 * H
    assert next_escalation(sla(level=2)) == T0 + 8 * H
    assert next_escalation(sla(level=3)) == T0 + 12 * H
    # Accepted at level 2: the resolve phase starts from there.
    assert next_escalation(sla(acked=True, level=2, base_level=2)) == T0 + 72 * H
    assert next_escalation(sla(acked=True, level=3, base_level=2)) == T0 + 144 * H
    assert next_escalation(sla(level=4)) is None  # the top: nobody above
    assert next_escalation(sla(status=Status.RESOLVED)) is None


def test_a_case_waiting_for_its_reporter_neither_reminds_the_body_nor_climbs():
    waiting = sla(status=Status.INFO, acked=True, waiting_since=T0)
    assert plan(waiting, T0).next_due_at == T0 + 24 * H  # the reporter's reminder
    step = plan(waiting, T0 + 100 * H)  # long past every deadline
    assert (step.remind, step.mark_reminded, step.escalate_to) == ("reporter", "reporter", ())
    assert plan(sla(status=Status.INFO, acked=True, waiting_since=T0,
                    reporter_reminded=True), T0 + 100 * H) == Plan()
    assert next_escalation(waiting) is None


def test_after_downtime_each_missed_level_is_reached_once_and_the_reminder_is_skipped():
    # Down from before the reminder until 2.5 windows past the deadline.
    step = plan(sla(), T0 + 4 * H + 10 * H)
    assert step.remind is None
    assert step.mark_reminded == "ack"
    assert step.escalate_to == (2, 3, 4)
    assert step.next_due_at == T0 + 16 * H  # the end of its window at the top
    # The same sweep repeated (a restart) finds nothing more to do.
    repeated = plan(sla(ack_reminded=True, level=4), T0 + 14 * H)
    assert (repeated.escalate_to, repeated.remind) == ((), None)


def test_escalation_stops_at_the_top_level():
    assert plan(sla(ack_reminded=True, level=4, base_level=1), T0 + 100 * H).escalate_to == ()


def test_at_the_top_the_end_of_its_window_is_said_once_then_nothing_is_due():
    top = sla(ack_reminded=True, level=4)  # reached the top at T0 + 12 h
    before = plan(top, T0 + 15 * H)
    assert (before.overdue_at_top, before.next_due_at) == (False, T0 + 16 * H)
    at_end = plan(top, T0 + 16 * H)
    assert (at_end.overdue_at_top, at_end.escalate_to, at_end.next_due_at) == (True, (), None)
    # Accepted there, the resolve window at the top gets the same.
    accepted = sla(acked=True, resolve_reminded=True, level=4, base_level=4)
    assert plan(accepted, T0 + 71 * H).next_due_at == T0 + 72 * H
    assert plan(accepted, T0 + 72 * H).overdue_at_top


def test_an_accepted_case_climbs_from_where_it_was_when_its_resolve_deadline_passes():
    accepted = sla(status=Status.ACCEPTED, acked=True, ack_reminded=True, level=2,
                   base_level=2)
    assert plan(accepted, T0 + 71 * H).escalate_to == ()
    assert plan(accepted, T0 + 72 * H).escalate_to == (3,)
    assert plan(accepted, T0 + 53 * H).remind is None
    assert plan(accepted, T0 + 54 * H).remind == "resolve"  # 18 h (a quarter) before


def test_a_resolved_case_closes_after_seven_days_without_an_answer():
    resolved = sla(status=Status.RESOLVED, acked=True, resolved_at=T0)
    assert plan(resolved, T0 + 6 * 24 * H).next_due_at == T0 + 7 * 24 * H
    assert plan(resolved, T0 + 7 * 24 * H).close
    assert plan(sla(status=Status.CLOSED), T0).next_due_at is None


def test_similar_cases_rank_by_text_then_support():
    old = T0 - 48 * H
    candidates = [Candidate(1, "电梯坏了，卡在三楼", 0, old),
                  Candidate(2, "楼道灯不亮", 5, old),
                  Candidate(3, "三楼电梯坏了", 1, T0)]
    ranked = rank_similar("电梯坏了", candidates)
    assert [c.case_id for c in ranked] == [3, 1, 2]
    assert similarity("Lift broken", "lift is broken") > similarity("Lift broken", "noise")
    assert similarity("", "x") == 0.0


def test_urgency_and_neighbours_set_the_priority():
    assert priority(True, 0) == "urgent"
    assert priority(False, 2) == "normal"
    assert priority(False, 3) == "raised"
