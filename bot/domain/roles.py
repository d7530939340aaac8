"""Roles and what each may do. A role is held on a unit; it covers the units below it."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "resident"
    FLOOR_CONTACT = "floor_contact"
    BUILDING_LEAD = "building_lead"
    PROPERTY = "property"
    OWNERS_COMMITTEE = "owners_committee"
    RESIDENTS_COMMITTEE = "residents_committee"
    ADMIN = "admin"


COMMITTEE = frozenset({Role.OWNERS_COMMITTEE, Role.RESIDENTS_COMMITTEE})
ORGANIZERS = COMMITTEE | {Role.BUILDING_LEAD, Role.FLOOR_CONTACT, Role.ADMIN}
STAFF = ORGANIZERS | {Role.PROPERTY}
#: Who may bind groups, grant roles, import and export the roster.
MANAGERS = frozenset({Role.ADMIN}) | COMMITTEE


class Audience(StrEnum):
    """Who a command is for: used for /help and for the published command menus."""

    EVERYONE = "everyone"
    BOOTSTRAP = "bootstrap"
    MANAGER = "manager"  # community admins and committee members
    ORGANIZER = "organizer"  # managers, building leads and floor contacts
    STAFF = "staff"  # organizers and property staff


def audiences_for(roles: frozenset[Role], *, bootstrap_admin: bool) -> frozenset[Audience]:
    """Returns the audiences whose commands a user with these roles may use."""
    granted = {Audience.EVERYONE}
    if bootstrap_admin:
        granted.add(Audience.BOOTSTRAP)
    if roles & MANAGERS:
        granted.add(Audience.MANAGER)
    if roles & ORGANIZERS:
        granted |= {Audience.ORGANIZER, Audience.STAFF}
    if roles & STAFF:
        granted.add(Audience.STAFF)
    return frozenset(granted)


def covers(role_path: str | None, target_path: str | None) -> bool:
    """A role held on the unit at `role_path` covers the target unit and everything below.
    A role with no unit (None) covers the whole community."""
    if role_path is None:
        return True
    return target_path is not None and target_path.startswith(role_path)
