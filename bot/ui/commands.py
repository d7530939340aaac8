"""The command list: what /help shows each role and what the menus publish, per language."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.utils.i18n import lazy_gettext as __

from bot.domain.roles import Audience

PRIVATE, GROUP = "private", "group"


@dataclass(frozen=True)
class CommandInfo:
    name: str
    description: object  # a lazy gettext string, rendered in the reader's locale
    audience: Audience
    where: frozenset[str]
    group_admins: bool = False


BOTH = frozenset({PRIVATE, GROUP})

COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("start", __("Welcome and what you can do here"), Audience.EVERYONE, BOTH),
    CommandInfo("help", __("The commands you can use"), Audience.EVERYONE, BOTH),
    CommandInfo("language", __("Choose the language"), Audience.EVERYONE, BOTH),
    CommandInfo("privacy", __("What Zhongyi stores and how to delete it"), Audience.EVERYONE,
                frozenset({PRIVATE})),
    CommandInfo("cancel", __("Stop what you are doing"), Audience.EVERYONE,
                frozenset({PRIVATE})),
    CommandInfo("me", __("What Zhongyi knows about you"), Audience.EVERYONE,
                frozenset({PRIVATE})),
    CommandInfo("mydata", __("Get a copy of your data"), Audience.EVERYONE,
                frozenset({PRIVATE})),
    CommandInfo("delete_me", __("Delete your personal data"), Audience.EVERYONE,
                frozenset({PRIVATE})),
    CommandInfo("report", __("Report a problem: repairs, safety, cleanliness…"),
                Audience.EVERYONE, BOTH),
    CommandInfo("mycases", __("Your reports and how far they are"), Audience.EVERYONE,
                frozenset({PRIVATE})),
    CommandInfo("decisions", __("Decisions and how far they are carried out"),
                Audience.EVERYONE, frozenset({PRIVATE})),
    CommandInfo("roster", __("Homes of your floor: who has joined (floor contacts)"),
                Audience.ORGANIZER, frozenset({PRIVATE})),
    CommandInfo("survey", __("Create a survey for your building or floor"),
                Audience.ORGANIZER, frozenset({PRIVATE})),
    CommandInfo("poll", __("Create a one-question poll posted in the groups"),
                Audience.ORGANIZER, frozenset({PRIVATE})),
    CommandInfo("surveys", __("Your surveys and polls: close early, export the answers"),
                Audience.ORGANIZER, frozenset({PRIVATE})),
    CommandInfo("pending", __("Homes of your floors that have not answered a survey (door "
                              "to door)"), Audience.ORGANIZER, frozenset({PRIVATE})),
    CommandInfo("stats", __("Case statistics: open, overdue, resolved, response times, "
                            "satisfaction"), Audience.MANAGER, frozenset({PRIVATE})),
    CommandInfo("categories", __("Edit report categories, who handles them and their "
                                 "deadlines"), Audience.MANAGER, frozenset({PRIVATE})),
    CommandInfo("meeting", __("Call a meeting: agenda, candidate times, residents say when "
                              "they can come"), Audience.ORGANIZER, frozenset({PRIVATE})),
    CommandInfo("meetings", __("Your meetings: change the time, post the minutes"),
                Audience.ORGANIZER, frozenset({PRIVATE})),
    CommandInfo("motion", __("Put a motion to the vote (simple, ⅔ or the owners' rule)"),
                Audience.ORGANIZER, frozenset({PRIVATE})),
    CommandInfo("motions", __("Motions: results, closing early, the tally files"),
                Audience.ORGANIZER, frozenset({PRIVATE})),
    CommandInfo("roles", __("Grant or remove roles"), Audience.MANAGER, frozenset({PRIVATE})),
    CommandInfo("units", __("Add or correct buildings, floors and rooms"), Audience.MANAGER,
                frozenset({PRIVATE})),
    CommandInfo("template", __("Get the roster template to fill in"), Audience.MANAGER,
                frozenset({PRIVATE})),
    CommandInfo("import", __("Import the roster from a CSV or XLSX file"), Audience.MANAGER,
                frozenset({PRIVATE})),
    CommandInfo("export", __("Download the roster as CSV and XLSX"), Audience.MANAGER,
                frozenset({PRIVATE})),
    CommandInfo("bind", __("Connect this group to a building, floor or committee"),
                Audience.MANAGER, frozenset({GROUP}), group_admins=True),
    CommandInfo("unbind", __("Disconnect this group"), Audience.MANAGER, frozenset({GROUP}),
                group_admins=True),
    CommandInfo("newcommunity", __("Create a community (deployment admins)"),
                Audience.BOOTSTRAP, frozenset({PRIVATE})),
)


def commands_for(audiences: frozenset[Audience], where: str) -> list[CommandInfo]:
    """The commands a user with these audiences may use in this kind of chat."""
    return [c for c in COMMANDS if c.audience in audiences and where in c.where]


def private_only() -> tuple[str, ...]:
    """The commands that work only in a private chat with the bot."""
    return tuple(c.name for c in COMMANDS if GROUP not in c.where)


def menu_commands(where: str, *, group_admin: bool = False) -> list[CommandInfo]:
    """The commands published in a menu: what everyone there may use (plus group admins')."""
    return [c for c in COMMANDS if where in c.where
            and (c.audience is Audience.EVERYONE or (group_admin and c.group_admins))]
