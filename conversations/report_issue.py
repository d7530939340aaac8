"""/report (private chat): a resident reports a problem in under a minute.

category → description (similar open cases in the building are offered with “Me too”) →
up to 3 photos (optional) → where (their home, elsewhere in the building, a public area, or
a shared location) → urgent or not → summary (show it to neighbours anonymously or not) →
submit. The case goes to the body responsible; the resident gets its number and status.
In a group, /report hands off to the private chat by a deep link.

A photo sent at the description step is kept as the first photo, and its caption, if any,
is the description. The steps from the place on are in `report_place`; the summary's ✏️
buttons, which open one step again, are in `report_edit`.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.cases import MAX_PHOTOS
from bot.services import ServiceError, UnitOfWork
from bot.services.report_filing import ReportDesk
from bot.services.reports import check_description, find_similar, start_report
from bot.ui import report_screens as screens
from bot.ui.case_callbacks import REPORT_LINK, ReportCB
from bot.ui.case_status import status_card
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED
from conversations import report_edit, report_place
from conversations.report_draft import Report, ask_photos, draft_of, editing, show_summary


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
    """Stores the category and asks for a description (or, when editing, shows the
    summary)."""
    data = await state.get_data()
    if callback_data.value not in data.get("categories", {}):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(category_id=callback_data.value)
    await query.answer()
    if editing(data):
        await show_summary(query.message, state, edit=True)
        return
    await state.set_state(Report.description)
    await query.message.edit_text(screens.describe_prompt(), reply_markup=None)


async def receive_description(message: Message, state: FSMContext, uow: UnitOfWork,
                              locale: str) -> None:
    """Stores the description; offers similar open cases before asking for photos (not when
    editing: the summary comes back)."""
    await take_description(message, state, uow, locale, message.text)


async def receive_description_photo(message: Message, state: FSMContext, uow: UnitOfWork,
                                    locale: str) -> None:
    """Keeps a photo sent instead of the description as the first photo (up to three);
    its caption is the description, else the description is asked for in words."""
    photos = list((await state.get_data()).get("photos", []))
    kept = len(photos) < MAX_PHOTOS
    if kept:
        photos.append(message.photo[-1].file_id)
        await state.update_data(photos=photos)
    if message.caption:
        await take_description(message, state, uow, locale, message.caption, photo_kept=kept)
    elif kept:
        await message.answer(_("📷 Photo {count} kept. Now please describe the problem in "
                               "words: what is wrong and where exactly.").format(
            count=len(photos)))
    else:
        await message.answer(_("You have added {limit} photos, the most I can take. Now "
                               "please describe the problem in words.").format(
            limit=MAX_PHOTOS))


async def take_description(message: Message, state: FSMContext, uow: UnitOfWork,
                           locale: str, text: str | None, *, photo_kept: bool = False) -> None:
    try:
        text = check_description(text)
    except ServiceError as error:
        kept = "\n" + _("Your photo is kept: please send the description again, as text.")
        await message.answer(describe(error) + (kept if photo_kept else ""))
        return
    data = await state.update_data(description=text)
    if editing(data):
        await show_summary(message, state)
        return
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


async def on_not_similar(query: CallbackQuery, state: FSMContext) -> None:
    """The resident's problem is a different one: on to the photos."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await ask_photos(query.message, state)


async def receive_photo(message: Message, state: FSMContext) -> None:
    """Adds a photo (the largest size), up to three; says when one was not added, and that
    a caption is not kept."""
    photos = list((await state.get_data()).get("photos", []))
    kept = len(photos) < MAX_PHOTOS
    if kept:
        photos.append(message.photo[-1].file_id)
        await state.update_data(photos=photos)
    text, markup = screens.photos_prompt(len(photos), dropped=not kept,
                                         captioned=bool(message.caption))
    await message.answer(text, reply_markup=markup)


async def receive_not_photo(message: Message, state: FSMContext) -> None:
    """Text, a video, a sticker…: only photos are taken here."""
    text, markup = screens.photos_refusal(len((await state.get_data()).get("photos", [])))
    await message.answer(text, reply_markup=markup)


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
    """A sticker, a voice message, a file… where the description is expected."""
    await message.answer(_("Please describe the problem in words: send a text message, or a "
                           "photo with the description as its caption."))


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
    router.message.register(receive_description_photo, Report.description, F.photo)
    router.message.register(receive_not_text, Report.description, NOT_COMMAND)
    router.callback_query.register(on_not_similar, Report.similar, cb(F.action == "new"))
    router.message.register(receive_photo, Report.photos, F.photo)
    router.message.register(receive_not_photo, Report.photos, NOT_COMMAND)
    report_place.register(router)
    report_edit.register(router)
    router.callback_query.register(on_submit, Report.summary, cb(F.action == "submit"))
    router.callback_query.register(on_cancel, StateFilter(Report), cb(F.action == "cancel"))
    router.message.register(receive_other, StateFilter(Report), NOT_COMMAND)
    return router
