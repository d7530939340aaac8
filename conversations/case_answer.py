"""The reporter answers a body's question about their case, in the private chat: they press
“Answer” under the question and send their reply, which goes on the case's timeline and to
the body's group."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services import ServiceError, UnitOfWork
from bot.services.case_actions import answer_question, get_case
from bot.ui.case_callbacks import CaseCB, MyCaseCB
from bot.ui.case_note_screens import cancel_markup
from bot.ui.case_texts import case_number, status_name
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED
from conversations.case_note import on_cancel


class CaseAnswer(StatesGroup):
    answer = State()


async def on_answer(query: CallbackQuery, callback_data: MyCaseCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """The reporter pressed “Answer”: asks for the reply."""
    try:
        view = await get_case(uow, user_id=query.from_user.id, case_id=callback_data.case)
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    if view.status != "info":
        await query.answer(_("Case {number} is {status}: no question is waiting.").format(
            number=case_number(view.number), status=status_name(view.status)),
            show_alert=True)
        return
    await state.set_state(CaseAnswer.answer)
    await state.set_data({"case_id": view.id})
    await query.answer()
    await query.message.answer(_("✍️ Send your answer about case {number}.").format(
        number=case_number(view.number)), reply_markup=cancel_markup(view.id))


async def receive_answer(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Passes the answer on; the case goes on."""
    data = await state.get_data()
    try:
        view = await answer_question(uow, user_id=message.from_user.id,
                                     case_id=data["case_id"], text=message.text)
    except ServiceError as error:
        await message.answer(describe(error))
        return
    await state.clear()
    await message.answer(_("Thank you. Your answer was passed on; case {number} goes on.")
                         .format(number=case_number(view.number)))


async def receive_other(message: Message) -> None:
    await message.answer(_("Please send text, or press “Cancel”."))


def make_router() -> Router:
    router = Router(name="case_answer")
    router.message.filter(F.chat.type == "private")
    router.callback_query.register(on_answer, MyCaseCB.filter(F.action == "answer"),
                                   StateFilter("*"))
    router.message.register(receive_answer, CaseAnswer.answer, TYPED)
    router.callback_query.register(on_cancel, CaseAnswer.answer,
                                   CaseCB.filter(F.action == "cancel"))
    router.message.register(receive_other, CaseAnswer.answer, NOT_COMMAND)
    return router
