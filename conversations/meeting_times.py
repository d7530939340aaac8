"""When: the candidate times of a /meeting draft (a day button for each of the next 14
days, then a time button or a typed time; the list so far with ✖ to remove one; 2–8),
then the deadline for answers (in 1, 2 or 3 days or a week, or typed), which must come
before the first candidate time.

Days and times are the community's: the buttons count from today there, by the clock the
handlers are given. A time in the past is refused with the reason, and the step stays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from babel.dates import format_skeleton

from bot.domain.clock import Clock
from bot.domain.meetings import MAX_TIMES, MIN_TIMES, MeetingError, check_deadline, check_time
from bot.services.errors import InvalidInput
from bot.ui import fmt
from bot.ui.errors import describe
from bot.ui.filters import TYPED
from bot.ui.meeting_callbacks import MeetDraftCB
from bot.ui.meeting_render import slot_label
from conversations.meeting_draft import (
    MeetingSteps,
    chosen,
    keyboard,
    problem,
    show_preview,
    times_of,
)
from conversations.survey_when import local_moment, parse_deadline, time_value

DAYS = 14
TIMES = tuple(f"{h:02d}:00" for h in range(8, 22))
DEADLINES = (1, 2, 3, 7)  # days from now
STAMP = "%Y%m%dT%H%M"  # a time in button data (UTC, no separators)


def deadline_label(days: int) -> str:
    return {1: _("In 1 day"), 2: _("In 2 days"), 3: _("In 3 days"), 7: _("In a week")}[days]


def day_label(day: date, locale: str) -> str:
    return format_skeleton("MMMEd", day, locale=fmt.babel_locale(locale))


async def ask_day(message: Message, state: FSMContext, clock: Clock, locale: str) -> None:
    """Offers the next 14 days, counted from today in the community's timezone."""
    data = await state.update_data(day=None)
    today = clock.now().astimezone(ZoneInfo(data["timezone"])).date()
    days = [today + timedelta(days=n) for n in range(DAYS)]
    await state.set_state(MeetingSteps.day)
    await message.answer(
        _("Candidate times ({minimum} to {maximum}): choose a day ({timezone} time), or "
          "type a date and time, e.g. 2026-12-05 19:00.").format(
            minimum=MIN_TIMES, maximum=MAX_TIMES, timezone=data["timezone"]),
        reply_markup=keyboard([(day_label(d, locale), MeetDraftCB(action="day",
                                                                  value=d.isoformat()))
                               for d in days], 3))


async def on_day(query: CallbackQuery, callback_data: MeetDraftCB, state: FSMContext,
                 locale: str) -> None:
    """Stores the day and offers times on it."""
    try:
        day = date.fromisoformat(callback_data.value)
    except ValueError:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(day=day.isoformat())
    await chosen(query, day_label(day, locale))
    await state.set_state(MeetingSteps.time)
    await query.message.answer(
        _("At what time on {day}? Or type another time, e.g. 19:30.").format(
            day=day_label(day, locale)),
        reply_markup=keyboard([*[(t, MeetDraftCB(action="time", value=time_value(t)))
                                 for t in TIMES],
                               (_("⬅️ Another day"), MeetDraftCB(action="days"))], 4))


async def add_time(message: Message, state: FSMContext, moment: datetime, clock: Clock,
                   locale: str) -> bool:
    """Adds a candidate time, or says why not (past, twice, too many) and keeps the step."""
    data = await state.get_data()
    try:
        check_time(moment, times_of(data), clock.now())
    except MeetingError as exc:
        await message.answer(problem(exc))
        return False
    await state.update_data(times=sorted([*data.get("times", []), moment.isoformat()]))
    await show_times(message, state, locale)
    return True


async def on_time(query: CallbackQuery, callback_data: MeetDraftCB, state: FSMContext,
                  clock: Clock, locale: str) -> None:
    """Takes a time button (re-checked: it must be one of the offered times)."""
    data = await state.get_data()
    hhmm = next((t for t in TIMES if time_value(t) == callback_data.value), None)
    if hhmm is None or not data.get("day"):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    moment = local_moment(date.fromisoformat(data["day"]), hhmm, data["timezone"])
    await query.answer()
    await add_time(query.message, state, moment, clock, locale)


async def receive_time(message: Message, state: FSMContext, clock: Clock,
                       locale: str) -> None:
    """Takes a typed date and time (or a time, once a day is chosen)."""
    data = await state.get_data()
    try:
        moment = parse_deadline(message.text, data.get("day"), data["timezone"])
    except InvalidInput as exc:
        await message.answer(describe(exc))
        return
    await add_time(message, state, moment, clock, locale)


