"""/meetings (private chat): the meetings the user called, with what each is waiting for.
A scheduled one offers 📝 Post minutes — the minutes, then the outcome, a preview, and
Publish to every group in scope — and 🕒 Change time, which lists the candidate times
with their counts; the creator's notice at the deadline carries the same time buttons.

Every press is checked again by the services: only the creator may do any of this.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.clock import Clock
from bot.domain.meetings import MINUTES_MAX, OUTCOME_MAX, MeetingError, check_text
from bot.services import UnitOfWork
from bot.services.errors import InvalidInput, ServiceError
from bot.services.meeting_close import (
    MeetingBrief,
    choose_time,
    meeting_for_creator,
    meetings_created_by,
    post_minutes,
)
from bot.services.meetings import base_params
from bot.ui import fmt
from bot.ui.errors import describe
from bot.ui.filters import TYPED
from bot.ui.meeting_callbacks import MeetAdminCB
from bot.ui.meeting_render import meeting_minutes, times_keyboard
from bot.ui.render import RenderContext

TOPIC_SHOWN = 60


class MinutesSteps(StatesGroup):
    minutes = State()
    outcome = State()
    preview = State()


def meeting_line(m: MeetingBrief, locale: str) -> str:
    topic = m.topic if len(m.topic) <= TOPIC_SHOWN else m.topic[:TOPIC_SHOWN - 1] + "…"
    if m.status == "polling":
        state = _("answers until {deadline}").format(
            deadline=fmt.when(m.deadline, m.timezone, locale))
    elif m.status == "scheduled":
        state = _("on {when}").format(when=fmt.when(m.starts_at, m.timezone, locale))
    else:
        state = _("held; minutes posted")
    return f"🗓 #{m.id} {topic} — {state}"


def meetings_keyboard(meetings: list[MeetingBrief]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    widths = []
    for m in meetings:
        if m.status == "scheduled":
            builder.button(text=_("📝 Minutes #{id}").format(id=m.id),
                           callback_data=MeetAdminCB(action="minutes", meeting=m.id))
            builder.button(text=_("🕒 Change time #{id}").format(id=m.id),
                           callback_data=MeetAdminCB(action="times", meeting=m.id))
            widths.append(2)
    builder.adjust(*widths)
    return builder.as_markup()


async def cmd_meetings(message: Message, uow: UnitOfWork, locale: str) -> None:
    """Lists the user's meetings, newest first, with their buttons."""
    meetings = await meetings_created_by(uow, message.from_user.id)
    if not meetings:
        await message.answer(_("You have not called any meeting yet. /meeting calls one."))
        return
    lines = [_("Your meetings:"), *(meeting_line(m, locale) for m in meetings)]
    await message.answer("\n".join(lines), reply_markup=meetings_keyboard(meetings))


async def on_times(query: CallbackQuery, callback_data: MeetAdminCB, uow: UnitOfWork,
                   locale: str) -> None:
    """Lists the other candidate times with their counts, to choose one."""
    try:
        view = await meeting_for_creator(uow, query.from_user.id, callback_data.meeting)
    except ServiceError as exc:
        await query.answer(describe(exc), show_alert=True)
        return
    await query.answer()
    slots = [[s.id, s.starts_at.isoformat(), s.yes, s.maybe, s.no] for s in view.slots]
    await query.message.answer(
        _("“{topic}”: which time instead? (✅ yes · 🤔 if need be · ❌ no)").format(
            topic=view.topic),
        reply_markup=times_keyboard(view.id, slots, view.slot_id, view.timezone, locale))


async def on_choose(query: CallbackQuery, callback_data: MeetAdminCB, uow: UnitOfWork,
                    locale: str) -> None:
    """Moves the meeting to the pressed time; the groups get it with a new calendar file."""
    try:
        done = await choose_time(uow, user_id=query.from_user.id,
                                 meeting_id=callback_data.meeting, slot_id=callback_data.slot)
    except ServiceError as exc:
        await query.answer(describe(exc), show_alert=True)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("✅ The meeting is now on {when}. Groups told: {count}.")
                               .format(when=fmt.when(done.starts_at, done.timezone, locale),
                                       count=done.groups))


