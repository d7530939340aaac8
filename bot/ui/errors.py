"""Localized answers to the conditions services raise (by their code)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

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
