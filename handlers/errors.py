"""Turns any exception into a short localized answer: no traceback ever reaches a chat."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

from bot.services.errors import ServiceError
from bot.ui.errors import describe

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent) -> bool:
    """Answers the user: the named condition for a ServiceError, an apology otherwise."""
    error = event.exception
    if isinstance(error, ServiceError):
        text = describe(error)
    else:
        log.error("update %s failed", event.update.update_id, exc_info=error)
        text = _("Something went wrong on our side. Please try again in a moment.")
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.answer(text)
    except TelegramAPIError:
        log.warning("could not tell the user about the error of update %s", update.update_id)
    return True


def make_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