async def on_minutes(query: CallbackQuery, callback_data: MeetAdminCB, state: FSMContext,
                     uow: UnitOfWork, clock: Clock) -> None:
    """Starts the minutes of one of the user's meetings (checked: theirs, and started;
    post_minutes checks it all again)."""
    try:
        view = await meeting_for_creator(uow, query.from_user.id, callback_data.meeting)
        if view.status != "scheduled" or view.starts_at is None:
            raise InvalidInput("meeting_not_scheduled")
        if view.starts_at > clock.now():
            raise InvalidInput("meeting_not_started")
    except ServiceError as exc:
        await query.answer(describe(exc), show_alert=True)
        return
    await query.answer()
    await state.set_state(MinutesSteps.minutes)
    await state.set_data({"meeting": view.id, "params": base_params(view)})
    await query.message.answer(_("Minutes of “{topic}”: what was discussed? Send it as one "
                                 "message (up to {limit} characters), or /cancel.").format(
        topic=view.topic, limit=MINUTES_MAX))


async def receive_minutes(message: Message, state: FSMContext) -> None:
    """Stores the minutes and asks for the outcome."""
    try:
        minutes = check_text(message.text, MINUTES_MAX, "meeting_minutes")
    except MeetingError as exc:
        await message.answer(describe(_as_service(exc)))
        return
    await state.update_data(minutes=minutes)
    await state.set_state(MinutesSteps.outcome)
    await message.answer(_("And the outcome: what was decided, who does what next? (up to "
                           "{limit} characters)").format(limit=OUTCOME_MAX))


async def receive_outcome(message: Message, state: FSMContext, locale: str) -> None:
    """Stores the outcome and shows the post the groups will get."""
    try:
        outcome = check_text(message.text, OUTCOME_MAX, "meeting_outcome")
    except MeetingError as exc:
        await message.answer(describe(_as_service(exc)))
        return
    data = await state.update_data(outcome=outcome)
    await state.set_state(MinutesSteps.preview)
    params = {**data["params"], "minutes": data["minutes"], "outcome": outcome}
    await message.answer(meeting_minutes(params, RenderContext(locale)).text)
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Publish"), callback_data=MeetAdminCB(action="publish",
                                                                 meeting=data["meeting"]))
    builder.button(text=_("✖️ Cancel"), callback_data=MeetAdminCB(action="cancel",
                                                                 meeting=data["meeting"]))
    await message.answer(_("This is what every group in scope will get. Publish it?"),
                         reply_markup=builder.as_markup())


async def on_publish(query: CallbackQuery, state: FSMContext, uow: UnitOfWork) -> None:
    """Posts the minutes in one service call."""
    data = await state.get_data()
    try:
        posted = await post_minutes(uow, user_id=query.from_user.id, meeting_id=data["meeting"],
                                    minutes=data["minutes"], outcome=data["outcome"])
    except ServiceError as exc:
        await query.answer(describe(exc), show_alert=True)
        return
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("✅ The minutes were posted. Groups: {groups}; reports "
                                 "updated: {cases}.").format(groups=posted.groups,
                                                             cases=posted.cases))


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("Cancelled. Nothing was saved."))


def _as_service(exc: MeetingError) -> ServiceError:
    return ServiceError(exc.code, **exc.details)


def make_router() -> Router:
    """/meetings, the creator's buttons, and the minutes' steps."""
    router = Router(name="meeting_minutes")
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_meetings, Command("meetings"), StateFilter("*"))
    router.callback_query.register(on_times, MeetAdminCB.filter(F.action == "times"))
    router.callback_query.register(on_choose, MeetAdminCB.filter(F.action == "choose"))
    router.callback_query.register(on_minutes, MeetAdminCB.filter(F.action == "minutes"))
    router.message.register(receive_minutes, MinutesSteps.minutes, TYPED)
    router.message.register(receive_outcome, MinutesSteps.outcome, TYPED)
    router.callback_query.register(on_publish, MinutesSteps.preview,
                                   MeetAdminCB.filter(F.action == "publish"))
    router.callback_query.register(on_cancel, StateFilter(MinutesSteps),
                                   MeetAdminCB.filter(F.action == "cancel"))
    return router
