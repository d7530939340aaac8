"""Shared words of the roster: relations, roles, statuses, in the reader's language."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _


def label(word: str) -> str:
    """A word shown on its own — a button, a toast, the head of a line — capitalised like a
    label in English (“owner” → “Owner”); Chinese is unchanged."""
    return word[:1].upper() + word[1:]


def relation_name(relation: str) -> str:
    return {"owner": _("owner"), "tenant": _("tenant"), "family": _("family member")}.get(
        relation, relation)


def role_name(role: str) -> str:
    return {
        "resident": _("resident"),
        "floor_contact": _("floor contact (楼道联络人)"),
        "building_lead": _("building lead (楼长)"),
        "property": _("property management (物业)"),
        "owners_committee": _("owners' committee (业委会)"),
        "residents_committee": _("residents' committee (居委会)"),
        "admin": _("community admin"),
    }.get(role, role)


def status_name(status: str) -> str:
    return {"pending": _("waiting for approval"), "verified": _("verified"),
            "rejected": _("rejected")}.get(status, status)


def purpose_name(purpose: str) -> str:
    return {"residents": _("residents' group"), "committee": _("committee group"),
            "property": _("property management group")}.get(purpose, purpose)
