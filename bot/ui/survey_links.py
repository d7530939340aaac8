"""Buttons and links shared by the survey features: a poll's option buttons in the group
and the deep link that opens a survey in the private chat."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class PollCB(CallbackData, prefix="v1poll"):
    """A vote on a poll's option, pressed in the group."""

    survey: int
    option: int


def answer_payload(survey_id: int) -> str:
    """The /start payload that opens a survey for answering."""
    return f"s_{survey_id}"


def answer_link(bot_username: str, survey_id: int) -> str:
    return f"https://t.me/{bot_username}?start={answer_payload(survey_id)}"
