"""The reporter's status card of a case: number, status, deadlines and timeline."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.services.case_views import CaseView, card_params
from bot.ui.case_notices import answer_keyboard, appeal_keyboard, rating_keyboard
from bot.ui.case_render import card_text
from bot.ui.case_texts import body_name, case_number
from bot.ui.render import RenderContext


def status_card(view: CaseView, locale: str, *, submitted: bool = False,
                ) -> tuple[str, InlineKeyboardMarkup | None]:
    params = card_params(view)
    params["reporter"] = None  # it is their own, and so are the photos
    params["photos"] = []
    text = card_text(params, RenderContext(locale))
    if submitted:
        text = _("✅ Thank you! Your report is case {number}. {body} has been told; you will "
                 "hear of every step here. /mycases lists your reports.").format(
            number=case_number(view.number), body=body_name(view.body.json())) + "\n\n" + text
    if view.status == "resolved":
        return text, rating_keyboard(view.id)
    if view.appeal_to is not None:
        return text, appeal_keyboard(view.id, view.appeal_to.json())
    if view.status == "info":
        return text, answer_keyboard(view.id)
    return text, None
