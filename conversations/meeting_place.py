"""Where and how long: the place of a /meeting draft, typed (e.g. “3号楼一楼活动室”) or left
open with “No place yet”, then how long the meeting lasts — one tap, 1 to 3 hours — which
ends its calendar entry. Then on to the candidate times (meeting_times).

A place that is too long is refused with the limit and the step stays. A map pin is refused
too: it cannot say which building or room. A photo or sticker gets meeting_draft's answer.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.clock import Clock
from bot.domain.meetings import DEFAULT_DURATION, DURATIONS, PLACE_MAX, MeetingError, check_text
from bot.ui.filters import TYPED
from bot.ui.meeting_callbacks import MeetDraftCB
from bot.ui.meeting_render import duration_label
from conversations import meeting_times
from conversations.meeting_draft import MeetingSteps, chosen, keyboard, problem


async def ask_place(message: Message, state: FSMContext) -> None:
    """Asks where the meeting is held; “No place yet” leaves it open."""
    await state.set_state(MeetingSteps.place)
    await message.answer(
        _("Where will the meeting be held? Type the place (up to {limit} characters), e.g. "
          "“Activity room, ground floor of building 3”, or press “No place yet”.").format(
            limit=PLACE_MAX),
        reply_markup=keyboard([(_("No place yet"), MeetDraftCB(action="noplace"))]))


async def receive_place(message: Message, state: FSMContext, locale: str) -> None:
    """Stores the typed place and asks how long the meeting lasts."""
    try:
        place = check_text(message.text, PLACE_MAX, "meeting_place")
    except MeetingError as exc:
        await message.answer(problem(exc))
        return
    await state.update_data(place=place)
    await ask_duration(message, state, locale)


async def refuse_location(message: Message) -> None:
    """Answers a shared location: neighbours need the building and the room in words."""
    await message.answer(_("A map pin cannot tell neighbours which building or room. Please "
                           "type the place, or press “No place yet”."))


async def on_no_place(query: CallbackQuery, state: FSMContext, locale: str) -> None:
    """Leaves the place open and asks how long the meeting lasts."""
    await state.update_data(place=None)
    await chosen(query, _("No place yet"))
    await ask_duration(query.message, state, locale)


def duration_button(minutes: int, locale: str) -> str:
    """A length's button; the usual one says so, for whoever is unsure."""
    label = duration_label(minutes, locale)
    if minutes == DEFAULT_DURATION:
        return _("{duration} (usual)").format(duration=label)
    return label


async def ask_duration(message: Message, state: FSMContext, locale: str) -> None:
    """Offers the lengths a meeting may have, two to a row."""
    await state.set_state(MeetingSteps.duration)
    await message.answer(
        _("How long will the meeting last? Residents will see it in the post and in their "
          "calendar."),
        reply_markup=keyboard([(duration_button(m, locale),
                                MeetDraftCB(action="duration", value=str(m)))
                               for m in DURATIONS], 2))


async def on_duration(query: CallbackQuery, callback_data: MeetDraftCB, state: FSMContext,
                      clock: Clock, locale: str) -> None:
    """Stores the length (re-checked: one of the offered ones) and asks for the times."""
    if callback_data.value not in {str(m) for m in DURATIONS}:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    minutes = int(callback_data.value)
    await state.update_data(duration_minutes=minutes)
    await chosen(query, duration_label(minutes, locale))
    await meeting_times.ask_day(query.message, state, clock, locale)


def register(router: Router) -> None:
    step = MeetDraftCB.filter
    router.message.register(receive_place, MeetingSteps.place, TYPED)
    router.message.register(refuse_location, MeetingSteps.place, F.location)
    router.callback_query.register(on_no_place, MeetingSteps.place,
                                   step(F.action == "noplace"))
    router.callback_query.register(on_duration, MeetingSteps.duration,
                                   step(F.action == "duration"))
