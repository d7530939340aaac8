"""The steps of /report (conversations/report_issue, report_place, report_edit) and the draft
they fill in the flow's data, read back as the services' `ReportDraft`; and the two screens
several steps lead to: the photos and the summary.

`editing` in the data: the step was opened from the summary's ✏️ buttons and returns to the
summary, not through the rest of the flow.
"""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from bot.services.reports import ReportDraft
from bot.ui import report_screens as screens


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


def editing(data: dict) -> bool:
    """Whether the current step was opened from the summary (and returns to it)."""
    return bool(data.get("editing"))


async def ask_photos(message: Message, state: FSMContext) -> None:
    """The photo step, counting a photo kept from the description step."""
    await state.set_state(Report.photos)
    text, markup = screens.photos_prompt(len((await state.get_data())["photos"]))
    await message.answer(text, reply_markup=markup)


async def show_summary(message: Message, state: FSMContext, *, edit: bool = False) -> None:
    """The summary, in place of `message` when `edit`, else as a new message."""
    data = await state.update_data(editing=False)
    await state.set_state(Report.summary)
    text, markup = screens.summary(data)
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)
