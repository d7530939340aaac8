"""Buttons of meeting polls, versioned like bot/ui/callbacks. Ids in a button are client
input: the services check again who pressed, and whether the poll is still open."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

#: Button value of each answer (the Answer values of bot.domain.meetings).
ANSWERS = {"y": "yes", "m": "maybe", "n": "no"}


class AvailabilityCB(CallbackData, prefix="v1mv"):
    """A resident's answer for one candidate time, in the group: `answer` is y, m or n."""

    slot: int
    answer: str


class MeetDraftCB(CallbackData, prefix="v1md"):
    """A step of the /meeting draft: `action` names the step, `value` what was picked."""

    action: str
    value: str = ""


class MeetAdminCB(CallbackData, prefix="v1mm"):
    """The creator's buttons: `minutes` (write them), `times` (list the times), `choose`
    (another time), `publish` or `cancel` (the minutes' preview)."""

    action: str
    meeting: int
    slot: int = 0
