"""Renderers of the posts about cases: the card a body acts on, the anonymous card in the
building's group, the reporter's notices, the question to rate a resolved case, reminders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.cases import priority
from bot.ui import fmt
from bot.ui.case_callbacks import CaseCB, MeTooCB, MyCaseCB, action_link
from bot.ui.case_texts import (
    body_name,
    case_number,
    category_name,
    event_name,
    place_name,
    status_name,
)
from bot.ui.render import RenderContext, Rendered, renderer

OPEN = ("new", "info", "accepted")
TEXT_LIMIT = 4096
DESCRIPTION_SHOWN = 1500  # leaves room for the timeline in one message


def _when(params: dict[str, Any], key: str, ctx: RenderContext) -> str:
    return fmt.when(datetime.fromisoformat(params[key]), params["timezone"], ctx.locale)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def header(params: dict[str, Any]) -> str:
    urgent = _("🚨 URGENT") + " " if params.get("urgent") else ""
    return _("{urgent}Case {number} · {category}").format(
        urgent=urgent, number=case_number(params["number"]),
        category=category_name(params["category"]))


def place_line(params: dict[str, Any]) -> str:
    place = place_name(params["place"])
    if params["place"] == "home":
        place = params["place_label"] or _("a home in the building")
    elif params.get("place_label"):
        place = f"{place} — {params['place_label']}"
    line = _("📍 Where: {place}").format(place=place)
    if params.get("location"):
        lat, lon = params["location"]
        line += f" ({lat:.5f}, {lon:.5f})"
    return line


def timeline_lines(params: dict[str, Any], ctx: RenderContext) -> list[str]:
    lines = [_("Timeline:")]
    if params.get("timeline_hidden"):
        lines.append(_("… {count} earlier steps").format(count=params["timeline_hidden"]))
    for at, kind, actor, note, details in params["timeline"]:
        line = "• {} {}".format(fmt.short_when(datetime.fromisoformat(at), params["timezone"],
                                               ctx.locale), event_name(kind))
        if kind == "rated":
            line += " " + "⭐" * int(details.get("rating", 0))
        if actor:
            line += f" — {actor}"
        if note:
            line += f": “{_clip(note, 200)}”"
        lines.append(line)
    return lines


def deadline_lines(params: dict[str, Any], ctx: RenderContext) -> list[str]:
    """The deadlines of an open case; once it has climbed the chain, the deadline that
    passed and when it climbs again if nobody acts."""
    overdue = params.get("overdue", False)
    lines = []
    if not params["acked"]:
        text = (_("⚠️ Accept deadline passed: {deadline}") if overdue
                else _("⏱ Accept by {deadline}"))
        lines.append(text.format(deadline=_when(params, "ack_due", ctx)))
    text = (_("⚠️ Resolve deadline passed: {deadline}") if overdue and params["acked"]
            else _("⏱ Resolve by {deadline}"))
    lines.append(text.format(deadline=_when(params, "resolve_due", ctx)))
    if overdue and params.get("next_escalation"):
        lines.append(_("⏫ If nobody acts, it goes to {body} at {time}").format(
            body=body_name(params["next_body"]),
            time=_when(params, "next_escalation", ctx)))
    return lines


def card_text(params: dict[str, Any], ctx: RenderContext) -> str:
    lines = []
    if params.get("escalated"):
        lines.append(_("⏫ Escalated to you: {body} has not acted in time.").format(
            body=body_name(params["body"])))
    if params.get("reassigned"):
        lines.append(_("↪️ Reassigned to {body}.").format(body=body_name(params["body"])))
    if params.get("reopened"):
        lines.append(_("🔁 Reopened: the reporter says it is not fixed."))
    lines += [header(params), _clip(params["description"], DESCRIPTION_SHOWN), place_line(params)]
    if params.get("reporter"):
        lines.append(_("👤 Reported by {name}").format(name=params["reporter"]))
    lines.append(_("Responsible: {body}").format(body=body_name(params["body"])))
    if params["level_body"] != params["body"]:
        lines.append(_("Escalated to: {body}").format(body=body_name(params["level_body"])))
    lines.append(_("Status: {status}").format(status=status_name(params["status"])))
    if params["status"] in OPEN:
        lines += deadline_lines(params, ctx)
    if params.get("supporters"):
        lines.append(_("👥 Neighbours affected too: {count}").format(
            count=fmt.number(params["supporters"], ctx.locale)))
    if priority(params["urgent"], params.get("supporters", 0)) == "raised":
        lines.append(_("⬆️ Priority raised: several neighbours are affected."))
    if params.get("photos"):
        lines.append(_("📷 Photos: {count} (below)").format(count=len(params["photos"])))
    text = "\n".join(lines + [""] + timeline_lines(params, ctx))
    return _clip(text, TEXT_LIMIT)


def body_keyboard(params: dict[str, Any], ctx: RenderContext) -> InlineKeyboardMarkup | None:
    """Accept in place; the steps that need a note or a choice open the private chat."""
    if params["status"] not in OPEN:
        return None
    case_id = params["case_id"]

    def link(text: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text=text, url=f"https://t.me/{ctx.bot_username}?start={action_link(action, case_id)}")

    first = [link(_("❓ Ask for information"), "ask")]
    if params["status"] != "accepted":
        first.insert(0, InlineKeyboardButton(
            text=_("✅ Accept"), callback_data=CaseCB(action="accept", case=case_id).pack()))
    return InlineKeyboardMarkup(inline_keyboard=[
        first,
        [link(_("🛠 Resolve"), "resolve"), link(_("↪️ Reassign"), "reassign"),
         link(_("🚫 Reject"), "reject")],
    ])


@renderer("case_card")
def case_card(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    return Rendered(card_text(params, ctx), reply_markup=body_keyboard(params, ctx),
                    photo_ids=tuple(params.get("photos") or ()))


@renderer("case_neighbours")
def case_neighbours(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    lines = [_("🏘 A neighbour reported a problem in our building."), header(params),
             _clip(params["description"], DESCRIPTION_SHOWN), place_line(params),
             _("Status: {status}").format(status=status_name(params["status"])),
             _("👥 Neighbours affected too: {count}").format(
                 count=fmt.number(params["supporters"], ctx.locale))]
    markup = None
    if params["status"] in OPEN:
        lines.append(_("Affected too? Press “Me too”: it raises the case's priority."))
        markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=_("🙋 Me too"), callback_data=MeTooCB(case=params["case_id"]).pack())]])
    return Rendered("\n".join(lines), reply_markup=markup)


def _quote(note: str | None) -> str:
    return f"“{_clip(note, 1000)}”" if note else ""


@renderer("case_update")
def case_update(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """A change of the reporter's (or a supported) case, in private."""
    number, body = case_number(params["number"]), body_name(params.get("by") or params["body"])
    event, note = params["event"], params.get("note")
    texts = {
        "accepted": lambda: _("🛠 {body} accepted your report {number} and is working on "
                              "it.").format(body=body, number=number),
        "info_asked": lambda: _("❓ {body} needs more information about your report {number}:"
                                "\n{question}\nPress “Answer” and send your reply.").format(
            body=body, number=number, question=_quote(note)),
        "reassigned": lambda: _("↪️ Your report {number} was passed to {body}, who is "
                                "responsible for it.").format(body=body, number=number),
        "rejected": lambda: _("🚫 {body} rejected report {number}. Reason: {reason}\nIf you "
                              "disagree, talk to the residents' committee.").format(
            body=body, number=number, reason=_quote(note)),
        "resolved": lambda: _("✅ {body} says report {number} is resolved: {note}").format(
            body=body, number=number, note=_quote(note)),
        "escalated": lambda: _("⏫ Report {number} was not handled in time and has been "
                               "passed up to {level}.").format(
            number=number, level=body_name(params["level_body"])),
        "auto_closed": lambda: _("☑️ Report {number} was closed: it was resolved 7 days ago "
                                 "and we heard nothing more. Send /report if the problem "
                                 "comes back.").format(number=number),
    }
    text = texts[event]()
    if params.get("supporter"):
        text = _("About a problem you also reported (“me too”):") + "\n" + text
    markup = None
    if event == "info_asked" and not params.get("supporter"):
        markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=_("✍️ Answer"),
            callback_data=MyCaseCB(action="answer", case=params["case_id"]).pack())]])
    return Rendered(text, reply_markup=markup)


