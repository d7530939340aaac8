"""/report (private chat): a resident reports a problem in under a minute.

category → description (similar open cases in the building are offered with “Me too”) →
up to 3 photos (optional) → where (their home, elsewhere in the building, a public area, or
a shared location) → urgent or not → summary (show it to neighbours anonymously or not) →
submit. The case goes to the body responsible; the resident gets its number and status.
In a group, /report hands off to the private chat by a deep link.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.domain.cases import MAX_PHOTOS, Place
from bot.services import ServiceError, UnitOfWork
from bot.services.report_filing import ReportDesk
from bot.services.reports import ReportDraft, check_description, find_similar, start_report
from bot.ui import report_screens as screens
from bot.ui.case_callbacks import REPORT_LINK, ReportCB
from bot.ui.case_status import status_card
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED


class Report(StatesGroup):
    category = State()
    description = State()
    similar = State()
    photos = State()
    place = State()
    location = State()
    urgent = State()
    summary = State()


def draft_of(data: dict) -> ReportDraft:
    return ReportDraft(category_id=int(data["category_id"]), description=data["description"],
                       household_id=int(data["household_id"]), place=data["place"],
                       photos=tuple(data["photos"]), latitude=data.get("latitude"),
                       longitude=data.get("longitude"), urgent=data["urgent"],
                       shared=data["shared"])


async def cmd_report(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Checks the user is a verified resident and asks for the category."""
    await state.clear()
    try:
        start = await start_report(uow, message.from_user.id)
    except ServiceError as error:
        await message.answer(describe(error))
        return
    homes = {str(h.household_id): h.label for h in start.homes}
    options = {str(c.id): c.label.json() for c in start.categories}
    await state.set_state(Report.category)
    await state.set_data({"homes": homes, "categories": options, "photos": [],
                          "household_id": next(iter(homes)), "place": "home",
                          "urgent": False, "shared": False})
    await message.answer(_("📝 Report a problem. What is it about?"),
                         reply_markup=screens.categories(options))


async def on_category(query: CallbackQuery, callback_data: ReportCB, state: FSMContext) -> None:
    """Stores the category and asks for a description."""
    data = await state.get_data()
    if callback_data.value not in data.get("categories", {}):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(category_id=callback_data.value)
    await state.set_state(Report.description)
    await query.answer()
    await query.message.edit_text(_("✏️ Describe the problem in a few words: what is wrong "
                                     "and where exactly."), reply_markup=None)


async def receive_description(message: Message, state: FSMContext, uow: UnitOfWork,
                              locale: str) -> None:
    """Stores the description; offers similar open cases before asking for photos."""
    try:
        text = check_description(message.text)
    except ServiceError as error:
        await message.answer(describe(error))
        return
    data = await state.update_data(description=text)
    try:
        similar = await find_similar(uow, message.from_user.id, draft_of(data))
    except ServiceError as error:
        await state.clear()
        await message.answer(describe(error))
        return
    if similar:
        await state.set_state(Report.similar)
        text, markup = screens.similar(similar, locale)
        await message.answer(text, reply_markup=markup)
        return
    await ask_photos(message, state)


async def ask_photos(message: Message, state: FSMContext) -> None:
    await state.set_state(Report.photos)
    text, markup = screens.photos_prompt(0)
    await message.answer(text, reply_markup=markup)


