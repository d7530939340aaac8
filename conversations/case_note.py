"""The steps of a case that need words or a choice, in the private chat.

A body member presses Ask, Resolve, Reassign or Reject on a case card in their group; the
button opens this chat (t.me/<bot>?start=c<letter>_<case>), where a bot may ask for text even
in a group with privacy mode. Ask needs the question, Resolve a note (with up to three
photos of the result first: a photo's caption is the note), Reject a reason and then a
confirmation, Reassign a body. (The reporter's answer to a question: `case_answer`.)
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.cases import MAX_PHOTOS
from bot.services import ServiceError, UnitOfWork
from bot.services.case_access import check_actor, reassign_options
from bot.services.case_actions import act_on_case, check_note
from bot.ui import case_note_screens as screens
from bot.ui.case_callbacks import LINK_ACTIONS, CaseCB
from bot.ui.case_texts import body_name, case_number
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED

#: Refusals that no text the user could send would change: the step ends.
FINAL_ERRORS = ("case_closed", "not_case_body", "reject_level", "case")


class CaseNote(StatesGroup):
    note = State()
    confirm = State()  # a rejection's reason is written; Reject or Back
    body = State()


async def cmd_case_link(message: Message, command: CommandObject, state: FSMContext,
                        uow: UnitOfWork) -> None:
    """Checks the presser may take this action on the case, then asks for the note or the
    body."""
    letter, case_id = command.args[1], int(command.args.split("_", 1)[1])
    action = LINK_ACTIONS[letter]
    await state.clear()
    try:
        view = await check_actor(uow, message.from_user.id, case_id, action)
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
        rows += screens.cancel_markup(case_id).inline_keyboard
        await message.answer(_("↪️ Case {number} is with {body}. Who should handle it "
                               "instead?").format(number=number,
                                                  body=body_name(view.body.json())),
                             reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))
        return
    text = screens.prompt(action, number, view.description)
    await state.set_state(CaseNote.note)
    await state.set_data({"case_id": case_id, "action": action, "number": number,
                          "prompt": text})
    await message.answer(text, reply_markup=screens.cancel_markup(case_id))


async def receive_note(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Applies the action with the note (and the photos of a resolution); a rejection's
    reason is confirmed first."""
    data = await state.get_data()
    action, photos = data["action"], list(data.get("photos", []))
    note = message.text or message.caption
    if message.photo:
        if action != "resolve":
            await message.answer(_("Please send the text only."))
            return
        if len(photos) >= MAX_PHOTOS:
            await message.answer(screens.photos_full())
            return
        photos.append(message.photo[-1].file_id)
        await state.update_data(photos=photos)
        if not note:
            await message.answer(screens.photo_added(len(photos)))
            return
    if action == "reject":
        await ask_to_confirm(message, state, data, note)
        return
    try:
        view = await act_on_case(uow, user_id=message.from_user.id, case_id=data["case_id"],
                                 action=action, note=note, photos=tuple(photos))
    except ServiceError as error:
        await message.answer(describe(error))
        if error.code in FINAL_ERRORS:
            await state.clear()
        return
    await state.clear()
    await message.answer(screens.done_text(action, case_number(view.number)))


async def ask_to_confirm(message: Message, state: FSMContext, data: dict,
                         reason: str | None) -> None:
    """Shows the rejection's reason with Reject and Back: nothing is rejected yet."""
    try:
        reason = check_note("reject", reason)
    except ServiceError as error:
        await message.answer(describe(error))
        return
    await state.update_data(note=reason)
    await state.set_state(CaseNote.confirm)
    text, markup = screens.confirm_reject(data["number"], reason or "", data["case_id"])
    await message.answer(text, reply_markup=markup)


async def on_reject(query: CallbackQuery, callback_data: CaseCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Rejects the case with the confirmed reason."""
    data = await state.get_data()
    if callback_data.case != data.get("case_id"):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    try:
        view = await act_on_case(uow, user_id=query.from_user.id, case_id=data["case_id"],
                                 action="reject", note=data.get("note"))
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        if error.code in FINAL_ERRORS:
            await state.clear()
            await query.message.edit_reply_markup(reply_markup=None)
        return
    await state.clear()
    await query.answer()
    await query.message.edit_text(screens.done_text("reject", case_number(view.number)),
                                  reply_markup=None)


async def on_back(query: CallbackQuery, callback_data: CaseCB, state: FSMContext) -> None:
    """Back to writing the reason."""
    data = await state.get_data()
    if callback_data.case != data.get("case_id"):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.set_state(CaseNote.note)
    await query.answer()
    await query.message.edit_text(data["prompt"],
                                  reply_markup=screens.cancel_markup(data["case_id"]))


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
    await query.message.edit_text(screens.done_text("reassign", case_number(view.number),
                                                    body_name(view.body.json())),
                                  reply_markup=None)


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Cancelled. The case is unchanged."), reply_markup=None)


async def receive_other(message: Message) -> None:
    await message.answer(_("Please send text, or press “Cancel”."))


def make_router() -> Router:
    router = Router(name="case_note")
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_case_link, CommandStart(
        deep_link=True, magic=F.args.regexp(r"^c[qmrx]_\d{1,12}$")), StateFilter("*"))
    # A new text while a rejection waits for Reject or Back is a new reason.
    router.message.register(receive_note, StateFilter(CaseNote.note, CaseNote.confirm), TYPED)
    router.message.register(receive_note, CaseNote.note, F.photo)
    router.callback_query.register(on_reject, CaseNote.confirm,
                                   CaseCB.filter(F.action == "reject"))
    router.callback_query.register(on_back, CaseNote.confirm, CaseCB.filter(F.action == "back"))
    router.callback_query.register(on_body, CaseNote.body, CaseCB.filter(F.action == "reassign"))
    router.callback_query.register(on_cancel, StateFilter(CaseNote),
                                   CaseCB.filter(F.action == "cancel"))
    router.message.register(receive_other, StateFilter(CaseNote), NOT_COMMAND)
    return router
