"""The reporter answers a body's question about their case, in the private chat: they press
“Answer” under the question and send their reply — text, or up to three photos (a photo's
caption is the text; photos alone are sent with “Send”) — which goes on the case's timeline
and, photos included, to the body's group."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.cases import MAX_PHOTOS
from bot.services import ServiceError, UnitOfWork
from bot.services.case_actions import answer_question, get_case
from bot.ui.case_callbacks import CaseCB, MyCaseCB
from bot.ui.case_note_screens import answer_photo_added, cancel_markup
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
    await query.message.answer(_("✍️ Send your answer about case {number}: a few words, or "
                                 "a photo.").format(number=case_number(view.number)),
                               reply_markup=cancel_markup(view.id))


async def receive_answer(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Keeps a photo without a caption and asks for more; otherwise passes the answer (the
    text or caption, with the photos kept) on, and the case goes on."""
    data = await state.get_data()
    photos = list(data.get("photos", []))
    if message.photo:
        full = len(photos) >= MAX_PHOTOS
        if not full:
            photos.append(message.photo[-1].file_id)
            await state.update_data(photos=photos)
        if full or not message.caption:
            await message.answer(answer_photo_added(len(photos), added=not full),
                                 reply_markup=cancel_markup(data["case_id"], send=True))
            return
    await send_answer(message, state, uow, message.text or message.caption, photos)


async def on_send(query: CallbackQuery, callback_data: CaseCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """The reporter pressed “Send” after photos: they are the answer."""
    data = await state.get_data()
    if callback_data.case != data.get("case_id") or not data.get("photos"):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await send_answer(query.message, state, uow, None, data["photos"],
                      user_id=query.from_user.id)


async def send_answer(message: Message, state: FSMContext, uow: UnitOfWork,
                      text: str | None, photos: list[str], *,
                      user_id: int | None = None) -> None:
    data = await state.get_data()
    try:
        view = await answer_question(uow, user_id=user_id or message.from_user.id,
                                     case_id=data["case_id"], text=text, photos=tuple(photos))
    except ServiceError as error:
        await message.answer(describe(error))
        return
    await state.clear()
    await message.answer(_("Thank you. Your answer was passed on; case {number} goes on.")
                         .format(number=case_number(view.number)))


async def receive_other(message: Message) -> None:
    await message.answer(_("Please send your answer as text or a photo, or press “Cancel”."))


def make_router() -> Router:
    router = Router(name="case_answer")
    router.message.filter(F.chat.type == "private")
    router.callback_query.register(on_answer, MyCaseCB.filter(F.action == "answer"),
                                   StateFilter("*"))
    router.message.register(receive_answer, CaseAnswer.answer, TYPED)
    router.message.register(receive_answer, CaseAnswer.answer, F.photo)
    router.callback_query.register(on_send, CaseAnswer.answer, CaseCB.filter(F.action == "send"))
    router.callback_query.register(on_cancel, CaseAnswer.answer,
                                   CaseCB.filter(F.action == "cancel"))
    router.message.register(receive_other, CaseAnswer.answer, NOT_COMMAND)
    return router
