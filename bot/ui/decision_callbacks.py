"""Buttons of decisions, versioned like bot/ui/callbacks. A decision id in a button is
client input: the services check again who pressed and whether the decision is open."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

#: Deep-link payload (t.me/<bot>?start=dp_<id>) of "post progress" from a reminder: the
#: update is written in the private chat, where the bot may ask for text and a photo.
PROGRESS_LINK = "dp"


def progress_link(decision_id: int) -> str:
    return f"{PROGRESS_LINK}_{decision_id}"


class DecisionCB(CallbackData, prefix="v1dec"):
    """`action`: view (open the detail), progress / done (start posting or closing),
    percent (with `value`), skip (no photo), publish, confirm (closing), cancel."""

    action: str
    decision: int
    value: int = 0
