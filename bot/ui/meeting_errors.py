"""Localized answers to the conditions the meeting services raise (by their code)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.utils.i18n import gettext as _


def meeting_messages(d: dict[str, Any]) -> dict[str, Callable[[], str]]:
    return {
        "meeting": lambda: _("That meeting does not exist (any more)."),
        "meeting_not_organizer": lambda: _(
            "Meetings are called by committee members, building leads and floor contacts. "
            "Ask your committee if you would like to call one."),
        "meeting_topic_empty": lambda: _("The topic cannot be empty. Please send it."),
        "meeting_topic_too_long": lambda: _(
            "That topic is {length} characters long; the limit is {limit}. Please send a "
            "shorter one.").format(length=d.get("length"), limit=d.get("limit")),
        "meeting_place_empty": lambda: _(
            "The place cannot be empty. Please type it, or press “No place yet”."),
        "meeting_place_too_long": lambda: _(
            "That place is {length} characters long; the limit is {limit}. Please send a "
            "shorter one.").format(length=d.get("length"), limit=d.get("limit")),
        "meeting_duration": lambda: _("This button has expired."),
        "meeting_item_empty": lambda: _("An agenda item cannot be empty."),
        "meeting_item_too_long": lambda: _(
            "That agenda item is {length} characters long; the limit is {limit}. Please "
            "send a shorter one.").format(length=d.get("length"), limit=d.get("limit")),
        "meeting_agenda_too_long": lambda: _(
            "An agenda can have at most {limit} items.").format(limit=d.get("limit")),
        "meeting_agenda_item": lambda: _(
            "A case or survey on the agenda is no longer available. Please start again "
            "with /meeting."),
        "meeting_time_past": lambda: _(
            "That time has already passed. Please choose a time in the future."),
        "meeting_time_twice": lambda: _("That time is on the list already."),
        "meeting_too_many_times": lambda: _(
            "At most {limit} candidate times, please. Remove one to add another.").format(
                limit=d.get("limit")),
        "meeting_too_few_times": lambda: _(
            "Please add at least {minimum} candidate times.").format(
                minimum=d.get("minimum")),
        "meeting_deadline_past": lambda: _(
            "The deadline for answers has passed already. Please choose a later one."),
        "meeting_deadline_late": lambda: _(
            "Answers must close before the first candidate time. Please choose an earlier "
            "deadline, or type one."),
        "meeting_bad_button": lambda: _("This button has expired."),
        "meeting_closed": lambda: _(
            "Answers for this meeting are closed: the time has been chosen."),
        "meeting_not_verified": lambda: _(
            "Only verified residents can answer. To join, press “Join” in your building's "
            "group and choose your home; your floor contact will confirm you."),
        "meeting_not_in_scope": lambda: _(
            "This meeting is for other buildings or floors, not for your home."),
        "meeting_not_creator": lambda: _("Only the person who called the meeting can do "
                                         "that."),
        "meeting_not_scheduled": lambda: _(
            "The time of this meeting is not chosen yet, or the meeting is over."),
        "meeting_same_time": lambda: _("The meeting is at that time already."),
        "meeting_not_started": lambda: _(
            "The meeting has not taken place yet: post the minutes after it."),
        "meeting_minutes_posted": lambda: _("The minutes of this meeting were posted "
                                            "already."),
        "meeting_minutes_empty": lambda: _("Please write the minutes."),
        "meeting_minutes_too_long": lambda: _(
            "The minutes are {length} characters long; the limit is {limit}. Please "
            "shorten them.").format(length=d.get("length"), limit=d.get("limit")),
        "meeting_outcome_empty": lambda: _("Please write the outcome."),
        "meeting_outcome_too_long": lambda: _(
            "The outcome is {length} characters long; the limit is {limit}. Please "
            "shorten it.").format(length=d.get("length"), limit=d.get("limit")),
    }