async def on_not_similar(query: CallbackQuery, state: FSMContext) -> None:
    """The resident's problem is a different one: on to the photos."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await ask_photos(query.message, state)


async def receive_photo(message: Message, state: FSMContext) -> None:
    """Adds a photo (the largest size), up to three."""
    data = await state.get_data()
    photos = list(data.get("photos", []))
    if len(photos) >= MAX_PHOTOS:
        await message.answer(_("You have added {limit} photos, the most I can take. Press "
                               "“Next”.").format(limit=MAX_PHOTOS))
        return
    photos.append(message.photo[-1].file_id)
    await state.update_data(photos=photos)
    text, markup = screens.photos_prompt(len(photos))
    await message.answer(text, reply_markup=markup)


async def on_photos_done(query: CallbackQuery, state: FSMContext) -> None:
    """Asks where the problem is."""
    data = await state.get_data()
    await state.set_state(Report.place)
    await query.answer()
    text, markup = screens.places(data["homes"])
    await query.message.edit_text(text, reply_markup=markup)


async def on_home(query: CallbackQuery, callback_data: ReportCB, state: FSMContext) -> None:
    data = await state.get_data()
    if callback_data.value not in data.get("homes", {}):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(place=str(Place.HOME), household_id=callback_data.value)
    await ask_urgency(query, state)


async def on_where(query: CallbackQuery, callback_data: ReportCB, state: FSMContext) -> None:
    """Opens the places of the building or of the compound, or asks for a location."""
    await query.answer()
    if callback_data.value == "back":
        text, markup = screens.places((await state.get_data())["homes"])
    elif callback_data.value == "location":
        await state.set_state(Report.location)
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(_("Press the button below to send your current location, "
                                     "or send one with 📎 → Location."),
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
    await state.update_data(place=str(place))
    await ask_urgency(query, state)


async def receive_location(message: Message, state: FSMContext) -> None:
    await state.update_data(place=str(Place.LOCATION), latitude=message.location.latitude,
                            longitude=message.location.longitude)
    await message.answer(_("📍 Location received."), reply_markup=ReplyKeyboardRemove())
    await state.set_state(Report.urgent)
    text, markup = screens.urgency()
    await message.answer(text, reply_markup=markup)


async def ask_urgency(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(Report.urgent)
    await query.answer()
    text, markup = screens.urgency()
    await query.message.edit_text(text, reply_markup=markup)


async def on_urgent(query: CallbackQuery, callback_data: ReportCB, state: FSMContext) -> None:
    """Stores the urgency and shows the summary."""
    data = await state.update_data(urgent=callback_data.value == "1")
    await state.set_state(Report.summary)
    await query.answer()
    text, markup = screens.summary(data)
    await query.message.edit_text(text, reply_markup=markup)


async def on_share(query: CallbackQuery, state: FSMContext) -> None:
    """Switches whether neighbours see an anonymous card of the case."""
    data = await state.get_data()
    data = await state.update_data(shared=not data["shared"])
    await query.answer()
    text, markup = screens.summary(data)
    await query.message.edit_text(text, reply_markup=markup)


async def on_submit(query: CallbackQuery, state: FSMContext, uow: UnitOfWork,
                    report_desk: ReportDesk, locale: str) -> None:
    """Submits the case; the resident gets its number and status card."""
    data = await state.get_data()
    try:
        view = await report_desk.submit(uow, query.from_user.id, draft_of(data))
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    text, markup = status_card(view, locale, submitted=True)
    await query.message.answer(text, reply_markup=markup)


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Cancelled. Nothing was reported."), reply_markup=None)


async def receive_not_text(message: Message) -> None:
    """A photo or another kind of message where the description is expected."""
    await message.answer(_("Please describe the problem in words first (you can add photos "
                           "in the next step). Voice messages are not supported yet."))


async def receive_unsupported(message: Message) -> None:
    await message.answer(_("I can only take photos here (up to {limit}). Videos, voice "
                           "messages, stickers and files cannot be added. Send a photo, or "
                           "press “Next”.").format(limit=MAX_PHOTOS))


async def receive_other(message: Message) -> None:
    await message.answer(_("Please use the buttons above, or send /cancel."))


def make_router() -> Router:
    router = Router(name="report_issue")
    private = F.chat.type == "private"
    router.message.register(cmd_report, private, Command("report"), StateFilter("*"))
    router.message.register(cmd_report, private, CommandStart(deep_link=True,
                                                              magic=F.args == REPORT_LINK),
                            StateFilter("*"))
    router.message.filter(private)
    cb = ReportCB.filter
    router.callback_query.register(on_category, Report.category, cb(F.action == "category"))
    router.message.register(receive_description, Report.description, TYPED)
    router.message.register(receive_not_text, Report.description, NOT_COMMAND)
    router.callback_query.register(on_not_similar, Report.similar, cb(F.action == "new"))
    router.message.register(receive_photo, Report.photos, F.photo)
    router.message.register(receive_unsupported, Report.photos, NOT_COMMAND)
    router.callback_query.register(on_photos_done, Report.photos, cb(F.action == "photos_done"))
    router.callback_query.register(on_home, Report.place, cb(F.action == "home"))
    router.callback_query.register(on_where, StateFilter(Report.place, Report.location),
                                   cb(F.action == "where"))
    router.callback_query.register(on_place, Report.place, cb(F.action == "place"))
    router.message.register(receive_location, Report.location, F.location)
    router.callback_query.register(on_urgent, Report.urgent, cb(F.action == "urgent"))
    router.callback_query.register(on_share, Report.summary, cb(F.action == "share"))
    router.callback_query.register(on_submit, Report.summary, cb(F.action == "submit"))
    router.callback_query.register(on_cancel, StateFilter(Report), cb(F.action == "cancel"))
    router.message.register(receive_other, StateFilter(Report), NOT_COMMAND)
    return router

