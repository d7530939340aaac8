"""Shared words of issue reports: categories, bodies, statuses, places and timeline steps,
in the reader's language. A renamed category or body shows the name it was given."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.utils.i18n import gettext as _


def category_name(label: Sequence[str | None]) -> str:
    key, name = label
    if name:
        return name
    return {
        "repairs": _("🔧 Repairs"),
        "sanitation": _("🧹 Sanitation"),
        "safety": _("⚠️ Safety hazard"),
        "parking": _("🚗 Parking and traffic"),
        "disputes": _("🗣 Noise and neighbour disputes"),
        "greenery": _("🌳 Greenery and public space"),
        "care": _("👵 Elderly and child care"),
        "other": _("📌 Other"),
    }.get(key or "", key or "?")


def body_name(label: Sequence[str | None]) -> str:
    key, name = label
    if name:
        return name
    return {
        "property": _("Property management"),
        "owners_committee": _("Owners' committee"),
        "residents_committee": _("Residents' committee"),
        "admins": _("Community admins"),
    }.get(key or "", key or "?")


def status_name(status: str) -> str:
    return {
        "new": _("🆕 waiting to be accepted"),
        "info": _("❓ waiting for information from the reporter"),
        "accepted": _("🛠 being worked on"),
        "resolved": _("✅ resolved, waiting for the reporter's confirmation"),
        "closed": _("☑️ closed"),
        "rejected": _("🚫 rejected"),
    }.get(status, status)


def place_name(place: str) -> str:
    return {
        "home": _("🏠 Home"),
        "stairs": _("Stairwell or corridor"),
        "elevator": _("Elevator"),
        "roof": _("Roof"),
        "basement": _("Basement or garage"),
        "gate": _("Gate or entrance of the compound"),
        "green": _("Green space"),
        "parking": _("Parking area"),
        "playground": _("Playground or fitness area"),
        "public": _("Other public area"),
        "location": _("📍 Shared location"),
    }.get(place, place)


def event_name(kind: str) -> str:
    return {
        "submitted": _("reported"),
        "accepted": _("accepted"),
        "info_asked": _("asked for information"),
        "info_given": _("information given"),
        "reassigned": _("reassigned"),
        "resolved": _("resolved"),
        "rejected": _("rejected"),
        "escalated": _("escalated (overdue)"),
        "overdue": _("deadline passed, nobody above"),
        "reopened": _("reopened by the reporter"),
        "appealed": _("appealed by the reporter"),
        "rated": _("rated"),
        "closed": _("closed"),
        "supported": _("a neighbour said “me too”"),
        "meeting": _("discussed at a meeting"),
        "decision_done": _("decision carried out"),
    }.get(kind, kind)


def case_number(number: int) -> str:
    """Case numbers read the same in every language: #27."""
    return f"#{number}"
