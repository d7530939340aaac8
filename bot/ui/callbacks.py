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
