"""Turns any exception into a short localized answer: no traceback ever reaches a chat."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services.errors import ServiceError
from bot.ui.errors import describe

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, i18n: I18n, user_locale: str | None = None) -> bool:
    """Answers the user: the named condition for a ServiceError, an apology otherwise. A
    button's alert only the presser sees, so it is in their language (also in a group)."""
    error = event.exception
    update = event.update
    alert = update.callback_query is not None
    with i18n.use_locale(user_locale if alert and user_locale else i18n.current_locale):
        if isinstance(error, ServiceError):
            text = describe(error)
        else:
            log.error("update %s failed", update.update_id, exc_info=error)
            text = _("Something went wrong on our side. Please try again in a moment.")
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
