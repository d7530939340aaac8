"""Joining a household, from the Join button of a residents' group (a deep link):
floor → room → relation → summary → confirm. The request then goes to the floor contact
(else the building lead, else the committee), who approves or rejects it.

Every pressed floor or room is checked against what this group offers, so a forged button
cannot reach another building.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services import UnitOfWork
from bot.services.membership import Relation, join_start, request_join, rooms_of_floor
from bot.ui.callbacks import JoinCB
from bot.ui.filters import NOT_COMMAND
from bot.ui.roster_texts import label, relation_name


class JoinHousehold(StatesGroup):
    floor = State()
    room = State()
    relation = State()
    confirm = State()


def _keyboard(buttons: list[tuple[str, JoinCB]], width: int, back: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, data in buttons:
        builder.button(text=text, callback_data=data)
    if back:
        builder.button(text=_("⬅️ Back"), callback_data=JoinCB(action="back"))
    builder.button(text=_("✖️ Cancel"), callback_data=JoinCB(action="cancel"))
    rows = [width] * ((len(buttons) + width - 1) // width)
    builder.adjust(*rows, 2 if back else 1)
    return builder.as_markup()


async def cmd_join_link(message: Message, command: CommandObject, state: FSMContext,
                        uow: UnitOfWork) -> None:
    """Opens the flow for the group's unit: one floor goes straight to its rooms."""
    start = await join_start(uow, int(command.args.removeprefix("join_")))
    await state.clear()
    floors = {str(f.id): f.label for f in start.floors}
    await state.update_data(group_id=start.group_id, floors=floors)
    if len(start.floors) == 1:
        await show_rooms(message, state, uow, start.floors[0].id, back=False)
        return
    if not start.floors:
        await message.answer(_("{unit} has no floors in the roster yet. Please ask the "
                               "committee to import it.").format(unit=start.unit.label))
        return
    await state.set_state(JoinHousehold.floor)
    await message.answer(
        _("Welcome! Which floor of {unit} do you live on?").format(unit=start.unit.label),
        reply_markup=_keyboard([(f.name, JoinCB(action="floor", value=f.id))
                                for f in start.floors], 5, back=False))


async def show_rooms(message: Message, state: FSMContext, uow: UnitOfWork, floor_id: int,
                     *, back: bool = True) -> None:
    rooms = await rooms_of_floor(uow, floor_id)
    data = await state.update_data(floor_id=floor_id,
                                   rooms={str(r.household_id): r.room for r in rooms})
    await state.set_state(JoinHousehold.room)
    await message.answer(
        _("{floor}: which is your home?").format(floor=data["floors"][str(floor_id)]),
        reply_markup=_keyboard([(r.room, JoinCB(action="room", value=r.household_id))
                                for r in rooms], 4, back=back and len(data["floors"]) > 1))


async def on_floor(query: CallbackQuery, callback_data: JoinCB, state: FSMContext,
                   uow: UnitOfWork) -> None:
    """Shows the rooms of the chosen floor."""
    data = await state.get_data()
    if str(callback_data.value) not in data.get("floors", {}):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await show_rooms(query.message, state, uow, callback_data.value)


async def on_room(query: CallbackQuery, callback_data: JoinCB, state: FSMContext) -> None:
    """Asks how the resident relates to the home."""
    data = await state.get_data()
    room = data.get("rooms", {}).get(str(callback_data.value))
    if room is None:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(household_id=callback_data.value, room=room)
    await state.set_state(JoinHousehold.relation)
    await query.answer()
    await query.message.edit_text(
        _("{room}: are you its owner, a tenant or a family member?").format(room=room),
        reply_markup=_keyboard([(label(relation_name(r)), JoinCB(action="relation",
                                                                       relation=r))
                                for r in Relation], 3, back=True))


async def on_relation(query: CallbackQuery, callback_data: JoinCB, state: FSMContext) -> None:
    """Shows the summary to confirm."""
    if callback_data.relation not in set(Relation):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    data = await state.update_data(relation=callback_data.relation)
    await state.set_state(JoinHousehold.confirm)
    await query.answer()
    await query.message.edit_text(
        _("Please check:\nHome: {floor} {room}\nYou are: {relation}\n\nSend the request?")
        .format(floor=data["floors"][str(data["floor_id"])], room=data["room"],
                relation=relation_name(data["relation"])),
        reply_markup=_keyboard([(_("✅ Send request"), JoinCB(action="confirm"))], 1,
                               back=True))


async def on_confirm(query: CallbackQuery, state: FSMContext, uow: UnitOfWork) -> None:
    """Sends the request to the reviewers in one service call and ends the flow."""
    data = await state.get_data()
    user = query.from_user
    request = await request_join(
        uow, user_id=user.id, first_name=user.first_name, username=user.username,
        language_code=user.language_code, household_id=data["household_id"],
        relation=data["relation"])
    await state.clear()
    await query.answer()
    if request.already and request.status == "verified":
        text = _("You are already a verified resident of {home}.")
    elif request.already:
        text = _("Your request for {home} is already waiting for approval.")
    else:
        text = _("Your request for {home} was sent. You will get a message here when it "
                 "is approved.")
    await query.message.edit_text(text.format(home=request.household_label), reply_markup=None)


async def on_back(query: CallbackQuery, state: FSMContext, uow: UnitOfWork) -> None:
    """Goes one step back: from the relation to the rooms, from the rooms to the floors."""
    current = await state.get_state()
    data = await state.get_data()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    if current in (JoinHousehold.relation.state, JoinHousehold.confirm.state):
        await show_rooms(query.message, state, uow, data["floor_id"])
        return
    floors = [(label, JoinCB(action="floor", value=int(fid)))
              for fid, label in data.get("floors", {}).items()]
    await state.set_state(JoinHousehold.floor)
    await query.message.answer(_("Which floor do you live on?"),
                               reply_markup=_keyboard(floors, 5, back=False))


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    """Leaves the flow; nothing is sent."""
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Cancelled. Nothing was sent."), reply_markup=None)


async def receive_other(message: Message) -> None:
    """Answers typing where a button is expected."""
    await message.answer(_("Please use the buttons above, or send /cancel."))


def make_router() -> Router:
    router = Router(name="join_household")
    router.message.filter(F.chat.type == "private")
    flow = StateFilter(JoinHousehold)
    router.message.register(cmd_join_link,
                            CommandStart(deep_link=True, magic=F.args.regexp(r"^join_\d+$")),
                            StateFilter("*"))
    router.callback_query.register(on_floor, JoinHousehold.floor,
                                   JoinCB.filter(F.action == "floor"))
    router.callback_query.register(on_room, JoinHousehold.room, JoinCB.filter(F.action == "room"))
    router.callback_query.register(on_relation, JoinHousehold.relation,
                                   JoinCB.filter(F.action == "relation"))
    router.callback_query.register(on_confirm, JoinHousehold.confirm,
                                   JoinCB.filter(F.action == "confirm"))
    router.callback_query.register(on_back, flow, JoinCB.filter(F.action == "back"))
    router.callback_query.register(on_cancel, flow, JoinCB.filter(F.action == "cancel"))
    router.message.register(receive_other, flow, NOT_COMMAND)
    return router
