"""Voting on motions: the buttons on a motion's post (in a group or in private), the motion
opened in private by its deep link, door-to-door votes recorded by floor contacts, and
/motions — the creator's and the committee's list, with closing early and the tally files.

Eligibility is the roster's, re-checked on every press; an ineligible presser gets the
reason in an alert only they see.
"""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services import ServiceError, UnitOfWork
from bot.services.motion_close import close_motion, export_motion
from bot.services.motion_views import current_post, motions_for
from bot.services.motion_voting import cast_vote, door_homes, record_door_vote
from bot.ui import fmt
from bot.ui.errors import describe
from bot.ui.motion_callbacks import MotionCB
from bot.ui.motion_render import motion_text, result_text, vote_keyboard
from bot.ui.motion_texts import choice_name, rule_explained

HOMES_SHOWN = 90


def _button(text: str, data: MotionCB) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


async def on_vote(query: CallbackQuery, callback_data: MotionCB, uow: UnitOfWork,
                  i18n: I18n, user_locale: str) -> None:
    """Casts or changes the presser's vote; says what was recorded, only to them and in
    their language."""
    with i18n.use_locale(user_locale):
        try:
            vote = await cast_vote(uow, user_id=query.from_user.id,
                                   motion_id=callback_data.motion, choice=callback_data.value)
        except ServiceError as error:
            await query.answer(describe(error), show_alert=True)
            return
        deadline = fmt.when(vote.deadline, vote.timezone, user_locale)
        text = (_("Your vote was changed to: {choice}. You can change it until {deadline}.")
                if vote.changed else
                _("Your vote: {choice}. You can change it until {deadline}.")).format(
            choice=choice_name(vote.choice), deadline=deadline)
        if vote.voters > 1:
            text += "\n" + _("It counts for the {count} owners you represent.").format(
                count=vote.voters)
        await query.answer(text, show_alert=True)


async def cmd_motion_link(message: Message, command: CommandObject, uow: UnitOfWork,
                          locale: str) -> None:
    """Opens a motion in private: the question, the rule explained, the vote buttons, and
    the door-to-door button for floor contacts."""
    motion_id = int(command.args.split("_", 1)[1])
    try:
        view, params = await current_post(uow, motion_id)
    except ServiceError as error:
        await message.answer(describe(error))
        return
    if view.status != "open":
        await message.answer(result_text(params, locale) if params.get("result")
                             else motion_text(params, locale))
        return
    markup = vote_keyboard(view.id)
    markup.inline_keyboard.append([_button(_("🚪 Record votes door to door"),
                                           MotionCB(action="door", motion=view.id))])
    await message.answer(motion_text(params, locale) + "\n\n" + rule_explained(view.rule),
                         reply_markup=markup)


async def on_door(query: CallbackQuery, callback_data: MotionCB, uow: UnitOfWork) -> None:
    """Lists the homes of the contact's floors that have not voted."""
    try:
        homes = await door_homes(uow, contact_id=query.from_user.id,
                                 motion_id=callback_data.motion)
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await query.answer()
    if not homes:
        await query.message.answer(_("Every home on your floors has voted. Thank you!"))
        return
    rows = [[_button(h.room, MotionCB(action="home", motion=callback_data.motion,
                                      value=str(h.household_id)))] for h in homes[:HOMES_SHOWN]]
    await query.message.answer(_("Homes that have not voted yet: {count}. Which home are you "
                                 "visiting?").format(count=len(homes)),
                               reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def on_home(query: CallbackQuery, callback_data: MotionCB, uow: UnitOfWork) -> None:
    """Asks the home's choice, or records it when the choice was pressed."""
    if not callback_data.value.isdigit():
        await query.answer(_("This button has expired."), show_alert=True)
        return
    if not callback_data.choice:
        await query.answer()
        rows = [[_button(choice_name(c), MotionCB(action="home", motion=callback_data.motion,
                                                  value=callback_data.value, choice=c))
                 for c in ("for", "against", "abstain")]]
        await query.message.edit_text(_("What does this home vote? The owner's paper or "
                                         "spoken vote is recorded as door to door."),
                                       reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))
        return
    try:
        vote = await record_door_vote(uow, contact_id=query.from_user.id,
                                      motion_id=callback_data.motion,
                                      household_id=int(callback_data.value),
                                      choice=callback_data.choice)
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await query.answer()
    await query.message.edit_text(_("Recorded door to door: {choice}.").format(
        choice=choice_name(vote.choice)), reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
            _button(_("🚪 Next home"), MotionCB(action="door", motion=vote.motion_id))]]))


