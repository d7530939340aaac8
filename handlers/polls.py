"""A poll's option buttons in a group: one tap votes, another tap changes the vote. The
presser hears back privately (a callback notice), never by a message in the group; someone
not eligible — not verified, not in scope, not an owner, or the poll closed — gets an alert
with the reason and no vote. Eligibility comes from the roster, not from the chat."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.answering import NotEligible, cast_poll_vote
from bot.ui.errors import describe
from bot.ui.survey_links import PollCB

ALERT_MAX = 200  # Telegram's limit for a callback answer


async def on_poll_vote(query: CallbackQuery, callback_data: PollCB, uow: UnitOfWork,
                       i18n: I18n, user_locale: str) -> None:
    """Records the presser's vote and tells them privately, in their language, which option
    now counts."""
    with i18n.use_locale(user_locale):
        try:
            vote, option = await cast_poll_vote(uow, user_id=query.from_user.id,
                                                survey_id=callback_data.survey,
                                                option_id=callback_data.option)
        except NotEligible as exc:
            await query.answer(describe(exc)[:ALERT_MAX], show_alert=True)
            return
        text = (_("Your vote changed to: {option}") if vote.changed
                else _("Your vote: {option}"))
        await query.answer(text.format(option=option)[:ALERT_MAX])


def make_router() -> Router:
    router = Router(name="polls")
    router.callback_query.register(on_poll_vote, PollCB.filter())
    return router
