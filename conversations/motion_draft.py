"""The /motion draft's states and what its steps share: buttons with ✖️ Cancel below, and
the chosen answer kept under its question."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.ui.motion_callbacks import MotionDraftCB


class MotionSteps(StatesGroup):
    community = State()
    question = State()
    origin = State()
    rule = State()
    scope = State()
    deadline = State()
    secret = State()
    body = State()
    preview = State()


def markup(items: list[tuple[str, str, str]]) -> InlineKeyboardMarkup:
    """One button a row from (text, action, value), and ✖️ Cancel below."""
    rows = [[InlineKeyboardButton(text=text, callback_data=MotionDraftCB(
        action=action, value=value).pack())] for text, action, value in items]
    rows.append([InlineKeyboardButton(text=_("✖️ Cancel"),
                                      callback_data=MotionDraftCB(action="cancel").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def chosen(query: CallbackQuery, label: str) -> None:
    """Keeps the question with the choice under it, as a record of what was answered."""
    await query.answer()
    if query.message.text:
        await query.message.edit_text(f"{query.message.text}\n\n→ {label}", reply_markup=None)
