"""Renderers of the posts about decisions: a progress update in the groups in scope (with
its photo), the closing announcement that refers back to the case or survey it came from
(and the note to that case's reporter), and the reminders to the responsible body.

Also the shared lines of a decision (progress bar, origin) that the screens reuse.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.decisions import bar
from bot.ui import fmt
from bot.ui.case_texts import body_name, case_number
from bot.ui.decision_callbacks import progress_link
from bot.ui.render import RenderContext, Rendered, renderer


def progress_line(percent: int, locale: str) -> str:
    """▓▓▓▓░░░░░░ 40 %"""
    return f"{bar(percent)} {fmt.percent(percent / 100, locale)}"


def day_of(value: str | datetime, timezone: str, locale: str) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return fmt.day(moment, timezone, locale)


def quote(note: str | None) -> str:
    return f"“{note}”" if note else ""


def origin_lines(origin: dict[str, Any], title: str) -> list[str]:
    """The motion's question (unless it is the decision's title) and what it came from:
    cases, surveys, a meeting."""
    lines = []
    if origin["question"] != title:
        lines.append(_("🗳 Voted on: {question}").format(question=quote(origin["question"])))
    if origin.get("cases"):
        lines.append(_("📋 From report {numbers}").format(
            numbers=", ".join(case_number(n) for n in origin["cases"])))
    for title in origin.get("surveys") or ():
        lines.append(_("📊 From the survey {title}").format(title=quote(title)))
    if origin.get("meeting"):
        lines.append(_("🪑 Decided at the meeting {topic}").format(
            topic=quote(origin["meeting"])))
    return lines


@renderer("decision_progress")
def decision_progress(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """An update of the responsible body, in the residents' groups in scope."""
    lines = [_("📈 Progress on a decision: {title}").format(title=params["title"]),
             progress_line(params["progress"], ctx.locale), quote(params.get("note")),
             _("{body} · due {day}").format(
                 body=body_name(params["body"]),
                 day=day_of(params["due_at"], params["timezone"], ctx.locale))]
    lines += origin_lines(params["origin"], params["title"])
    photo = params.get("photo")
    return Rendered("\n".join(line for line in lines if line),
                    photo_ids=(photo,) if photo else ())


@renderer("decision_done")
def decision_done(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """The decision is carried out: to the groups, and to the reporter of a case it came
    from (`reporter_cases`)."""
    done = day_of(params["done_at"], params["timezone"], ctx.locale)
    if params.get("reporter_cases"):
        head = _("✅ Your report {numbers} led to a decision, and it has now been carried "
                 "out: {title}").format(
            numbers=", ".join(case_number(n) for n in params["reporter_cases"]),
            title=params["title"])
    else:
        head = _("✅ Decision carried out: {title}").format(title=params["title"])
    lines = [head, _("{body}, {day}: {note}").format(
        body=body_name(params["body"]), day=done, note=quote(params.get("note")))]
    if params.get("late"):
        lines.append(_("(It was due on {day}.)").format(
            day=day_of(params["due_at"], params["timezone"], ctx.locale)))
    lines += origin_lines(params["origin"], params["title"])
    return Rendered("\n".join(lines))


@renderer("decision_reminder")
def decision_reminder(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """To the responsible body: no update for its quiet days, or the due date passed."""
    zone, locale = params["timezone"], ctx.locale
    lines = []
    if "overdue" in params["reasons"]:
        lines.append(_("⏰ The decision “{title}” was due on {day} and is not marked done "
                       "yet.").format(title=params["title"],
                                      day=day_of(params["due_at"], zone, locale)))
    if "quiet" in params["reasons"]:
        lines.append(_("⏰ No progress on the decision “{title}” has been posted since {day}. "
                       "Residents are waiting to hear how far it is.").format(
            title=params["title"], day=day_of(params["last_update_at"], zone, locale)))
    lines += [progress_line(params["progress"], locale),
              _("Post an update, or mark it done if the work is finished.")]
    markup = None
    if ctx.bot_username:
        markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=_("📋 Open the decision"),
            url=f"https://t.me/{ctx.bot_username}?start={progress_link(params['decision_id'])}",
        )]])
    return Rendered("\n".join(lines), reply_markup=markup)
