"""Buttons of the /survey and /poll drafts (private chat). Every press is checked against
the flow's state on the server; values are re-validated, never trusted."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class DraftCB(CallbackData, prefix="v1sd"):
    """A step button: `action` names the step (kind, audience, day, edit, …), `value` the
    choice (a question kind, a date, an index)."""

    action: str
    value: str = ""


class ScopeCB(CallbackData, prefix="v1ss"):
    """The scope picker: `open` a unit to see what is below, `toggle` one (unit 0: the whole
    community), `top` back to the first level, `done`."""

    action: str
    unit: int = 0
