"""Typed, versioned callback data: one class per button kind, prefix `v1…`.

The version in the prefix tells old buttons in old messages apart after a change; every
press is checked again on the server, since button data is client input.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCB(CallbackData, prefix="v1lang"):
    """Choose a language: for yourself in private, for the group in a group."""

    locale: str


class FlowCB(CallbackData, prefix="v1flow"):
    """A step button inside a conversation: `flow` names it, `action` what was pressed."""

    flow: str
    action: str
    value: str = ""


class UnitCB(CallbackData, prefix="v1unit"):
    """Walking the community tree: `open` a unit, `pick` it; unit 0 is the top level. Who
    may press is known on the server (the flow's state, the /bind dialog's record), never
    from the data."""

    flow: str
    action: str
    community: int
    unit: int = 0


class BindCB(CallbackData, prefix="v1bind"):
    """The /bind dialog's steps; who sent /bind is kept on the server (handlers.binding)."""

    action: str  # community | purpose | confirm | cancel
    community: int = 0
    purpose: str = ""
    unit: int = 0


class JoinCB(CallbackData, prefix="v1join"):
    """Steps of joining a household, in private."""

    action: str  # floor | room | relation | confirm | cancel
    value: int = 0
    relation: str = ""


class ReviewCB(CallbackData, prefix="v1rev"):
    """Approve or reject a join request."""

    action: str  # approve | reject
    resident: int


class RoleCB(CallbackData, prefix="v1role"):
    action: str  # community | grant | revoke | role | person | pick | confirm | cancel
    value: str = ""


class PrivacyCB(CallbackData, prefix="v1priv"):
    action: str  # delete | keep
