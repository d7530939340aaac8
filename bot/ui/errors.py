"""Localized answers to the conditions services raise (by their code)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.domain.room_spec import MAX_FLOORS, MAX_ROOMS, SpecError
from bot.services.errors import InvalidInput, NotFound, NotPermitted, ServiceError


def describe(error: ServiceError) -> str:
    d = error.details
    messages = {
        "bootstrap_only": lambda: _(
            "Only the deployment's administrators (BOOTSTRAP_ADMIN_IDS) can create a community."),
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
        "import_not_found": lambda: _("This import is not yours or no longer exists."),
        "import_already_applied": lambda: _("This roster was imported already."),
        "import_not_pending": lambda: _(
            "This import was cancelled or replaced by a newer file. Send the file again to "
            "import it."),
    }
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
