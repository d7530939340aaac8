"""Approve / Reject under a join request, in a reviewer's private chat or the committee
group. The service re-checks the presser's role on that floor; a second press is harmless."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.membership import decide_join
from bot.ui.callbacks import ReviewCB
from bot.ui.roster_texts import label, status_name


async def on_review(query: CallbackQuery, callback_data: ReviewCB, uow: UnitOfWork,
                    i18n: I18n, user_locale: str) -> None:
    """Records the decision, tells the resident (through the outbox) and marks the card.
    The presser hears back in their language; the card, which the group sees, stays in the
    group's."""
    with i18n.use_locale(user_locale):
        if callback_data.action not in ("approve", "reject"):
            await query.answer(_("This button has expired."), show_alert=True)
            return
        decision = await decide_join(uow, reviewer_id=query.from_user.id,
                                     resident_id=callback_data.resident,
                                     approve=callback_data.action == "approve")
        if not decision.changed:
            await query.answer(_("Already decided: {status}.").format(
                status=status_name(decision.status)), show_alert=True)
        else:
            await query.answer(label(status_name(decision.status)))
    mark = "✅" if decision.status == "verified" else "❌"
    by = query.from_user.first_name
    if query.message is not None and decision.changed:
        await query.message.edit_text(
            _("{mark} {home}: {status} by {name}.").format(
                mark=mark, home=decision.household_label,
                status=status_name(decision.status), name=by),
            reply_markup=None)


def make_router() -> Router:
    router = Router(name="join_review")
    router.callback_query.register(on_review, ReviewCB.filter())
    return router
