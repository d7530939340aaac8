"""Renderers of motions: the group post with its vote buttons and live turnout, and the
result with every threshold explained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.ui import fmt
from bot.ui.motion_callbacks import VOTE_LINK, MotionCB
from bot.ui.motion_texts import check_line, choice_name, rule_name, turnout_lines
from bot.ui.render import RenderContext, Rendered, renderer


def vote_keyboard(motion_id: int, bot_username: str = "") -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text=choice_name(c), callback_data=MotionCB(
        action="vote", motion=motion_id, value=c).pack()) for c in ("for", "against", "abstain")]]
    if bot_username:
        rows.append([InlineKeyboardButton(
            text=_("ℹ️ Details, door-to-door votes"),
            url=f"https://t.me/{bot_username}?start={VOTE_LINK.format(id=motion_id)}")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def motion_text(params: dict[str, Any], locale: str) -> str:
    deadline = fmt.when(datetime.fromisoformat(params["deadline"]), params["timezone"], locale)
    lines = [_("🗳 Motion: {question}").format(question=params["question"]),
             _("Rule: {rule}").format(rule=rule_name(params["rule"]))]
    if params["secret"]:
        lines.append(_("🔒 Secret ballot: nobody sees how anyone voted."))
    lines += turnout_lines(params, locale)
    if params["closed"]:
        lines.append(_("Voting is closed."))
    else:
        lines.append(_("Vote until {deadline}. You can change your vote until then; it "
                       "counts once.").format(deadline=deadline))
    return "\n".join(lines)


@renderer("motion_post")
def motion_post(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    markup = None if params["closed"] else vote_keyboard(params["motion_id"], ctx.bot_username)
    return Rendered(motion_text(params, ctx.locale), reply_markup=markup)


def result_text(params: dict[str, Any], locale: str) -> str:
    result = params["result"]
    lines = [_("📣 Result of the motion: {question}").format(question=params["question"]),
             _("Rule: {rule}").format(rule=rule_name(result["rule"]))]
    lines.append(_("✅ PASSED") if result["passed"] else _("❌ NOT PASSED"))
    if not result["quorum"]:
        lines.append(_("Not enough owners or area took part, so the motion cannot pass."))
    lines += [check_line(c, locale) for c in result["checks"]]
    closed = {**params, "tally": result["tally"], "secret": False}
    lines += turnout_lines(closed, locale)[-3:]
    if params.get("decision_due"):
        lines.append(_("It is now a decision; it is due by {due}. Progress will be posted "
                       "here. /decisions lists all decisions.").format(
            due=fmt.day(datetime.fromisoformat(params["decision_due"]), params["timezone"],
                        locale)))
    return "\n".join(lines)


@renderer("motion_result")
def motion_result(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    markup = None
    if params.get("exports"):
        markup = InlineKeyboardMarkup(inline_keyboard=[[
            InlineKeyboardButton(text=_("⬇️ Tally as CSV"), callback_data=MotionCB(
                action="csv", motion=params["motion_id"]).pack()),
            InlineKeyboardButton(text=_("⬇️ Tally as XLSX"), callback_data=MotionCB(
                action="xlsx", motion=params["motion_id"]).pack())]])
    return Rendered(result_text(params, ctx.locale), reply_markup=markup)
