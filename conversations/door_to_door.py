"""/pending: door to door, for floor contacts and building leads. It lists the open surveys
that cover their floors; a survey lists the homes nobody has answered for yet; a home runs
the question steps of answering (conversations.answer_steps) for that household, and its
submit records the answers as collected door to door, by whom and when. The household's
residents are told and may change them; a resident's own answer wins, so a home whose
resident answered meanwhile is refused at submit.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.answering import NotEligible, pending_households
from bot.services.door import door_surveys
from bot.services.surveys import get_survey
from bot.ui import fmt
from bot.ui.answer_callbacks import DoorCB
from bot.ui.answer_screens import short
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND
from conversations.answer_steps import begin

HOMES_SHOWN = 90  # Telegram allows about 100 buttons in one message


class DoorToDoor(StatesGroup):
    household = State()


def _button(text: str, data: DoorCB) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=text, callback_data=data.pack())]


async def cmd_pending(message: Message, state: FSMContext, uow: UnitOfWork,
                      locale: str) -> None:
    """Lists the open surveys covering the contact's floors, with the homes still missing."""
    surveys = await door_surveys(uow, message.from_user.id)
    await state.clear()
    if not surveys:
        await message.answer(_("No open survey covers your floors right now."))
        return
    lines = [_("Open surveys on your floors. Choose one to see the homes that have not "
               "answered yet:")]
    lines += [_("• {title} — homes to visit: {count} (open until {deadline})").format(
        title=s.title, count=s.missing,
        deadline=fmt.when(s.deadline, s.timezone, locale)) for s in surveys]
    rows = [_button(f"{short(s.title, 40)} ({s.missing})", DoorCB(action="survey", survey=s.id))
            for s in surveys]
    await message.answer("\n".join(lines), reply_markup=InlineKeyboardMarkup(
        inline_keyboard=rows))


async def on_survey(query: CallbackQuery, callback_data: DoorCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Lists the homes of the contact's floors that nobody has answered for yet."""
    view = await get_survey(uow, callback_data.survey)
    if view.status != "open":
        await query.answer()
        await query.message.edit_text(describe(NotEligible("closed")), reply_markup=None)
        return
    homes = await pending_households(uow, contact_id=query.from_user.id, survey_id=view.id)
    await query.answer()
    if not homes:
        await state.clear()
        await query.message.edit_text(_("Every home on your floors has answered “{title}”. "
                                         "Thank you!").format(title=view.title),
                                      reply_markup=None)
        return
    shown = homes[:HOMES_SHOWN]
    await state.set_state(DoorToDoor.household)
    await state.set_data({"survey_id": view.id,
                          "homes": {str(h.household_id): h.label for h in shown}})
    text = _("“{title}” — homes not answered yet: {count}. Which home are you visiting?"
             ).format(title=view.title, count=len(homes))
    if len(homes) > len(shown):
        text += "\n" + _("The first {shown} are listed; record them, then send /pending "
                         "again.").format(shown=len(shown))
    rows = [_button(h.label, DoorCB(action="home", survey=view.id, household=h.household_id))
            for h in shown]
    rows.append(_button(_("✖️ Cancel"), DoorCB(action="cancel")))
    await query.message.edit_text(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def on_household(query: CallbackQuery, callback_data: DoorCB, state: FSMContext,
                       uow: UnitOfWork, locale: str) -> None:
    """Opens the question steps for the chosen home, to record its answers."""
    data = await state.get_data()
    label = data.get("homes", {}).get(str(callback_data.household))
    if label is None or data.get("survey_id") != callback_data.survey:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    view = await get_survey(uow, callback_data.survey)
    await query.answer()
    await begin(query.message, state, locale, survey=view, previous={},
                household_id=callback_data.household, household=label, edit=True)


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    """Leaves the list of homes; nothing was recorded."""
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Cancelled. Nothing was saved."), reply_markup=None)


async def receive_other(message: Message) -> None:
    """Answers typing where a home button is expected."""
    await message.answer(_("Please use the buttons above, or send /cancel."))


def make_router() -> Router:
    router = Router(name="door_to_door")
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_pending, Command("pending"), StateFilter("*"))
    # "Next home" after a recording comes when no flow is active: any state.
    router.callback_query.register(on_survey, DoorCB.filter(F.action == "survey"),
                                   StateFilter("*"))
    router.callback_query.register(on_household, DoorToDoor.household,
                                   DoorCB.filter(F.action == "home"))
    router.callback_query.register(on_cancel, DoorToDoor.household,
                                   DoorCB.filter(F.action == "cancel"))
    router.message.register(receive_other, DoorToDoor.household, NOT_COMMAND)
    return router
