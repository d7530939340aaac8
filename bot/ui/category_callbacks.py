"""Callback data of /categories, versioned like bot/ui/callbacks.

The ids inside are client input: every press is checked again by the services (who
pressed, whether the category or body exists and belongs to a community they manage) and
by the flow (whether it is the community being edited).
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class CategoriesCB(CallbackData, prefix="v1cats"):
    """The community level: `list` its categories, `new` category, `bodies`, `done`."""

    action: str
    community: int


class CategoryCB(CallbackData, prefix="v1cat"):
    """One category: `open` it; `bodies` / `body` (value: body id) to change who handles
    it; `hours` (value: deadline) / `set` (value: "deadline=hours") to change a deadline;
    `rename`; `hide` / `show`."""

    action: str
    category: int
    value: str = ""


class BodyCB(CallbackData, prefix="v1catbody"):
    """One body: `open` it; `group` (value: group id, 0 for the default); `rename`."""

    action: str
    body: int
    value: int = 0