def rating_keyboard(case_id: int) -> InlineKeyboardMarkup:
    stars = [InlineKeyboardButton(text="⭐" * n if n < 4 else f"{n}⭐",
                                  callback_data=MyCaseCB(action="rate", case=case_id,
                                                         value=n).pack())
             for n in range(1, 6)]
    return InlineKeyboardMarkup(inline_keyboard=[stars, [InlineKeyboardButton(
        text=_("🔁 Not fixed — reopen"),
        callback_data=MyCaseCB(action="reopen", case=case_id).pack())]])


@renderer("case_resolved")
def case_resolved(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """Resolved: the reporter is asked whether it is really fixed."""
    text = _("✅ {body} says your report {number} is resolved: {note}\n\nIs it really fixed? "
             "Rate the result from 1 (bad) to 5 (very good), or reopen the case if it is "
             "not. Without an answer the case closes in 7 days.").format(
        body=body_name(params.get("by") or params["body"]), number=case_number(params["number"]),
        note=_quote(params.get("note")))
    photo = params.get("photo")
    return Rendered(text, reply_markup=rating_keyboard(params["case_id"]),
                    photo_ids=(photo,) if photo else ())


@renderer("case_reminder")
def case_reminder(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    deadline = _when(params, "deadline", ctx)
    number = case_number(params["number"])
    if params["phase"] == "ack":
        text = _("⏰ Reminder: case {number} has not been accepted yet. Please accept it "
                 "before {deadline}, or it goes up to the next level.").format(
            number=number, deadline=deadline)
    else:
        text = _("⏰ Reminder: case {number} must be resolved before {deadline}, or it goes "
                 "up to the next level.").format(number=number, deadline=deadline)
    if params.get("urgent"):
        text = _("🚨 URGENT") + " " + text
    return Rendered(text + "\n" + _clip(params["description"], 300))


@renderer("case_info_given")
def case_info_given(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    text = _("💬 The reporter of case {number} answered: {answer}").format(
        number=case_number(params["number"]), answer=_quote(params["answer"]))
    return Rendered(text + "\n\n" + card_text(params, ctx)[:TEXT_LIMIT - len(text) - 2],
                    reply_markup=body_keyboard(params, ctx))
