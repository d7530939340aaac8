"""Buttons and commands of cases outside the multi-step flows: Accept on a case card in a
body's group, “Me too” from neighbours, the reporter's rating, reopening and appeal of a
rejection, /mycases, and /report typed in a group (which hands off to the private chat).

Every press is checked again by the services: who pressed, whether the case is still open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services import ServiceError, UnitOfWork
from bot.services.case_actions import act_on_case, get_case, my_cases, rate_case, reopen_case
from bot.services.case_appeal import appeal_case
from bot.services.case_views import CaseView
from bot.services.errors import NotPermitted
from bot.services.reports import may_report, support_case
from bot.ui import fmt
from bot.ui.case_callbacks import REPORT_LINK, CaseCB, MeTooCB, MyCaseCB
from bot.ui.case_status import status_card
from bot.ui.case_texts import body_name, case_number, category_name, status_name
from bot.ui.errors import describe
from bot.ui.keyboards import private_chat_markup


async def cmd_report_group(message: Message) -> None:
    """In a group: reporting happens in private, one tap away."""
    me = await message.bot.me()
    await message.reply(
        _("Reports are made in a private chat with me, so your details stay private."),
        reply_markup=private_chat_markup(me.username, _("📝 Report a problem"), REPORT_LINK))


async def on_accept(query: CallbackQuery, callback_data: CaseCB, uow: UnitOfWork, i18n: I18n,
                    user_locale: str) -> None:
    """Accepts the case for the presser's body; the card is refreshed by the outbox (in the
    group's language), the presser hears back in theirs."""
    with i18n.use_locale(user_locale):
        try:
            view = await act_on_case(uow, user_id=query.from_user.id,
                                     case_id=callback_data.case, action="accept")
        except ServiceError as error:
            await query.answer(describe(error), show_alert=True)
            return
        await query.answer(_("Accepted: case {number}. The reporter has been told.").format(
            number=case_number(view.number)))


async def on_me_too(query: CallbackQuery, callback_data: MeTooCB, state: FSMContext,
                    uow: UnitOfWork, i18n: I18n, user_locale: str) -> None:
    """Adds the presser to the case's supporters (once); only they hear back, in their
    language (in private that is the chat's)."""
    with i18n.use_locale(user_locale):
        try:
            support = await support_case(uow, query.from_user.id, callback_data.case)
        except ServiceError as error:
            await query.answer(describe(error), show_alert=True)
            return
        if not support.added:
            await query.answer(_("You have already said “me too” for case {number}.").format(
                number=case_number(support.number)), show_alert=True)
            return
        if query.message.chat.type == "private":
            # Offered instead of reporting a duplicate: the report flow ends here.
            await state.clear()
            await query.answer()
            await query.message.edit_text(_(
                "🙋 Thank you — you were added to case {number}. Neighbours affected: {count}. "
                "You will hear here when it is resolved.").format(
                number=case_number(support.number), count=support.supporters), reply_markup=None)
            return
        await query.answer(_("Thank you — you were added to case {number}. Neighbours "
                             "affected: {count}.").format(
            number=case_number(support.number), count=support.supporters), show_alert=True)


async def _reporter_step(query: CallbackQuery, step: Awaitable[CaseView],
                         outcome: Callable[[CaseView], str]) -> None:
    """Runs a step the reporter took by button: refused, they are told why; done, the
    buttons go and the outcome is said."""
    try:
        view = await step
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(outcome(view))


async def on_rate(query: CallbackQuery, callback_data: MyCaseCB, uow: UnitOfWork) -> None:
    """The reporter's rating closes the resolved case."""
    await _reporter_step(
        query, rate_case(uow, user_id=query.from_user.id, case_id=callback_data.case,
                         rating=callback_data.value),
        lambda view: _("Thank you for your rating ({stars}). Case {number} is closed.").format(
            stars="⭐" * (view.rating or 0), number=case_number(view.number)))


async def on_reopen(query: CallbackQuery, callback_data: MyCaseCB, uow: UnitOfWork) -> None:
    """Not fixed: the case is reopened and the body told."""
    await _reporter_step(
        query, reopen_case(uow, user_id=query.from_user.id, case_id=callback_data.case),
        lambda view: _("🔁 Case {number} is open again, with a new deadline. We have told "
                       "{body}.").format(number=case_number(view.number),
                                         body=body_name(view.level_body.json())))


async def on_appeal(query: CallbackQuery, callback_data: MyCaseCB, uow: UnitOfWork) -> None:
    """The reporter disagrees with a rejection: the next body up the chain reviews it."""
    await _reporter_step(
        query, appeal_case(uow, user_id=query.from_user.id, case_id=callback_data.case),
        lambda view: _("🙋 Case {number} is open again: {body} will review it and has a "
                       "deadline to answer. You will hear here what is decided.").format(
            number=case_number(view.number), body=body_name(view.body.json())))


async def on_view(query: CallbackQuery, callback_data: MyCaseCB, uow: UnitOfWork,
                  locale: str) -> None:
    """Shows the status card of one of the reporter's cases."""
    try:
        view = await get_case(uow, user_id=query.from_user.id, case_id=callback_data.case)
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await query.answer()
    text, markup = status_card(view, locale)
    await query.message.answer(text, reply_markup=markup)


async def cmd_mycases(message: Message, uow: UnitOfWork, locale: str) -> None:
    """Lists the reporter's cases with their status, newest first."""
    cases = await my_cases(uow, message.from_user.id)
    if not cases:
        if await may_report(uow, message.from_user.id):
            await message.answer(_("You have not reported anything yet. /report reports a "
                                   "problem."))
        else:  # /report would refuse them: how to join their home first
            await message.answer(_("You have not reported anything yet.") + "\n"
                                 + describe(NotPermitted("not_resident")))
        return
    lines = [_("Your reports (newest first):")]
    rows = []
    for case in cases:
        when = fmt.short_when(case.created_at, case.timezone, locale)
        lines.append(f"{case_number(case.number)} {category_name(case.category.json())} · "
                     f"{when} · {status_name(case.status)}")
        rows.append(InlineKeyboardButton(
            text=case_number(case.number),
            callback_data=MyCaseCB(action="view", case=case.id).pack()))
    await message.answer("\n".join(lines), reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[rows[i:i + 5] for i in range(0, len(rows), 5)]))


def make_router() -> Router:
    router = Router(name="cases")
    private = F.chat.type == "private"
    router.message.register(cmd_report_group, ~private, Command("report"))
    router.message.register(cmd_mycases, private, Command("mycases"), StateFilter("*"))
    router.callback_query.register(on_accept, CaseCB.filter(F.action == "accept"),
                                   StateFilter("*"))
    router.callback_query.register(on_me_too, MeTooCB.filter(), StateFilter("*"))
    my = MyCaseCB.filter
    router.callback_query.register(on_rate, my(F.action == "rate"), StateFilter("*"))
    router.callback_query.register(on_reopen, my(F.action == "reopen"), StateFilter("*"))
    router.callback_query.register(on_appeal, my(F.action == "appeal"), StateFilter("*"))
    router.callback_query.register(on_view, my(F.action == "view"), StateFilter("*"))
    return router
