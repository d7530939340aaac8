"""/motion's deadline step: Tomorrow or in 3, 7 or 14 days at 20:00 on the community's
clock by one tap, or a date and time typed as /poll and /meeting take them
(“2026-12-05 18:00”). A moment less than an hour ahead, or past, is refused with the reason
and the step stays. Then the secret-ballot question."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.clock import Clock
from bot.services import ServiceError
from bot.services.motions import check_deadline
from bot.ui import fmt
from bot.ui.errors import describe
from bot.ui.filters import TYPED
from bot.ui.motion_callbacks import MotionDraftCB
from conversations.motion_draft import MotionSteps, chosen, markup
from conversations.survey_when import local_moment, parse_deadline

DAYS = (1, 3, 7, 14)
CLOSING_TIME = "20:00"  # in the community's timezone: after work, before bedtime


async def ask_deadline(message: Message, state: FSMContext, clock: Clock, locale: str) -> None:
    """Offers the deadlines counted from the community's today; any can be typed."""
    timezone = (await state.get_data())["timezone"]
    await state.set_state(MotionSteps.deadline)
    today = clock.now().astimezone(ZoneInfo(timezone)).date()  # the community's day
    items, moments = [], {}
    for days in DAYS:
        moment = local_moment(today + timedelta(days=days), CLOSING_TIME, timezone)
        moments[str(days)] = moment.isoformat()
        label = (_("Tomorrow — {moment}") if days == 1 else _("In {days} days — {moment}"))
        items.append((label.format(days=days, moment=fmt.when(moment, timezone, locale)),
                      "deadline", str(days)))
    await state.update_data(deadlines=moments)
    await message.answer(
        _("Until when can people vote? Press a button, or type a date and time, for example "
          "2026-12-05 18:00 ({timezone} time).").format(timezone=timezone),
        reply_markup=markup(items))


async def accept_deadline(state: FSMContext, deadline: datetime, clock: Clock) -> None:
    """Stores a deadline at least an hour ahead; raises the refusal otherwise."""
    check_deadline(deadline, clock.now())
    await state.update_data(deadline=deadline.isoformat())


async def on_deadline(query: CallbackQuery, callback_data: MotionDraftCB, state: FSMContext,
                      clock: Clock, locale: str) -> None:
    """Takes a deadline button (one of the moments offered, checked again against now)."""
    data = await state.get_data()
    moment = data.get("deadlines", {}).get(callback_data.value)
    if moment is None:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    deadline = datetime.fromisoformat(moment)
    try:
        await accept_deadline(state, deadline, clock)
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await chosen(query, fmt.when(deadline, data["timezone"], locale))
    await ask_secret(query.message, state)


async def receive_deadline(message: Message, state: FSMContext, clock: Clock) -> None:
    """Takes a typed date and time on the community's clock."""
    data = await state.get_data()
    try:
        await accept_deadline(state, parse_deadline(message.text, None, data["timezone"]),
                              clock)
    except ServiceError as error:
        await message.answer(describe(error))
        return
    await ask_secret(message, state)


async def ask_secret(message: Message, state: FSMContext) -> None:
    await state.set_state(MotionSteps.secret)
    await message.answer(
        _("Secret ballot? Then nobody — not even the committee — sees how anyone voted; "
          "only the turnout is shown until the end."),
        reply_markup=markup([(_("🔒 Yes, secret"), "secret", "1"),
                             (_("No, an open vote"), "secret", "0")]))


def register(router: Router) -> None:
    router.callback_query.register(on_deadline, MotionSteps.deadline,
                                   MotionDraftCB.filter(F.action == "deadline"))
    router.message.register(receive_deadline, MotionSteps.deadline, TYPED)
