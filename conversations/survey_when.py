"""Who answers and until when: audience → anonymous (surveys) → results live or after
closing → deadline day → time, by buttons or typed → reminder (surveys) → preview.

Days and times are the community's: the day buttons count from today there, by the clock
the handlers are given (never the machine's), and a deadline must be ≥ 1 h ahead.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.clock import Clock
from bot.domain.surveys import DEFAULT_REMINDER, Audience, DraftError, check_deadline
from bot.services.errors import InvalidInput
from bot.ui import fmt
from bot.ui.errors import describe
from bot.ui.filters import TYPED
from bot.ui.survey_callbacks import DraftCB
from bot.ui.survey_texts import audience_name, current_locale, day_button
from conversations.survey_draft import (
    DraftSteps,
    capitalized,
    chosen,
    editing,
    keyboard,
)
from conversations.survey_preview import show_preview

DAYS = (1, 2, 3, 7, 14)
TIMES = ("08:00", "12:00", "18:00", "20:00", "22:00")
# 2026-12-05 18:00, 2026/12/5 18:00, 2026年12月5日 18:00 or 18：00
DATE_TIME = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s+"
                       r"(\d{1,2})\s*[:：点]\s*(\d{2})")
TIME_ONLY = re.compile(r"(\d{1,2})\s*[:：点]\s*(\d{2})")


def time_value(hhmm: str) -> str:
    """A time as button data: “1800” (the colon is callback data's separator)."""
    return hhmm.replace(":", "")


async def ask_audience(message: Message, state: FSMContext) -> None:
    await state.set_state(DraftSteps.audience)
    await message.answer(_("Who should answer?"), reply_markup=keyboard(
        [(capitalized(audience_name(a)), DraftCB(action="audience", value=a))
         for a in Audience]))


async def on_audience(query: CallbackQuery, callback_data: DraftCB, state: FSMContext,
                      ) -> None:
    """Stores the audience; surveys then ask about anonymity, polls about results."""
    if callback_data.value not in set(Audience):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    data = await state.update_data(audience=callback_data.value)
    await chosen(query, capitalized(audience_name(callback_data.value)))
    if data["kind"] == "poll":
        await ask_results(query.message, state)
        return
    await state.set_state(DraftSteps.anonymous)
    await query.message.answer(
        _("Should it be anonymous? Then nobody, admins included, can see who answered "
          "what — only the totals."),
        reply_markup=keyboard([(_("🔒 Yes, anonymous"), DraftCB(action="anonymous", value="1")),
                               (_("👤 No"), DraftCB(action="anonymous", value="0"))], 2))


async def on_anonymous(query: CallbackQuery, callback_data: DraftCB, state: FSMContext,
                       ) -> None:
    """Stores whether answers are anonymous and asks about the results."""
    anonymous = callback_data.value == "1"
    await state.update_data(anonymous=anonymous)
    await chosen(query, _("🔒 Yes, anonymous") if anonymous else _("👤 No"))
    await ask_results(query.message, state)


async def ask_results(message: Message, state: FSMContext) -> None:
    await state.set_state(DraftSteps.results)
    await message.answer(_("When may residents see the results?"), reply_markup=keyboard(
        [(_("📈 Live, while it is open"), DraftCB(action="results", value="live")),
         (_("🏁 Only after closing"), DraftCB(action="results", value="after"))]))


async def on_results(query: CallbackQuery, callback_data: DraftCB, state: FSMContext,
                     clock: Clock) -> None:
    """Stores when results are shown; then the deadline (or back to the preview)."""
    live = callback_data.value == "live"
    await state.update_data(live=live)
    await chosen(query, _("📈 Live, while it is open") if live else _("🏁 Only after closing"))
    if await editing(state):
        await show_preview(query.message, state)
        return
    await ask_day(query.message, state, clock)


async def ask_day(message: Message, state: FSMContext, clock: Clock) -> None:
    """Day buttons counted from today in the community's timezone."""
    # forget an earlier day, so a time typed now is not read as that day's
    timezone = (await state.update_data(day=None))["timezone"]
    today = clock.now().astimezone(ZoneInfo(timezone)).date()
    days = [today + timedelta(days=n) for n in DAYS]
    await state.set_state(DraftSteps.day)
    await message.answer(
        _("When should it close? Choose the day, or type the date and time, for example "
          "2026-12-05 18:00 ({timezone} time).").format(timezone=timezone),
        reply_markup=keyboard([(day_button(d), DraftCB(action="day", value=d.isoformat()))
                               for d in days], 3))


async def on_day(query: CallbackQuery, callback_data: DraftCB, state: FSMContext) -> None:
    """Stores the day and asks for the time."""
    try:
        day = date.fromisoformat(callback_data.value)
    except ValueError:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(day=day.isoformat())
    await chosen(query, day_button(day))
    await state.set_state(DraftSteps.time)
    await query.message.answer(
        _("At what time on {day}? Or type another time, for example 19:30.").format(
            day=day_button(day)),
        reply_markup=keyboard([*[(t, DraftCB(action="time", value=time_value(t)))
                                 for t in TIMES],
                               (_("⬅️ Another day"), DraftCB(action="days"))], 3))


async def on_other_day(query: CallbackQuery, state: FSMContext, clock: Clock) -> None:
    """Goes back to the day buttons."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await ask_day(query.message, state, clock)


def local_moment(day: date, hhmm: str, timezone: str) -> datetime:
    """The UTC moment of a local date and time; InvalidInput when there is no such time."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    try:
        local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(timezone))
    except ValueError:
        raise InvalidInput("bad_deadline") from None
    return local.astimezone(UTC)


