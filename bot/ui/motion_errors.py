"""Localized answers to the conditions the motion services raise (by their code)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.utils.i18n import gettext as _


def motion_messages(d: dict[str, Any]) -> dict[str, Callable[[], str]]:
    return {
        "motion": lambda: _("That motion does not exist."),
        "motion_origin": lambda: _("That case or survey does not exist (any more)."),
        "motion_closed": lambda: _("This motion is closed already."),
        "motion_closed_vote": lambda: _("Voting on this motion has ended; votes are no "
                                        "longer accepted."),
        "motion_not_verified": lambda: _(
            "Only verified residents vote. Join your home first: press “Join” in your "
            "building's group and choose your home; your floor contact will confirm you."),
        "motion_not_in_scope": lambda: _(
            "This vote is for the verified residents of other buildings or floors. If you "
            "live there, join your home first (the “Join” button in your building's group)."),
        "motion_not_owner": lambda: _(
            "Under Article 278 of the Civil Code only owners vote, and your home lists you "
            "as a tenant or family member. The owner can vote, or a floor contact can "
            "record the owner's vote door to door."),
        "not_floor_contact": lambda: _(
            "Door-to-door votes are recorded by the floor contact or building lead of that "
            "floor, or by the committee."),
        "question_empty": lambda: _("Please write the question."),
        "question_too_long": lambda: _(
            "That is {length} characters; the limit is {limit}. Please make it shorter."
        ).format(length=d.get("length"), limit=d.get("limit")),
        "rule_required": lambda: _("Please choose the voting rule."),
        "scope_required": lambda: _("Please choose who votes: a building, a floor or the "
                                    "whole community."),
        "deadline_past": lambda: _("The voting deadline must be at least {hours} hour "
                                   "from now.").format(hours=d.get("hours")),
        "bad_choice": lambda: _("This button has expired."),
        "not_motion_organizer": lambda: _(
            "Motions are put to the vote by committee members, building leads and floor "
            "contacts. Ask your committee if a question should be decided by a vote."),
        "not_motion_creator": lambda: _("Only its creator or the committee can do that."),
    }
