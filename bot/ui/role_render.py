"""The private message to someone who was just given a role: which role, where, and the one
or two commands (or buttons) they will use."""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.ui.render import RenderContext, Rendered, renderer
from bot.ui.roster_texts import role_name


def role_duties(role: str) -> str:
    duties = {
        "floor_contact": lambda: _(
            "Join requests from the homes there come to you here, with buttons to approve "
            "them. /roster shows which homes have joined; /pending, the homes that have not "
            "answered a survey yet, for a visit at the door."),
        "building_lead": lambda: _(
            "You can ask the residents there with /survey or /poll, and call a meeting with "
            "/meeting. Join requests come to you where a floor has no floor contact."),
        "property": lambda: _(
            "Residents' reports for the property management come to its group as cards; "
            "their buttons accept a report, ask the reporter or mark it resolved."),
        "owners_committee": lambda: _(
            "You can ask the residents with /survey or /poll, call a meeting with /meeting "
            "and put a question to the vote with /motion."),
        "admin": lambda: _(
            "You look after the homes (/units, /import), the roles (/roles) and the groups "
            "(send /bind in a group to connect it)."),
    }
    duties["residents_committee"] = duties["owners_committee"]
    return duties[role]()


@renderer("role_granted")
def role_granted(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    return Rendered("\n\n".join([
        _("🎖 {community}: you are now {role} for {scope}.").format(
            community=params["community"], role=role_name(params["role"]),
            scope=params["scope"] or _("the whole community")),
        role_duties(params["role"]),
        _("/help lists the commands you can use."),
    ]))
