"""The draft shared by /survey and /poll: its states, how it is kept in the FSM data, and
small helpers the steps share (keyboards, text checks, Cancel, stray messages).

The draft lives in the FSM data as plain JSON (dates as ISO strings), so a flow survives a
restart: kind, community, timezone, scope ({unit id: label}, "0" for the whole community),
title, description, questions [{kind, text, options, required, max_choices}], q (the
question being written) and q_index (its place when editing one), audience, anonymous,
live, day, deadline, reminder, editing (an edit from the preview returns to the preview).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.surveys import (
    DEFAULT_REMINDER,
    Audience,
    QuestionDraft,
    QuestionKind,
    SurveyDraft,
)
from bot.services.errors import InvalidInput
from bot.services.surveys import OptionView, QuestionView, SurveyView
from bot.ui.survey_callbacks import DraftCB

#: Typed text that is not a command: a command typed mid-flow goes to its own handler.


class DraftSteps(StatesGroup):
    community = State()
    scope = State()
    title = State()
    description = State()
    q_kind = State()
    q_text = State()
    q_options = State()
    q_max = State()
    q_required = State()
    q_more = State()
    q_list = State()
    audience = State()
    anonymous = State()
    results = State()
    day = State()
    time = State()
    reminder = State()
    preview = State()


TEXT_STATES = {DraftSteps.title.state, DraftSteps.description.state,
               DraftSteps.q_text.state, DraftSteps.q_options.state}


def keyboard(items: list[tuple[str, CallbackData]], width: int = 1) -> InlineKeyboardMarkup:
    """The step's buttons, `width` a row, and ✖️ Cancel below."""
    builder = InlineKeyboardBuilder()
    for text, data in items:
        builder.button(text=text, callback_data=data)
    builder.button(text=_("✖️ Cancel"), callback_data=DraftCB(action="cancel"))
    full, rest = divmod(len(items), width)
    builder.adjust(*([width] * full), *([rest] if rest else []), 1)
    return builder.as_markup()


def capitalized(text: str) -> str:
    """A name used as a button label (“owners only” → “Owners only”)."""
    return text[:1].upper() + text[1:]


def checked(text: str, limit: int, what: str) -> str:
    """The stripped text, or InvalidInput `<what>_empty` / `<what>_too_long` with the limit."""
    text = text.strip()
    if not text:
        raise InvalidInput(f"{what}_empty")
    if len(text) > limit:
        raise InvalidInput(f"{what}_too_long", limit=limit, length=len(text))
    return text


async def chosen(query: CallbackQuery, label: str) -> None:
    """Shows the choice under the question and removes its buttons, so the chat reads as
    a record of what was answered."""
    await query.answer()
    text = getattr(query.message, "text", None)
    if text:  # a message too old to read cannot be edited; the flow goes on anyway
        await query.message.edit_text(f"{text}\n\n→ {label}", reply_markup=None)


async def editing(state: FSMContext) -> bool:
    """Whether the current part was opened from the preview (and returns to it)."""
    return bool((await state.get_data()).get("editing"))


def to_draft(data: dict[str, Any]) -> SurveyDraft:
    """The draft publish_survey checks and saves."""
    return SurveyDraft(
        title=data["title"], description=data.get("description"), kind=data["kind"],
        questions=tuple(QuestionDraft(QuestionKind(q["kind"]), q["text"],
                                      tuple(q.get("options", ())), q["required"],
                                      q.get("max_choices")) for q in data["questions"]),
        scope_unit_ids=tuple(int(k) or None for k in data["scope"]),
        audience=Audience(data["audience"]), anonymous=data.get("anonymous", False),
        live_results=data["live"], deadline=datetime.fromisoformat(data["deadline"]),
        reminder=DEFAULT_REMINDER if data.get("reminder", True) else None)


def to_view(data: dict[str, Any]) -> SurveyView:
    """The draft shaped like a published survey, to render it with the same functions."""
    questions = tuple(
        QuestionView(i, QuestionKind(q["kind"]), q["text"], q["required"],
                     q.get("max_choices"),
                     tuple(OptionView(100 * i + j, o) for j, o in enumerate(q.get("options", ()))))
        for i, q in enumerate(data["questions"], 1))
    return SurveyView(0, data["community"], 0, data["kind"], data["title"],
                      data.get("description"), Audience(data["audience"]),
                      data.get("anonymous", False), data["live"],
                      datetime.fromisoformat(data["deadline"]), data["timezone"], "open",
                      questions)


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    """Leaves the draft without saving."""
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("Cancelled. Nothing was saved."))


async def receive_other(message: Message, state: FSMContext) -> None:
    """Answers a photo, sticker or stray text: says what this step expects."""
    if await state.get_state() in TEXT_STATES:
        await message.answer(_("Please send this as a text message, or send /cancel."))
    else:
        await message.answer(_("Please press one of the buttons above, or send /cancel."))
