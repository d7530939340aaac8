"""Callback data of the roster buttons (import, export), versioned like bot/ui/callbacks.

The ids inside are client input: the services check again who pressed and whether the
community or the draft is still theirs.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class RosterPickCB(CallbackData, prefix="v1rpick"):
    """Choose a community among those the user manages: to import into (`purpose`
    "import"), export ("export"), edit by buttons ("units") or see the statistics of
    ("stats")."""

    purpose: str
    community_id: int


class ImportCB(CallbackData, prefix="v1imp"):
    """Confirm ("ok") or cancel ("no") the staged import draft `import_id`."""

    action: str
    import_id: int
