"""The /categories editor's states and what its steps share: the one message edited in
place (a double tap shows the same screen again), and the answer to a refused button."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services.errors import NotFound, ServiceError
from bot.ui.category_screens import Screen
from bot.ui.errors import describe


class EditCategories(StatesGroup):
    browse = State()
    new_name = State()
    category_name = State()
    body_name = State()


async def render(message: Message, screen: Screen, *, edit: bool = True) -> None:
    text, markup = screen
    if not edit:
        await message.answer(text, reply_markup=markup)
        return
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:  # a double tap shows the same screen again
            raise


async def refuse(query: CallbackQuery, error: ServiceError) -> None:
    """A button that points at nothing (any more) has expired; the rest say why."""
    stale = isinstance(error, NotFound) or error.code == "bad_hours"
    await query.answer(_("This button has expired.") if stale else describe(error),
                       show_alert=True)
