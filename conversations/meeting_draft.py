"""The /meeting draft: its states, how it is kept in the FSM data, and helpers its steps
share (keyboards, Cancel, stray messages, the preview's parameters).

The draft is plain JSON, so a flow survives a restart: community, timezone, topic, agenda
[{text, case, survey}], place (None: not decided yet), duration_minutes, times [UTC ISO
strings], day (the day being picked), scope {unit id: label} ("0": the whole community),
deadline (UTC ISO). A draft begun before place and duration existed gets none and 2 hours.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.meetings import DEFAULT_DURATION, AgendaDraft, MeetingDraft, MeetingError
from bot.services.errors import InvalidInput
from bot.ui.errors import describe
from bot.ui.meeting_callbacks import MeetDraftCB
from bot.ui.meeting_render import poll_text


class MeetingSteps(StatesGroup):
    community = State()
    topic = State()
    agenda = State()
    place = State()
    duration = State()
    day = State()
    time = State()
    times = State()
    scope = State()
    deadline = State()
    preview = State()


TEXT_STATES = {MeetingSteps.topic.state, MeetingSteps.agenda.state}


def keyboard(items: list[tuple[str, MeetDraftCB]], width: int = 1) -> InlineKeyboardMarkup:
    """The step's buttons, `width` a row, and ✖️ Cancel below."""
    builder = InlineKeyboardBuilder()
    for text, data in items:
        builder.button(text=text, callback_data=data)
    builder.button(text=_("✖️ Cancel"), callback_data=MeetDraftCB(action="cancel"))
    full, rest = divmod(len(items), width)
    builder.adjust(*([width] * full), *([rest] if rest else []), 1)
    return builder.as_markup()


def problem(exc: MeetingError | InvalidInput) -> str:
    """A broken rule in words, whether the domain or a service found it."""
    if isinstance(exc, MeetingError):
        exc = InvalidInput(exc.code, **exc.details)
    return describe(exc)


async def chosen(query: CallbackQuery, label: str) -> None:
    """Shows the choice under the question and removes its buttons."""
    await query.answer()
    text = getattr(query.message, "text", None)
    if text:
        await query.message.edit_text(f"{text}\n\n→ {label}", reply_markup=None)


def times_of(data: dict[str, Any]) -> list[datetime]:
    return [datetime.fromisoformat(t) for t in data.get("times", [])]


def to_draft(data: dict[str, Any]) -> MeetingDraft:
    """The draft create_meeting checks and saves."""
    return MeetingDraft(
        topic=data["topic"],
        agenda=tuple(AgendaDraft(a.get("text", ""), a.get("case"), a.get("survey"))
                     for a in data.get("agenda", [])),
        times=tuple(times_of(data)),
        scope_unit_ids=tuple(int(k) or None for k in data.get("scope", {})),
        deadline=datetime.fromisoformat(data["deadline"]), place=data.get("place"),
        duration_minutes=data.get("duration_minutes", DEFAULT_DURATION))


def preview_params(data: dict[str, Any]) -> dict[str, Any]:
    """The draft shaped like the group post's parameters, to show it as residents will."""
    kinds = [("case" if a.get("case") else "survey" if a.get("survey") else "text")
             for a in data.get("agenda", [])]
    return {"meeting_id": 0, "topic": data["topic"], "place": data.get("place"),
            "duration_minutes": data.get("duration_minutes", DEFAULT_DURATION),
            "timezone": data["timezone"], "status": "polling", "chosen": None,
            "starts_at": None, "deadline": data["deadline"],
            "agenda": [[a["text"], k] for a, k in zip(data.get("agenda", []), kinds,
                                                       strict=True)],
            "slots": [[n, t, 0, 0, 0] for n, t in enumerate(sorted(data["times"]))]}


async def show_preview(message: Message, state: FSMContext, locale: str) -> None:
    """The post as the groups will show it, then Publish / Cancel."""
    data = await state.get_data()
    await state.set_state(MeetingSteps.preview)
    await message.answer(poll_text(preview_params(data), locale))
    scope = ", ".join(label for label in data["scope"].values()) or _("the whole community")
    await message.answer(
        _("This is how the groups will show it ({scope}). Publish it?").format(scope=scope),
        reply_markup=keyboard([(_("✅ Publish"), MeetDraftCB(action="publish"))]))


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    """Leaves the draft without saving."""
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("Cancelled. Nothing was saved."))


async def receive_other(message: Message, state: FSMContext) -> None:
    """Answers a photo, sticker or stray text: says what this step expects."""
    step = await state.get_state()
    if step == MeetingSteps.place.state:
        await message.answer(_("Please type the place as a text message, or press “No place "
                               "yet”, or send /cancel."))
    elif step in TEXT_STATES:
        await message.answer(_("Please send this as a text message, or send /cancel."))
    else:
        await message.answer(_("Please press one of the buttons above, or send /cancel."))
