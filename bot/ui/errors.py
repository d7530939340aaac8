"""Localized answers to the conditions services raise (by their code)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.domain.room_spec import MAX_FLOORS, MAX_ROOMS, SpecError
from bot.services.errors import InvalidInput, NotFound, NotPermitted, ServiceError
from bot.ui.case_errors import case_messages
from bot.ui.decision_errors import decision_messages
from bot.ui.meeting_errors import meeting_messages
from bot.ui.motion_errors import motion_messages


def describe(error: ServiceError) -> str:
    d = error.details
    messages = {
        "bootstrap_only": lambda: _(
            "Only the operators of this bot can create a community. Please ask them to "
            "create yours."),
        "name_empty": lambda: _("The name cannot be empty. Please send a name."),
        "name_too_long": lambda: _(
            "That name is {length} characters long; the limit is {limit}. Please send a "
            "shorter one.").format(length=d.get("length"), limit=d.get("limit")),
        "bad_timezone": lambda: _(
            "“{timezone}” is not a time zone I know. Send one like Asia/Shanghai, or press "
            "a button.").format(timezone=d.get("timezone")),
        "unsupported_locale": lambda: _("That language is not available."),
        "not_group_admin": lambda: _(
            "Only an administrator of this group can change its language."),
        # groups, joining and roles
        "not_chat_admin": lambda: _(
            "Only an administrator of this Telegram group can connect it to Zhongyi."),
        "not_manager": lambda: _(
            "This needs a community admin or committee member in Zhongyi. Ask your "
            "committee to grant you the role."),
        "no_role_on_scope": lambda: _("Sorry, you have no role for this part of the "
                                      "community."),
        "unit_required": lambda: _("A residents' group must be bound to a building or a "
                                   "floor."),
        "bad_purpose": lambda: _("This button has expired."),
        "not_bound": lambda: _("This chat is not connected to a community."),
        "unit": lambda: _("That building or floor does not exist (any more)."),
        "join_link": lambda: _(
            "This Join button is not valid any more: the group is no longer connected. "
            "Ask the committee for the current group."),
        "household": lambda: _("That home does not exist (any more)."),
        "bad_relation": lambda: _("This button has expired."),
        "join_request": lambda: _("That join request does not exist (any more)."),
        "own_request": lambda: _("You cannot approve or reject your own request."),
        "not_reviewer": lambda: _(
            "Only the floor contact, the building lead or the committee of that floor can "
            "decide on this request."),
        "person_unknown": lambda: _(
            "I don't know “{text}”. The person must first start a chat with me (send me "
            "/start); then send their @username or Telegram id.").format(
                text=d.get("text", "")),
        "bad_role": lambda: _("This button has expired."),
        "role_needs_unit": lambda: _("This role needs a building or floor: choose one."),
        "floor_contact_on_floor": lambda: _("A floor contact looks after one floor: choose "
                                            "a floor."),
        "lead_on_building": lambda: _("A building lead looks after a building (or an "
                                      "entrance): choose one."),
        "role_is_community_wide": lambda: _("This role is for the whole community."),
        "last_admin": lambda: _(
            "A community must keep at least one admin: grant the role to someone else first."),
        "assignment": lambda: _("That role was already removed."),
        "kind_not_allowed": lambda: _("That cannot be added here."),
        # roster import
        "unsupported_file": lambda: _(
            "Please send the roster as a .csv or .xlsx file. In Excel or WPS use “Save as” "
            "and choose CSV or Excel Workbook (.xlsx). /template sends an example."),
        "file_too_large": lambda: _(
            "That file is larger than {limit} MB. Please remove other sheets or split the "
            "roster into several files.").format(limit=d.get("limit_mb")),
        "unreadable_file": lambda: _(
            "I could not read that file. Please save it again as CSV (UTF-8) or .xlsx and "
            "send it again."),
        "empty_file": lambda: _("That file is empty. /template sends an example."),
        "no_rows": lambda: _("That file has a header but no homes below it."),
        "missing_columns": lambda: _(
            "The file lacks these columns: {columns}. Needed: compound, building, floor, "
            "room, area (or 小区, 楼栋, 楼层, 房号, 面积); entrance (单元) and owner_key "
            "(业主编号) are optional. /template sends an example.").format(
                columns=", ".join(map(str, d.get("columns", ())))),
        "duplicate_columns": lambda: _(
            "These columns appear twice in the header: {columns}. Please keep one of "
            "each.").format(columns=", ".join(map(str, d.get("columns", ())))),
        "import_not_found": lambda: _(
            "This import has expired or is not yours, so nothing was imported. To import "
            "the roster, send the file again."),
        "roster_changed": lambda: _(
            "The buildings or floors of this roster changed after the preview, so nothing "
            "was imported. Please send the file again for a new preview."),
        "import_already_applied": lambda: _("This roster was imported already."),
        "import_not_pending": lambda: _(
            "This import was cancelled or replaced by a newer file. Send the file again to "
            "import it."),
        # survey drafting
        "not_organizer": lambda: _(
            "Surveys and polls are created by committee members, building leads and floor "
            "contacts. Ask your committee if you would like to organize one."),
        "no_scope": lambda: _("Please choose at least one building or floor, or the whole "
                              "community."),
        "title_empty": lambda: _("The title cannot be empty. Please send a title."),
        "title_too_long": lambda: _(
            "That title is {length} characters long; the limit is {limit}. Please send a "
            "shorter one.").format(length=d.get("length"), limit=d.get("limit")),
        "description_too_long": lambda: _(
            "That description is {length} characters long; the limit is {limit}. Please "
            "send a shorter one.").format(length=d.get("length"), limit=d.get("limit")),
        "question_empty": lambda: _("The question cannot be empty. Please send it again."),
        "question_too_long": lambda: _(
            "That question is {length} characters long; the limit is {limit}. Please send a "
            "shorter one.").format(length=d.get("length"), limit=d.get("limit")),
        "too_few_options": lambda: _(
            "Please send at least {minimum} options, one per line.").format(
                minimum=d.get("minimum")),
        "too_many_options": lambda: _(
            "That is {count} options; the limit is {limit}. Please send at most {limit}, "
            "one per line.").format(count=d.get("count"), limit=d.get("limit")),
        "bad_option": lambda: _(
            "Each option must be 1 to {limit} characters long. Please send them again, one "
            "per line.").format(limit=d.get("limit")),
        "duplicate_option": lambda: _(
            "Two options are the same. Please send them again, each one different."),
        "bad_max_choices": lambda: _("Please choose a number from 1 to {limit}.").format(
            limit=d.get("limit")),
        "no_questions": lambda: _(
            "A survey needs at least one question. Please add one."),
        "too_many_questions": lambda: _("A survey can have at most {limit} questions.")
        .format(limit=d.get("limit")),
        "deadline_too_soon": lambda: _(
            "The deadline must be at least {hours} h from now. Please choose a later "
            "time.").format(hours=d.get("hours")),
        "bad_deadline": lambda: _(
            "I could not read that date. Please write it like 2026-12-05 18:00, or press a "
            "button."),
        # closing surveys
        "not_creator": lambda: _("Only the survey's creator or the committee can close it."),
        "already_closed": lambda: _("This survey is already closed."),
        "survey": lambda: _("That survey does not exist (any more)."),
        # answering
        "closed": lambda: _("This survey or poll is closed: answers are no longer "
                            "accepted."),
        "not_verified": lambda: _(
            "Only verified residents can answer. To join, press “Join” in your building's "
            "group and choose your home; your floor contact will confirm you."),
        "not_in_scope": lambda: _("This survey is for other buildings or floors, not for "
                                  "your home."),
        "not_owner": lambda: _("Only owners can answer this survey."),
        "answer_required": lambda: _("Please answer every question that is not optional."),
        "too_many_choices": lambda: _("Please choose at most {limit}.").format(
            limit=d.get("limit")),
        "text_too_long": lambda: _(
            "Your answer is {length} characters long; the limit is {limit}. Please send a "
            "shorter one.").format(length=d.get("length"), limit=d.get("limit")),
        "bad_answer": lambda: _("This survey has changed. Please open it again."),
        "not_floor_contact": lambda: _(
            "Door-to-door answers are recorded by the floor contact or building lead of "
            "that floor."),
        "answered_by_resident": lambda: _(
            "A resident of this home has answered in person; their own answer counts, so "
            "nothing was recorded."),
    }
    messages |= (case_messages(d) | motion_messages(d) | meeting_messages(d)
                 | decision_messages(d))
    found = messages.get(error.code)
    if found is not None:
        return found()
    if isinstance(error, NotPermitted):
        return _("Sorry, you don't have the role needed for this.")
    if isinstance(error, NotFound):
        return _("That no longer exists.")
    if isinstance(error, InvalidInput):
        return _("That value cannot be accepted.")
    return _("Something went wrong. Please try again.")


def describe_spec(error: SpecError) -> str:
    """Answers text typed while building the roster by hand that could not be read."""
    messages = {
        "bad_range": lambda: _("A range must go up, at most {limit} rooms, e.g. 301-304.")
        .format(limit=MAX_ROOMS),
        "bad_room": lambda: _("Room numbers are letters and digits, e.g. 301 or A12."),
        "no_rooms": lambda: _("Please send at least one room number."),
        "too_many_rooms": lambda: _("At most {limit} rooms at a time, please.").format(
            limit=MAX_ROOMS),
        "bad_floor_count": lambda: _("Please send a number of floors from 1 to {limit}.")
        .format(limit=MAX_FLOORS),
        "bad_area": lambda: _("Please send the area in m² as a number, e.g. 89.5."),
    }
    return messages[error.code]()
