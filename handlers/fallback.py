"""The last router: stale or unknown buttons, and private messages nobody expected."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _


async def on_stale_button(query: CallbackQuery) -> None:
    """Answers any button no handler took: old, from a finished flow, or forged."""
    await query.answer(_("This button has expired."), show_alert=True)


async def on_unknown_link(message: Message) -> None:
    """Answers a deep link whose target no longer exists (or never did)."""
    await message.answer(_("This link is not valid any more. /help lists what you can do "
                           "here."))


async def on_unexpected_private(message: Message) -> None:
    """Points a resident who typed something unexpected to /help."""
    await message.answer(_("I didn't understand that. /help lists what you can do here."))


def make_router() -> Router:
    router = Router(name="fallback")
    router.callback_query.register(on_stale_button)
    router.message.register(on_unknown_link, CommandStart(deep_link=True),
                            F.chat.type == "private")
    router.message.register(on_unexpected_private, F.chat.type == "private")
    return router