def _status(status: str, passed: bool | None, deadline: datetime, timezone: str,
            locale: str) -> str:
    if status == "open":
        return _("open until {deadline}").format(deadline=fmt.when(deadline, timezone, locale))
    return _("passed") if passed else _("not passed")


async def cmd_motions(message: Message, uow: UnitOfWork, locale: str) -> None:
    """The user's motions (all of the community's for the committee), newest first."""
    motions = await motions_for(uow, message.from_user.id)
    if not motions:
        await message.answer(_("No motions yet. /motion puts a question to the vote."))
        return
    lines, rows = [_("Motions:")], []
    for m in motions:
        lines.append(f"#{m.id} {m.question[:60]} — "
                     f"{_status(m.status, m.passed, m.deadline, m.timezone, locale)}")
        row = [_button(_("CSV #{id}").format(id=m.id), MotionCB(action="csv", motion=m.id)),
               _button(_("XLSX #{id}").format(id=m.id), MotionCB(action="xlsx", motion=m.id))]
        if m.status == "open":
            row.insert(0, _button(_("🛑 Close #{id}").format(id=m.id),
                                  MotionCB(action="close", motion=m.id)))
        rows.append(row)
    await message.answer("\n".join(lines),
                         reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def on_close(query: CallbackQuery, callback_data: MotionCB) -> None:
    """Asks for a confirmation before closing a motion early."""
    await query.answer()
    await query.message.answer(
        _("Close motion #{id} now? Voting ends and the result is announced.").format(
            id=callback_data.motion),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
            _button(_("🛑 Yes, close it now"), MotionCB(action="confirm",
                                                      motion=callback_data.motion))]]))


async def on_confirm_close(query: CallbackQuery, callback_data: MotionCB,
                           uow: UnitOfWork) -> None:
    try:
        result = await close_motion(uow, user_id=query.from_user.id,
                                    motion_id=callback_data.motion)
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await query.answer()
    await query.message.edit_text(
        (_("Closed: the motion passed. The result is being announced.") if result["passed"]
         else _("Closed: the motion did not pass. The result is being announced.")),
        reply_markup=None)


async def on_export(query: CallbackQuery, callback_data: MotionCB, uow: UnitOfWork,
                    locale: str) -> None:
    """Sends the tally as a CSV or XLSX file (without names for a secret ballot)."""
    try:
        name, data = await export_motion(uow, user_id=query.from_user.id,
                                         motion_id=callback_data.motion,
                                         fmt=callback_data.action,
                                         chinese=locale.startswith("zh"))
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await query.answer()
    await query.message.answer_document(BufferedInputFile(data, name))


def make_router() -> Router:
    router = Router(name="motions")
    private = F.chat.type == "private"
    router.callback_query.register(on_vote, MotionCB.filter(F.action == "vote"),
                                   StateFilter("*"))
    router.message.register(cmd_motion_link, private, CommandStart(
        deep_link=True, magic=F.args.regexp(r"^m_\d{1,12}$")), StateFilter("*"))
    router.message.register(cmd_motions, private, Command("motions"), StateFilter("*"))
    cb = MotionCB.filter
    private = F.message.chat.type == "private"
    router.callback_query.register(on_door, private, cb(F.action == "door"), StateFilter("*"))
    router.callback_query.register(on_home, private, cb(F.action == "home"), StateFilter("*"))
    router.callback_query.register(on_close, private, cb(F.action == "close"),
                                   StateFilter("*"))
    router.callback_query.register(on_confirm_close, private, cb(F.action == "confirm"),
                                   StateFilter("*"))
    router.callback_query.register(on_export, private, cb(F.action.in_({"csv", "xlsx"})),
                                   StateFilter("*"))
    return router