def parse_deadline(text: str, day: str | None, timezone: str) -> datetime:
    """Reads “2026-12-05 18:00” (or only “18:00” once a day is chosen), local time."""
    if found := DATE_TIME.fullmatch(text.strip()):
        year, month, mday, hour, minute = (int(g) for g in found.groups())
        try:
            when = date(year, month, mday)
        except ValueError:
            raise InvalidInput("bad_deadline") from None
        return local_moment(when, f"{hour}:{minute}", timezone)
    if day and (found := TIME_ONLY.fullmatch(text.strip())):
        return local_moment(date.fromisoformat(day), ":".join(found.groups()), timezone)
    raise InvalidInput("bad_deadline")


async def accept_deadline(message: Message, state: FSMContext, deadline: datetime,
                          clock: Clock) -> bool:
    """Stores a deadline at least an hour ahead; otherwise says why and keeps the step."""
    try:
        check_deadline(deadline, clock.now())
    except DraftError as exc:
        await message.answer(describe(InvalidInput(exc.code, **exc.details)))
        return False
    await state.update_data(deadline=deadline.isoformat())
    return True


async def ask_reminder(message: Message, state: FSMContext) -> None:
    """Surveys ask about the reminder; a poll goes straight to its preview."""
    if (await state.get_data())["kind"] == "poll":
        await show_preview(message, state)
        return
    await state.set_state(DraftSteps.reminder)
    await message.answer(
        _("Remind those who have not answered yet, {time} before the deadline?").format(
            time=fmt.duration(DEFAULT_REMINDER, current_locale())),
        reply_markup=keyboard([(_("🔔 Yes, remind them"), DraftCB(action="remind", value="1")),
                               (_("🔕 No reminder"), DraftCB(action="remind", value="0"))], 2))


async def on_time(query: CallbackQuery, callback_data: DraftCB, state: FSMContext,
                  clock: Clock) -> None:
    """Takes a time button (re-checked: it must be one of the offered times)."""
    data = await state.get_data()
    hhmm = next((t for t in TIMES if time_value(t) == callback_data.value), None)
    if hhmm is None or not data.get("day"):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    deadline = local_moment(date.fromisoformat(data["day"]), hhmm, data["timezone"])
    if await accept_deadline(query.message, state, deadline, clock):
        await chosen(query, hhmm)
        await ask_reminder(query.message, state)
    else:
        await query.answer()


async def receive_deadline(message: Message, state: FSMContext, clock: Clock) -> None:
    """Takes a typed date and time (or a time, at the time step)."""
    data = await state.get_data()
    try:
        deadline = parse_deadline(message.text, data.get("day"), data["timezone"])
    except InvalidInput as exc:
        await message.answer(describe(exc))
        return
    if await accept_deadline(message, state, deadline, clock):
        await ask_reminder(message, state)


async def on_reminder(query: CallbackQuery, callback_data: DraftCB, state: FSMContext,
                      ) -> None:
    """Stores the reminder choice and shows the preview."""
    remind = callback_data.value == "1"
    await state.update_data(reminder=remind)
    await chosen(query, _("🔔 Yes, remind them") if remind else _("🔕 No reminder"))
    await show_preview(query.message, state)


def step(action: str) -> object:
    return DraftCB.filter(F.action == action)


def register(router: Router) -> None:
    router.callback_query.register(on_audience, DraftSteps.audience, step("audience"))
    router.callback_query.register(on_anonymous, DraftSteps.anonymous, step("anonymous"))
    router.callback_query.register(on_results, DraftSteps.results, step("results"))
    router.callback_query.register(on_day, DraftSteps.day, step("day"))
    router.callback_query.register(on_time, DraftSteps.time, step("time"))
    router.callback_query.register(on_other_day, DraftSteps.time, step("days"))
    router.message.register(receive_deadline, DraftSteps.day, TYPED)
    router.message.register(receive_deadline, DraftSteps.time, TYPED)
    router.callback_query.register(on_reminder, DraftSteps.reminder, step("remind"))
