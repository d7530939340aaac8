"""Localized answers to the conditions the report services raise (by their code)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.ui.case_texts import body_name


def case_messages(d: dict[str, Any]) -> dict[str, Callable[[], str]]:
    number = f"#{d.get('number', '')}"
    return {
        "not_resident": lambda: _(
            "Reports are for verified residents, so the right people can reach you. Join "
            "your home first: press “Join” in your building's group, or ask your floor "
            "contact."),
        "description_empty": lambda: _("Please describe the problem in a few words."),
        "description_too_long": lambda: _(
            "That is {length} characters; the limit is {limit}. Please make it shorter."
        ).format(length=d.get("length"), limit=d.get("limit")),
        "too_many_photos": lambda: _("At most {limit} photos, please.").format(
            limit=d.get("limit")),
        "bad_place": lambda: _("This button has expired."),
        "category": lambda: _("That category is not offered any more. Send /report to "
                              "start again."),
        "case": lambda: _("That case does not exist."),
        "case_closed": lambda: _("Case {number} is closed already; nothing can be changed "
                                 "on it.").format(number=number),
        "not_case_body": lambda: _(
            "Only the body responsible for this case (or one it was escalated to) can act "
            "on it."),
        "reject_level": lambda: _(
            "Case {number} has gone up to {body}, so only {body} or the community admins "
            "can reject it now. You can still resolve it.").format(
            number=number, body=body_name(d.get("body") or ("", None))),
        "not_rejected": lambda: _("Case {number} is not rejected (any more): there is "
                                  "nothing to appeal.").format(number=number),
        "already_appealed": lambda: _(
            "Case {number} was already reviewed after your appeal; that decision stands."
        ).format(number=number),
        "no_appeal": lambda: _("Case {number} was rejected at the top level: there is "
                               "nobody above to review it.").format(number=number),
        "support_not_resident": lambda: _(
            "“Me too” is for verified residents of this community. Join your home first."),
        "own_case": lambda: _("This is your own report; you are kept informed already."),
        "question_required": lambda: _("Please write your question."),
        "note_required": lambda: _("Please write a short note of what was done."),
        "reason_required": lambda: _("A reason is required: please write it."),
        "note_too_long": lambda: _(
            "That is {length} characters; the limit is {limit}. Please make it shorter."
        ).format(length=d.get("length"), limit=d.get("limit")),
        "bad_action": lambda: _("This button has expired."),
        "body": lambda: _("That body does not exist (any more)."),
        "same_body": lambda: _("The case is with that body already."),
        "already_accepted": lambda: _("Case {number} has been accepted already.").format(
            number=number),
        "not_reporter": lambda: _("Only the person who reported this case can do that."),
        "no_question": lambda: _("No question is waiting on case {number}.").format(
            number=number),
        "not_resolved": lambda: _("Case {number} is not waiting for your confirmation "
                                  "(any more).").format(number=number),
        "bad_rating": lambda: _("This button has expired."),
        # editing categories and bodies
        "urgent_longer": lambda: _(
            "An urgent case cannot get more time than a normal one: the normal time is "
            "{limit} h. Choose {limit} h or less, or lengthen the normal time first."
        ).format(limit=d.get("limit")),
        "normal_shorter": lambda: _(
            "The normal time cannot be shorter than the urgent one ({limit} h). Choose "
            "{limit} h or more, or shorten the urgent time first.").format(limit=d.get("limit")),
        "ack_longer": lambda: _(
            "Acknowledging a case cannot take longer than resolving it: the time to resolve "
            "is {limit} h. Choose {limit} h or less, or lengthen the time to resolve first."
        ).format(limit=d.get("limit")),
        "resolve_shorter": lambda: _(
            "The time to resolve cannot be shorter than the time to acknowledge ({limit} h). "
            "Choose {limit} h or more, or shorten the time to acknowledge first."
        ).format(limit=d.get("limit")),
        "last_category": lambda: _(
            "At least one category must stay offered to residents. Show another one first."),
        "group": lambda: _("That group is no longer connected. Please choose another one."),
        "bad_hours": lambda: _("This button has expired."),
    }
