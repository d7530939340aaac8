"""Every voting rule at its exact boundaries: "at least" includes the threshold, "more than
half" does not; abstentions are votes cast; Article 278's participation by area and by
owners; the special matters' three quarters."""

from __future__ import annotations

from fractions import Fraction

from bot.domain.voting import Check, Choice, Rule, Tally, decide

F, A, X = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN


def tally(eligible: int, area: int, votes: dict[Choice, tuple[int, int]]) -> Tally:
    return Tally(eligible, area, {c: n for c, (n, _) in votes.items()},
                 {c: a for c, (_, a) in votes.items()})


def checks(outcome) -> dict[str, bool]:
    return {c.name: c.met for c in outcome.checks}


def test_simple_majority_needs_more_than_half_of_votes_cast():
    assert decide(Rule.SIMPLE, tally(10, 0, {F: (3, 0), A: (2, 0)})).passed
    assert not decide(Rule.SIMPLE, tally(10, 0, {F: (2, 0), A: (2, 0)})).passed  # a tie
    # Abstentions are votes cast: 3 of 6 is not more than half.
    assert not decide(Rule.SIMPLE, tally(10, 0, {F: (3, 0), A: (1, 0), X: (2, 0)})).passed
    assert not decide(Rule.SIMPLE, tally(10, 0, {})).passed  # nobody voted


def test_two_thirds_is_at_least_two_thirds_of_votes_cast():
    assert decide(Rule.TWO_THIRDS, tally(9, 0, {F: (6, 0), A: (3, 0)})).passed  # exactly
    assert not decide(Rule.TWO_THIRDS, tally(9, 0, {F: (5, 0), A: (3, 0)})).passed  # 5/8
    assert decide(Rule.TWO_THIRDS, tally(9, 0, {F: (4, 0), A: (1, 0), X: (1, 0)})).passed
    assert not decide(Rule.TWO_THIRDS, tally(9, 0, {F: (4, 0), A: (1, 0), X: (2, 0)})).passed


def test_owners_participation_met_exactly_and_missed_by_one_household():
    # 9 owners, 900 m² each 100 m²: 6 owners with 600 m² is exactly two thirds of both.
    exact = decide(Rule.OWNERS, tally(9, 90000, {F: (4, 40000), A: (2, 20000)}))
    assert exact.quorum
    assert exact.passed
    short = decide(Rule.OWNERS, tally(9, 90000, {F: (4, 40000), A: (1, 10000)}))
    assert not short.quorum
    assert not short.passed
    assert checks(short)["participation_owners"] is False
    assert checks(short)["participation_area"] is False


def test_owners_participation_needs_both_area_and_headcount():
    # Two big owners hold two thirds of the area but are too few people.
    outcome = decide(Rule.OWNERS, tally(9, 90000, {F: (2, 60000)}))
    assert checks(outcome) == {"participation_area": True, "participation_owners": False,
                               "support_area": True, "support_owners": True}
    assert not outcome.passed


def test_owners_support_more_than_half_of_area_and_of_owners_with_equal_areas():
    # 6 participants of 100 m² each: 3 For is exactly half — not more than half.
    half = decide(Rule.OWNERS, tally(6, 60000, {F: (3, 30000), A: (3, 30000)}))
    assert half.quorum
    assert not half.passed
    assert decide(Rule.OWNERS, tally(6, 60000, {F: (4, 40000), A: (2, 20000)})).passed


def test_one_owner_with_three_units_counts_once_but_with_all_their_area():
    # 4 owners; owner O1 has three units (300 m²), the others one each (100 m²): 600 m².
    # O1 and one more owner For: 2 of 4 owners is not two thirds of owners.
    outcome = decide(Rule.OWNERS, tally(4, 60000, {F: (2, 40000)}))
    assert checks(outcome)["participation_area"] is True
    assert checks(outcome)["participation_owners"] is False
    # Three owners For, one Against: area 500/600 for, owners 3/4.
    assert decide(Rule.OWNERS, tally(4, 60000, {F: (3, 50000), A: (1, 10000)})).passed
    # O1 For, two others Against: the area is for (300 of 500) but owners are not (1 of 3).
    split = decide(Rule.OWNERS, tally(4, 60000, {F: (1, 30000), A: (2, 20000)}))
    assert checks(split)["support_area"]
    assert not checks(split)["support_owners"]
    assert not split.passed


def test_abstentions_take_part_but_do_not_support():
    outcome = decide(Rule.OWNERS, tally(6, 60000, {F: (2, 20000), A: (1, 10000),
                                                  X: (1, 10000)}))
    assert outcome.quorum  # 4 of 6 owners and 400 of 600 m² take part, exactly two thirds
    assert not outcome.passed  # 2 of 4 For is not more than half


def test_special_matters_need_at_least_three_quarters_of_both():
    exact = tally(8, 80000, {F: (6, 60000), A: (2, 20000)})  # exactly 3/4 of both
    assert decide(Rule.OWNERS_SPECIAL, exact).passed
    assert decide(Rule.OWNERS, exact).passed
    under = tally(8, 80000, {F: (5, 59000), A: (3, 21000)})
    assert not decide(Rule.OWNERS_SPECIAL, under).passed
    assert decide(Rule.OWNERS, under).passed


def test_a_check_with_nothing_to_compare_is_not_met():
    assert not Check("x", 0, 0, Fraction(1, 2), True).met
