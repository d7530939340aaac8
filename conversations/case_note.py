"""The steps of a case that need words or a choice, in the private chat.

A body member presses Ask, Resolve, Reassign or Reject on a case card in their group; the
button opens this chat (t.me/<bot>?start=c<letter>_<case>), where a bot may ask for text even
in a group with privacy mode. Ask needs the question, Resolve a note (optionally with a
photo: a photo's caption is the note), Reject a reason, Reassign a body. The reporter's
answer to a question comes here too, after they press “Answer”.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.services import ServiceError, UnitOfWork
from bot.services.case_actions import (
    act_on_case,
    answer_question,
    check_actor,
    get_case,
    reassign_options,
)
from bot.ui.case_callbacks import LINK_ACTIONS, CaseCB, MyCaseCB
from bot.ui.case_texts import body_name, case_number, status_name
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED


class CaseNote(StatesGroup):
    note = State()
    body = State()
    answer = State()


def cancel_markup(case_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=_("✖️ Cancel"), callback_data=CaseCB(action="cancel", case=case_id).pack())]])


def prompt(action: str, number: str, description: str) -> str:
    texts = {
        "ask": _("❓ Case {number}: what do you need to know? Send your question; the "
                 "reporter gets it in private."),
        "resolve": _("🛠 Case {number}: what was done? Send a short note — with a photo of "
                     "the result if you have one (the photo's caption is the note)."),
        "reject": _("🚫 Case {number}: why is it rejected? Send the reason; the reporter "
                    "will read it."),
    }
    return texts[action].format(number=number) + "\n\n" + description[:300]


async def cmd_case_link(message: Message, command: CommandObject, state: FSMContext,
                        uow: UnitOfWork) -> None:
    """Checks the presser may act on the case, then asks for the note or the body."""
    letter, case_id = command.args[1], int(command.args.split("_", 1)[1])
    action = LINK_ACTIONS[letter]
    await state.clear()
    try:
        view = await check_actor(uow, message.from_user.id, case_id)
        options = (await reassign_options(uow, message.from_user.id, case_id)
                   if action == "reassign" else [])
    except ServiceError as error:
        await message.answer(describe(error))
        return
    number = case_number(view.number)
    if action == "reassign":
        await state.set_state(CaseNote.body)
        await state.set_data({"case_id": case_id})
        rows = [[InlineKeyboardButton(text=body_name(o.label.json()), callback_data=CaseCB(
            action="reassign", case=case_id, value=o.id).pack())] for o in options]
        rows += cancel_markup(case_id).inline_keyboard
        await message.answer(_("↪️ Case {number} is with {body}. Who should handle it "
                               "instead?").format(number=number,
                                                  body=body_name(view.body.json())),
                             reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))
        return
    await state.set_state(CaseNote.note)
    await state.set_data({"case_id": case_id, "action": action})
    await message.answer(prompt(action, number, view.description),
                         reply_markup=cancel_markup(case_id))


def done_text(action: str, number: str, body: str = "") -> str:
    return {
        "ask": _("Sent. Case {number} waits for the reporter's answer; it will be posted in "
                 "your group."),
        "resolve": _("Done: case {number} is resolved. The reporter is asked to confirm and "
                     "rate it."),
        "reject": _("Done: case {number} is rejected. The reporter has been told why."),
        "reassign": _("Done: case {number} was passed to {body}."),
    }[action].format(number=number, body=body)


async def receive_note(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Applies the action with the note (and the photo of a resolution)."""
    data = await state.get_data()
    action, photo = data["action"], data.get("photo")
    note = message.text or message.caption
    if message.photo:
        if action != "resolve":
            await message.answer(_("Please send the text only."))
            return
        photo = message.photo[-1].file_id
        if not note:
            await state.update_data(photo=photo)
            await message.answer(_("📷 Photo added. Now send a short note of what was done."))
            return
    try:
        view = await act_on_case(uow, user_id=message.from_user.id, case_id=data["case_id"],
                                 action=action, note=note, photo=photo)
    except ServiceError as error:
        await message.answer(describe(error))
        if error.code in ("case_closed", "not_case_body", "case"):
            await state.clear()  # nothing the user can type will fix these
        return
    await state.clear()
    await message.answer(done_text(action, case_number(view.number)))


async def on_body(query: CallbackQuery, callback_data: CaseCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Reassigns the case to the chosen body."""
    try:
        view = await act_on_case(uow, user_id=query.from_user.id, case_id=callback_data.case,
                                 action="reassign", body_id=callback_data.value)
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await state.clear()
    await query.answer()
    await query.message.edit_text(done_text("reassign", case_number(view.number),
                                                  body_name(view.body.json())),
                                  reply_markup=None)


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Cancelled. The case is unchanged."), reply_markup=None)


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
    await state.set_state(CaseNote.answer)
    await state.set_data({"case_id": view.id})
    await query.answer()
    await query.message.answer(_("✍️ Send your answer about case {number}.").format(
        number=case_number(view.number)), reply_markup=cancel_markup(view.id))


async def receive_answer(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
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
    router = Router(name="case_note")
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_case_link, CommandStart(
        deep_link=True, magic=F.args.regexp(r"^c[qmrx]_\d{1,12}$")), StateFilter("*"))
    router.message.register(receive_note, CaseNote.note, TYPED)
    router.message.register(receive_note, CaseNote.note, F.photo)
    router.callback_query.register(on_body, CaseNote.body, CaseCB.filter(F.action == "reassign"))
    router.callback_query.register(on_cancel, StateFilter(CaseNote),
                                   CaseCB.filter(F.action == "cancel"))
    router.callback_query.register(on_answer, MyCaseCB.filter(F.action == "answer"),
                                   StateFilter("*"))
    router.message.register(receive_answer, CaseNote.answer, TYPED)
    router.message.register(receive_other, StateFilter(CaseNote), NOT_COMMAND)
    return router
