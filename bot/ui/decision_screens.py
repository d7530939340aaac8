"""Screens of decisions in the private chat: the /decisions list, one decision's detail
(with "Post progress" and "Mark done" for the responsible body), and the steps of posting
an update or closing one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.decisions import PERCENT_STEPS
from bot.ui import fmt
from bot.ui.case_texts import body_name
from bot.ui.decision_callbacks import DecisionCB
from bot.ui.decision_render import day_of, origin_lines, progress_line, quote

TITLE_IN_BUTTON = 40
TITLE_IN_LIST = 80
#: The list shows this many (open ones first); a message has room for about that many.
LIST_SHOWN = 30


def _button(text: str, action: str, decision: int, value: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=DecisionCB(
        action=action, decision=decision, value=value).pack())


def cancel_row(decision: int) -> list[InlineKeyboardButton]:
    return [_button(_("✖️ Cancel"), "cancel", decision)]


def cancel_markup(decision: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[cancel_row(decision)])


def status_line(item: Any, locale: str) -> str:
    """🟢 open 40 % · due … / ⏰ overdue … / ✅ done … — of a brief or a full view."""
    percent = fmt.percent(item.progress / 100, locale)
    if item.status == "done":
        return _("✅ done {day}").format(day=day_of(item.done_at, item.timezone, locale))
    due = day_of(item.due_at, item.timezone, locale)
    if item.overdue:
        return _("⏰ overdue {percent} · was due {day}").format(percent=percent, day=due)
    return _("🟢 open {percent} · due {day}").format(percent=percent, day=due)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def list_screen(items: Sequence[Any], locale: str) -> tuple[str, InlineKeyboardMarkup | None]:
    if not items:
        return _("No decisions yet. When a motion passes, its decision is listed here "
                 "until it is carried out."), None
    lines, rows = [_("Decisions of your community (open first):")], []
    for n, item in enumerate(items[:LIST_SHOWN], 1):
        lines.append(f"{n}. {_clip(item.title, TITLE_IN_LIST)}\n    "
                     f"{status_line(item, locale)} · {body_name(item.body.json())}")
        rows.append([_button(f"{n}. {_clip(item.title, TITLE_IN_BUTTON)}", "view", item.id)])
    if len(items) > LIST_SHOWN:
        lines.append(_("… and {count} older ones.").format(count=len(items) - LIST_SHOWN))
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def detail_screen(view: Any, locale: str) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [_("📌 Decision: {title}").format(title=view.title), status_line(view, locale),
             progress_line(view.progress, locale),
             _("Responsible: {body}").format(body=body_name(view.body.json()))]
    lines += origin_lines(view.origin.json(), view.title)
    if view.updates:
        lines += ["", _("Latest updates:")]
        for update in view.updates:
            photo = " 📷" if update.photo else ""
            lines.append(f"• {fmt.short_when(update.at, view.timezone, locale)} "
                         f"{fmt.percent(update.percent / 100, locale)} — {update.actor}: "
                         f"{quote(update.note)}{photo}")
    markup = None
    if view.can_act:
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [_button(_("📈 Post progress"), "progress", view.id)],
            [_button(_("✅ Mark done"), "done", view.id)]])
    return "\n".join(lines)[:4096], markup


def percent_screen(view: Any, locale: str) -> tuple[str, InlineKeyboardMarkup]:
    """The percentages from the current one up (progress does not go down)."""
    steps = [p for p in PERCENT_STEPS if p >= view.progress]
    buttons = [_button(fmt.percent(p / 100, locale), "percent", view.id, p) for p in steps]
    rows = [buttons[i:i + 5] for i in range(0, len(buttons), 5)] + [cancel_row(view.id)]
    text = _("📈 {title}\nNow at {progress}. How far is it? (100% does not close it: "
             "“Mark done” does.)").format(title=view.title,
                                          progress=progress_line(view.progress, locale))
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def photo_prompt(decision: int) -> tuple[str, InlineKeyboardMarkup]:
    return _("📷 Send a photo of the work now, or press “Skip”."), InlineKeyboardMarkup(
        inline_keyboard=[[_button(_("Skip ➡️"), "skip", decision)], cancel_row(decision)])


def preview_screen(title: str, percent: int, note: str, photo: bool, locale: str,
                   decision: int) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("This is what the groups in scope will see:"), "",
             _("📈 Progress on a decision: {title}").format(title=title),
             progress_line(percent, locale), quote(note)]
    if photo:
        lines.append(_("📷 with your photo"))
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[
        [_button(_("📣 Publish"), "publish", decision)], cancel_row(decision)])


def done_preview(title: str, note: str, decision: int) -> tuple[str, InlineKeyboardMarkup]:
    text = _("✅ Close the decision “{title}” as done, with this note?\n{note}\n\nThe groups "
             "in scope and the committee will be told, and so will the reporters of the "
             "cases it came from.").format(title=title, note=quote(note))
    return text, InlineKeyboardMarkup(inline_keyboard=[
        [_button(_("✅ Confirm: it is done"), "confirm", decision)], cancel_row(decision)])
