"""Voting rules of motions, computed exactly (integers, no floating point).

- simple: more than half of the votes cast are For (abstentions are votes cast);
- two_thirds: at least two thirds of the votes cast are For;
- art278 / art278_special: the owners' rule of the Civil Code, Article 278. Owners holding
  at least two thirds of the total floor area and at least two thirds of all owners take
  part; the motion passes with more than half of the participating area and of the
  participating owners (art278), or at least three quarters of both for the special
  matters of items 6–8 (art278_special: the maintenance fund; renovating or rebuilding;
  changing the use of common parts or running a business on them).

"At least" includes the threshold itself, "more than half" does not. Areas are in
hundredths of a square metre; an owner of several units counts once, with all their area.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction


class Rule(StrEnum):
    SIMPLE = "simple"
    TWO_THIRDS = "two_thirds"
    OWNERS = "art278"
    OWNERS_SPECIAL = "art278_special"


OWNER_RULES = frozenset({Rule.OWNERS, Rule.OWNERS_SPECIAL})


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


@dataclass(frozen=True)
class Tally:
    """Who could vote (`eligible_*`) and how they voted: voters per choice and the area
    behind each choice (hundredths of m²; only used by the owners' rule)."""

    eligible_voters: int
    eligible_area: int
    voters: dict[Choice, int] = field(default_factory=dict)
    areas: dict[Choice, int] = field(default_factory=dict)

    @property
    def cast(self) -> int:
        return sum(self.voters.values())

    @property
    def cast_area(self) -> int:
        return sum(self.areas.values())

    def count(self, choice: Choice) -> int:
        return self.voters.get(choice, 0)

    def area(self, choice: Choice) -> int:
        return self.areas.get(choice, 0)


@dataclass(frozen=True)
class Check:
    """One threshold: `value` out of `base` against `threshold`; `strict` means "more
    than", otherwise "at least"."""

    name: str
    value: int
    base: int
    threshold: Fraction
    strict: bool

    @property
    def met(self) -> bool:
        if self.base <= 0:
            return False
        left, right = self.value * self.threshold.denominator, self.base * self.threshold.numerator
        return left > right if self.strict else left >= right


@dataclass(frozen=True)
class Outcome:
    passed: bool
    checks: tuple[Check, ...]
    quorum: bool  # the participation thresholds were met (always True without any)


HALF, TWO_THIRDS, THREE_QUARTERS = Fraction(1, 2), Fraction(2, 3), Fraction(3, 4)


def participation_checks(tally: Tally) -> tuple[Check, Check]:
    """Article 278's participation: two thirds of the area and two thirds of the owners."""
    return (Check("participation_area", tally.cast_area, tally.eligible_area, TWO_THIRDS, False),
            Check("participation_owners", tally.cast, tally.eligible_voters, TWO_THIRDS, False))


def decide(rule: Rule, tally: Tally) -> Outcome:
    """Whether the motion passes under `rule`, with every threshold checked."""
    support = tally.count(Choice.FOR)
    if rule is Rule.SIMPLE:
        check = Check("support_votes", support, tally.cast, HALF, True)
        return Outcome(check.met, (check,), True)
    if rule is Rule.TWO_THIRDS:
        check = Check("support_votes", support, tally.cast, TWO_THIRDS, False)
        return Outcome(check.met, (check,), True)
    participation = participation_checks(tally)
    threshold, strict = (THREE_QUARTERS, False) if rule is Rule.OWNERS_SPECIAL else (HALF, True)
    checks = (*participation,
              Check("support_area", tally.area(Choice.FOR), tally.cast_area, threshold, strict),
              Check("support_owners", support, tally.cast, threshold, strict))
    quorum = all(c.met for c in participation)
    return Outcome(all(c.met for c in checks), checks, quorum)