async def show_times(message: Message, state: FSMContext, locale: str) -> None:
    """The times so far, each with ✖ to remove it; ➕ adds one; ✅ Done from two on."""
    data = await state.get_data()
    times, tz = data.get("times", []), data["timezone"]
    await state.set_state(MeetingSteps.times)
    lines = [_("Candidate times so far ({count} of at most {limit}):").format(
        count=len(times), limit=MAX_TIMES)]
    lines += [f"{n}) {slot_label(t, tz, locale)}" for n, t in enumerate(times, 1)]
    items = [(f"✖ {slot_label(t, tz, locale)}", MeetDraftCB(
        action="remove", value=datetime.fromisoformat(t).strftime(STAMP))) for t in times]
    if len(times) < MAX_TIMES:
        items.append((_("➕ Add a time"), MeetDraftCB(action="more")))
    if len(times) >= MIN_TIMES:
        items.append((_("✅ Done with the times"), MeetDraftCB(action="timesdone")))
    else:
        lines.append(_("Add at least {minimum}.").format(minimum=MIN_TIMES))
    await message.answer("\n".join(lines), reply_markup=keyboard(items))


async def on_remove(query: CallbackQuery, callback_data: MeetDraftCB, state: FSMContext,
                    locale: str) -> None:
    """Removes one candidate time and shows the list again."""
    data = await state.get_data()
    kept = [t for t in data.get("times", [])
            if datetime.fromisoformat(t).strftime(STAMP) != callback_data.value]
    await state.update_data(times=kept)
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await show_times(query.message, state, locale)


async def on_more(query: CallbackQuery, state: FSMContext, clock: Clock, locale: str) -> None:
    """Goes back to the day buttons for one more time."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await ask_day(query.message, state, clock, locale)


async def ask_deadline(message: Message, state: FSMContext, clock: Clock,
                       locale: str) -> None:
    """Offers deadlines that fall before the first candidate time; any can be typed."""
    data = await state.get_data()
    first, now = min(times_of(data)), clock.now().replace(second=0, microsecond=0)
    items = [(deadline_label(n), MeetDraftCB(action="deadline", value=str(n)))
             for n in DEADLINES if now + timedelta(days=n) < first]
    await state.set_state(MeetingSteps.deadline)
    await message.answer(
        _("Until when may residents answer? Then I choose the time most can come to. It "
          "must be before the first time, {first}. Press a button or type a date and "
          "time, e.g. 2026-12-05 18:00.").format(
            first=slot_label(first, data["timezone"], locale)),
        reply_markup=keyboard(items, 2))


async def accept_deadline(message: Message, state: FSMContext, deadline: datetime,
                          clock: Clock, locale: str) -> bool:
    """Stores a deadline before the first time and shows the preview; else says why."""
    data = await state.get_data()
    try:
        check_deadline(deadline, times_of(data), clock.now())
    except MeetingError as exc:
        await message.answer(problem(exc))
        return False
    await state.update_data(deadline=deadline.astimezone(UTC).isoformat())
    await show_preview(message, state, locale)
    return True


async def on_deadline(query: CallbackQuery, callback_data: MeetDraftCB, state: FSMContext,
                      clock: Clock, locale: str) -> None:
    """Takes a deadline button (re-checked: one of the offered spans, counted from now)."""
    if callback_data.value not in {str(n) for n in DEADLINES}:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    days = int(callback_data.value)
    deadline = clock.now().replace(second=0, microsecond=0) + timedelta(days=days)
    await query.answer()
    if await accept_deadline(query.message, state, deadline, clock, locale):
        await query.message.edit_reply_markup(reply_markup=None)


async def receive_deadline(message: Message, state: FSMContext, clock: Clock,
                           locale: str) -> None:
    """Takes a typed date and time for the deadline."""
    data = await state.get_data()
    try:
        deadline = parse_deadline(message.text, None, data["timezone"])
    except InvalidInput as exc:
        await message.answer(describe(exc))
        return
    await accept_deadline(message, state, deadline, clock, locale)


def register(router: Router) -> None:
    step = MeetDraftCB.filter
    router.callback_query.register(on_day, MeetingSteps.day, step(F.action == "day"))
    router.callback_query.register(on_time, MeetingSteps.time, step(F.action == "time"))
    router.callback_query.register(on_more, MeetingSteps.time, step(F.action == "days"))
    router.message.register(receive_time, MeetingSteps.day, TYPED)
    router.message.register(receive_time, MeetingSteps.time, TYPED)
    router.callback_query.register(on_remove, MeetingSteps.times, step(F.action == "remove"))
    router.callback_query.register(on_more, MeetingSteps.times, step(F.action == "more"))
    router.message.register(receive_time, MeetingSteps.times, TYPED)
    router.callback_query.register(on_deadline, MeetingSteps.deadline,
                                   step(F.action == "deadline"))
    router.message.register(receive_deadline, MeetingSteps.deadline, TYPED)
