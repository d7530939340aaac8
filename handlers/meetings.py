"""The availability buttons of a meeting poll in a group: for each candidate time ✅ yes,
🤔 if need be or ❌ no; the same button again takes the answer back. The presser hears back
by a short callback notice, never a message in the group; someone who may not answer — not
verified, not in scope, or the poll closed — gets an alert with the reason. Eligibility
comes from the roster, not from the chat."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.errors import ServiceError
from bot.services.meetings import set_availability
from bot.ui.errors import describe
from bot.ui.meeting_callbacks import ANSWERS, AvailabilityCB
from bot.ui.meeting_render import slot_label

ALERT_MAX = 200  # Telegram's limit for a callback answer


def answer_name(answer: str) -> str:
    return {"yes": _("Yes"), "maybe": _("If need be"), "no": _("No")}[answer]


async def on_availability(query: CallbackQuery, callback_data: AvailabilityCB,
                          uow: UnitOfWork, i18n: I18n, user_locale: str) -> None:
    """Records the presser's answer for one time and tells them privately, in their
    language, what counts."""
    with i18n.use_locale(user_locale):
        try:
            saved = await set_availability(uow, user_id=query.from_user.id,
                                           slot_id=callback_data.slot,
                                           answer=ANSWERS.get(callback_data.answer, ""))
        except ServiceError as exc:
            await query.answer(describe(exc)[:ALERT_MAX], show_alert=True)
            return
        when = slot_label(saved.starts_at, saved.timezone, user_locale)
        if saved.answer is None:
            text = _("Removed your answer for {when}.").format(when=when)
        else:
            text = _("Saved: {when} — {answer}").format(when=when,
                                                       answer=answer_name(saved.answer))
        await query.answer(text[:ALERT_MAX])


def make_router() -> Router:
    router = Router(name="meetings")
    router.callback_query.register(on_availability, AvailabilityCB.filter())
    return router
