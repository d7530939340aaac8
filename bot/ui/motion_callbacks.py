"""Buttons of motions, versioned like bot/ui/callbacks. The motion id is client input: the
services check again who pressed, their eligibility and whether voting is still open."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

VOTE_LINK = "m_{id}"  # t.me/<bot>?start=m_12 opens the motion in private


class MotionCB(CallbackData, prefix="v1mo"):
    """`action`: vote (value: for|against|abstain), door (list homes), home (value: a
    household id, then the choice in `choice`), close, confirm, csv, xlsx."""

    action: str
    motion: int
    value: str = ""
    choice: str = ""


class MotionDraftCB(CallbackData, prefix="v1mtd"):
    """A step of /motion: `action` names the step, `value` what was picked."""

    action: str
    value: str = ""
