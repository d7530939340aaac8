"""Renderers of the notices about a case: the reporter's (and supporters') news of each
step, with the buttons to answer, to rate or reopen, to appeal a rejection; the body's
reminders and the reporter's answers relayed to it.

Body names may be plural (“Community admins”), so no English sentence here makes a verb
agree with one.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.ui.case_callbacks import MyCaseCB
from bot.ui.case_render import clip, header, when_of
from bot.ui.case_texts import body_name, case_number
from bot.ui.render import RenderContext, Rendered, renderer


def _quote(note: str | None) -> str:
    return f"“{clip(note, 1000)}”" if note else ""


def appeal_keyboard(case_id: int, body: list[str | None]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=_("🙋 Ask {body} to review it").format(body=body_name(body)),
        callback_data=MyCaseCB(action="appeal", case=case_id).pack())]])


def _rejected(params: dict[str, Any], number: str, body: str) -> str:
    text = _("🚫 Report {number} was rejected by {body}. Reason: {reason}").format(
        number=number, body=body, reason=_quote(params.get("note")))
    if params.get("supporter"):
        return text
    if params.get("appeal_to"):
        text += "\n" + _("If you disagree, {body} can review it: press the button below."
                         ).format(body=body_name(params["appeal_to"]))
    elif params.get("reviewed"):
        text += "\n" + _("This decision is final: {body} reviewed the case on your appeal."
                         ).format(body=body)
    else:
        text += "\n" + _("This decision is final: there is nobody above {body} to review it."
                         ).format(body=body)
    return text


@renderer("case_update")
def case_update(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """A change of the reporter's (or a supported) case, in private."""
    number, body = case_number(params["number"]), body_name(params.get("by") or params["body"])
    event, note = params["event"], params.get("note")
    texts = {
        "accepted": lambda: _("🛠 Your report {number} was accepted by {body}. Work on it "
                              "has started.").format(body=body, number=number),
        "info_asked": lambda: _("❓ A question from {body} about your report {number}:"
                                "\n{question}\nPress “Answer” and send your reply.").format(
            body=body, number=number, question=_quote(note)),
        "reassigned": lambda: _("↪️ Your report {number} was passed on to {body}, now "
                                "responsible for it.").format(body=body, number=number),
        "rejected": lambda: _rejected(params, number, body),
        "resolved": lambda: _("✅ Report {number} was marked as resolved by {body}: {note}"
                              ).format(body=body, number=number, note=_quote(note)),
        "escalated": lambda: _("⏫ Report {number} was not handled in time and has been "
                               "passed up to {level}.").format(
            number=number, level=body_name(params["level_body"])),
        "auto_closed": lambda: _("☑️ Report {number} was closed: it was resolved 7 days ago "
                                 "and we heard nothing more. Send /report if the problem "
                                 "comes back.").format(number=number),
    }
    text = texts[event]()
    if params.get("reminder"):  # a question unanswered for a day
        text = _("⏰ Reminder: {body} is still waiting for your answer. Until it comes, the "
                 "case waits too.").format(body=body) + "\n" + text
    if params.get("supporter"):
        text = _("About a problem you also reported (“me too”):") + "\n" + text
        return Rendered(text)
    markup = None
    if event == "info_asked":
        markup = answer_keyboard(params["case_id"])
    elif event == "rejected" and params.get("appeal_to"):
        markup = appeal_keyboard(params["case_id"], params["appeal_to"])
    return Rendered(text, reply_markup=markup)


def answer_keyboard(case_id: int) -> InlineKeyboardMarkup:
    """The reporter's way to answer a body's question."""
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=_("✍️ Answer"), callback_data=MyCaseCB(action="answer", case=case_id).pack())]])


def rating_keyboard(case_id: int) -> InlineKeyboardMarkup:
    stars = [InlineKeyboardButton(text=f"{n}⭐",
                                  callback_data=MyCaseCB(action="rate", case=case_id,
                                                         value=n).pack())
             for n in range(1, 6)]
    return InlineKeyboardMarkup(inline_keyboard=[stars, [InlineKeyboardButton(
        text=_("🔁 Not fixed — reopen"),
        callback_data=MyCaseCB(action="reopen", case=case_id).pack())]])


@renderer("case_resolved")
def case_resolved(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """Resolved: the reporter is asked whether it is really fixed, with every photo of
    the result the body sent."""
    text = _("✅ Your report {number} was marked as resolved by {body}: {note}\n\nIs it "
             "really fixed? Rate the result from 1 (bad) to 5 (very good), or reopen the "
             "case if it is not. Without an answer the case closes in 7 days.").format(
        body=body_name(params.get("by") or params["body"]), number=case_number(params["number"]),
        note=_quote(params.get("note")))
    # A notice queued before several photos were kept has the one in "photo".
    photos = params.get("photos") or ([params["photo"]] if params.get("photo") else [])
    return Rendered(text, reply_markup=rating_keyboard(params["case_id"]),
                    photo_ids=tuple(photos))


@renderer("case_reminder")
def case_reminder(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    deadline = when_of(params, "deadline", ctx)
    number = case_number(params["number"])
    if params.get("overdue"):  # its window at the top ran out
        text = _("⚠️ Case {number} is past its deadline ({deadline}), and there is nobody "
                 "above to pass it to. Please act on it now.").format(
            number=number, deadline=deadline)
    elif params.get("top"):  # nobody above: no "or it goes up"
        text = (_("⏰ Reminder: case {number} has not been accepted yet. Please accept it "
                  "before {deadline}.") if params["phase"] == "ack" else
                _("⏰ Reminder: case {number} must be resolved before {deadline}.")).format(
            number=number, deadline=deadline)
    elif params["phase"] == "ack":
        text = _("⏰ Reminder: case {number} has not been accepted yet. Please accept it "
                 "before {deadline}, or it goes up to the next level.").format(
            number=number, deadline=deadline)
    else:
        text = _("⏰ Reminder: case {number} must be resolved before {deadline}, or it goes "
                 "up to the next level.").format(number=number, deadline=deadline)
    if params.get("urgent"):
        text = _("🚨 URGENT") + " " + text
    return Rendered(text + "\n" + clip(params["description"], 300))


@renderer("case_info_given")
def case_info_given(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """A plain notice, without buttons: the case's card (edited in place) is where the
    body acts, so no second copy of it goes stale here. The reporter's photos follow it."""
    number, photos = case_number(params["number"]), params.get("answer_photos") or ()
    if not params.get("answer"):
        text = _("💬 The reporter of case {number} answered with photos (below).").format(
            number=number)
    else:
        text = _("💬 The reporter of case {number} answered: {answer}").format(
            number=number, answer=_quote(params["answer"]))
        if photos:
            text += "\n" + _("📷 With photos (below).")
    return Rendered(text + "\n" + header(params), photo_ids=tuple(photos))
