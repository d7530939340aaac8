"""Localized answers to the conditions the decision services raise (by their code)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.utils.i18n import gettext as _


def decision_messages(d: dict[str, Any]) -> dict[str, Callable[[], str]]:
    return {
        "no_community": lambda: _(
            "Decisions are shown to the residents of a community. Join your home first: "
            "press “Join” in your building's group, or ask your floor contact."),
        "decision": lambda: _("That decision does not exist."),
        "not_in_community": lambda: _("That decision belongs to another community."),
        "not_decision_body": lambda: _(
            "Only the body responsible for carrying out this decision (or the committee and "
            "the community admins) can post on it."),
        "decision_done": lambda: _("This decision is done already; nothing can be changed "
                                   "on it."),
        "bad_percent": lambda: _("Please choose a percentage from 0 to 100."),
        "progress_backwards": lambda: _(
            "The progress is at {current}% already and cannot go down. To correct it, post "
            "an update at {current}% with a note that explains.").format(
            current=d.get("current")),
        "decision_note_required": lambda: _("Please write a short note: what was done?"),
        "decision_note_too_long": lambda: _(
            "That is {length} characters; the limit is {limit}. Please make it shorter."
        ).format(length=d.get("length"), limit=d.get("limit")),
    }
