"""/report, after the photos: where the problem is — the reporter's home, a place in the
building or in the compound, or a location shared from the phone — then whether it is
urgent, and the summary. The place opened again from the summary's ✏️ button
(conversations/report_edit) returns to the summary; its ⚡ button sets the urgency here.

The location step's buttons are at the bottom of the screen (Telegram asks for a location
only from there): send it, go back to the places, or cancel.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.domain.cases import Place
from bot.ui import report_screens as screens
from bot.ui.case_callbacks import ReportCB
from bot.ui.filters import NOT_COMMAND
from conversations.report_draft import Report, editing, show_summary


async def on_photos_done(query: CallbackQuery, state: FSMContext) -> None:
    """Asks where the problem is (or, when editing, shows the summary)."""
    data = await state.get_data()
    await query.answer()
    if editing(data):
        await show_summary(query.message, state, edit=True)
        return
    await state.set_state(Report.place)
    text, markup = screens.places(data["homes"])
    await query.message.edit_text(text, reply_markup=markup)


async def on_home(query: CallbackQuery, callback_data: ReportCB, state: FSMContext) -> None:
    data = await state.get_data()
    if callback_data.value not in data.get("homes", {}):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(place=str(Place.HOME), household_id=callback_data.value,
                            latitude=None, longitude=None)
    await ask_urgency(query, state)


async def on_where(query: CallbackQuery, callback_data: ReportCB, state: FSMContext) -> None:
    """Opens the places of the building or of the compound, or asks for a location."""
    await query.answer()
    if callback_data.value == "back":
        text, markup = screens.places((await state.get_data())["homes"])
    elif callback_data.value == "location":
        await state.set_state(Report.location)
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(screens.location_prompt(),
                                   reply_markup=screens.location_keyboard())
        return
    else:
        text, markup = screens.place_choices(callback_data.value)
    await query.message.edit_text(text, reply_markup=markup)


async def on_place(query: CallbackQuery, callback_data: ReportCB, state: FSMContext) -> None:
    try:
        place = Place(callback_data.value)
    except ValueError:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(place=str(place), latitude=None, longitude=None)
    await ask_urgency(query, state)


async def receive_location(message: Message, state: FSMContext) -> None:
    """Stores the shared location and asks whether it is urgent (or, when editing, shows
    the summary)."""
    data = await state.update_data(place=str(Place.LOCATION),
                                   latitude=message.location.latitude,
                                   longitude=message.location.longitude)
    await message.answer(_("📍 Location received."), reply_markup=ReplyKeyboardRemove())
    if editing(data):
        await show_summary(message, state)
        return
    await state.set_state(Report.urgent)
    text, markup = screens.urgency()
    await message.answer(text, reply_markup=markup)


async def receive_location_other(message: Message, state: FSMContext) -> None:
    """“Back” and “Cancel” from the bottom of the screen; anything else gets a hint that
    names the button there."""
    choice = screens.location_choice(message.text)
    if choice == "cancel":
        await state.clear()
        await message.answer(_("Cancelled. Nothing was reported."),
                             reply_markup=ReplyKeyboardRemove())
    elif choice == "back":
        await state.set_state(Report.place)
        await message.answer(_("No location, then."), reply_markup=ReplyKeyboardRemove())
        text, markup = screens.places((await state.get_data())["homes"])
        await message.answer(text, reply_markup=markup)
    else:
        await message.answer(screens.location_hint())


async def ask_urgency(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    if editing(await state.get_data()):
        await show_summary(query.message, state, edit=True)
        return
    await state.set_state(Report.urgent)
    text, markup = screens.urgency()
    await query.message.edit_text(text, reply_markup=markup)


async def on_urgent(query: CallbackQuery, callback_data: ReportCB, state: FSMContext) -> None:
    """Stores the urgency and shows the summary; the summary's ⚡ button comes here too."""
    if callback_data.value not in {"0", "1"}:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(urgent=callback_data.value == "1")
    await query.answer()
    await show_summary(query.message, state, edit=True)


def register(router: Router) -> None:
    """Adds these steps to the report flow's router (whose messages are private ones)."""
    cb = ReportCB.filter
    router.callback_query.register(on_photos_done, Report.photos, cb(F.action == "photos_done"))
    router.callback_query.register(on_home, Report.place, cb(F.action == "home"))
    router.callback_query.register(on_where, Report.place, cb(F.action == "where"))
    router.callback_query.register(on_place, Report.place, cb(F.action == "place"))
    router.message.register(receive_location, Report.location, F.location)
    router.message.register(receive_location_other, Report.location, NOT_COMMAND)
    router.callback_query.register(on_urgent, StateFilter(Report.urgent, Report.summary),
                                   cb(F.action == "urgent"))
