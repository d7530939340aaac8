"""/decisions in private: the decisions of the user's community with their status, open
first; a button per decision opens its detail. The responsible body (and the managers) see
“Post progress” and “Mark done” under it; those steps are in conversations/decision_progress.
A reminder's link (t.me/<bot>?start=dp_<id>) opens the same detail.

Every press is checked again by the services: a forged id of another community is refused.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.services import ServiceError, UnitOfWork
from bot.services.decisions import decision_detail, list_decisions
from bot.ui.decision_callbacks import DecisionCB
from bot.ui.decision_screens import detail_screen, list_screen
from bot.ui.errors import describe


async def cmd_decisions(message: Message, state: FSMContext, uow: UnitOfWork,
                        locale: str) -> None:
    """Lists the decisions with their status and a button for each."""
    await state.clear()
    try:
        items = await list_decisions(uow, message.from_user.id)
    except ServiceError as error:
        await message.answer(describe(error))
        return
    text, markup = list_screen(items, locale)
    await message.answer(text, reply_markup=markup)


async def cmd_decision_link(message: Message, command: CommandObject, state: FSMContext,
                            uow: UnitOfWork, locale: str) -> None:
    """Opens the decision a reminder links to."""
    await state.clear()
    try:
        view = await decision_detail(uow, message.from_user.id,
                                     int(command.args.split("_", 1)[1]))
    except ServiceError as error:
        await message.answer(describe(error))
        return
    text, markup = detail_screen(view, locale)
    await message.answer(text, reply_markup=markup)


async def on_view(query: CallbackQuery, callback_data: DecisionCB, uow: UnitOfWork,
                  locale: str) -> None:
    """Shows one decision: status, origin, latest updates (and the body's buttons)."""
    try:
        view = await decision_detail(uow, query.from_user.id, callback_data.decision)
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await query.answer()
    text, markup = detail_screen(view, locale)
    await query.message.answer(text, reply_markup=markup)


def make_router() -> Router:
    router = Router(name="decisions")
    private = F.chat.type == "private"
    router.callback_query.filter(F.message.chat.type == "private")
    router.message.register(cmd_decisions, private, Command("decisions"), StateFilter("*"))
    router.message.register(cmd_decision_link, private, CommandStart(
        deep_link=True, magic=F.args.regexp(r"^dp_\d{1,12}$")), StateFilter("*"))
    router.callback_query.register(on_view, DecisionCB.filter(F.action == "view"),
                                   StateFilter("*"))
    return router
