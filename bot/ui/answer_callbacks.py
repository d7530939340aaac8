"""Buttons of answering a survey in private and of collecting answers door to door.

Every button names its survey and question, so a press on an old message (another survey,
a question already left) is told apart from a press on the current one.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class AnswerCB(CallbackData, prefix="v1an"):
    """A step of answering: `action` is start | pick | toggle | next | rate | skip | keep |
    back | submit | change | edit | cancel; `value` an option id or a rating."""

    action: str
    survey: int
    question: int = 0
    value: int = 0


class DoorCB(CallbackData, prefix="v1dd"):
    """Door to door: pick a survey, then a household still missing; or cancel."""

    action: str  # survey | home | cancel
    survey: int = 0
    household: int = 0
