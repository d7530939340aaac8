"""Renderers of the cards of a case: the card a body acts on and the anonymous card in the
building's group (the notices about a case are in `case_notices`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.cases import priority
from bot.ui import fmt
from bot.ui.case_callbacks import CaseCB, MeTooCB, action_link
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


def when_of(params: dict[str, Any], key: str, ctx: RenderContext) -> str:
    return fmt.when(datetime.fromisoformat(params[key]), params["timezone"], ctx.locale)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def header(params: dict[str, Any]) -> str:
    urgent = _("🚨 URGENT") + " " if params.get("urgent") else ""
    return _("{urgent}Case {number} · {category}").format(
        urgent=urgent, number=case_number(params["number"]),
        category=category_name(params["category"]))


def place_line(params: dict[str, Any]) -> str:
    place = place_name(params["place"])
    if params["place"] == "location":  # the line has its own 📍 already
        place = _("Shared location")
    elif params["place"] == "home":
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
            line += f": “{clip(note, 200)}”"
        lines.append(line)
    return lines


def deadline_lines(params: dict[str, Any], ctx: RenderContext) -> list[str]:
    """The deadlines of an open case; once it has climbed the chain, the deadline that
    passed and when it climbs again if nobody acts."""
    if params["status"] == "info":
        return [_("⏸ Waiting for the reporter's answer to a question. The deadline moves on "
                  "by as long as that takes.")]
    overdue = params.get("overdue", False)
    lines = []
    if not params["acked"]:
        text = (_("⚠️ Accept deadline passed: {deadline}") if overdue
                else _("⏱ Accept by {deadline}"))
        lines.append(text.format(deadline=when_of(params, "ack_due", ctx)))
    text = (_("⚠️ Resolve deadline passed: {deadline}") if overdue and params["acked"]
            else _("⏱ Resolve by {deadline}"))
    lines.append(text.format(deadline=when_of(params, "resolve_due", ctx)))
    if overdue and params.get("next_escalation"):
        lines.append(_("⏫ If nobody acts, it goes to {body} at {time}").format(
            body=body_name(params["next_body"]),
            time=when_of(params, "next_escalation", ctx)))
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
    if params.get("appealed"):
        lines.append(_("🙋 Appeal: {body} rejected this case; the reporter asks you to "
                       "review it.").format(body=body_name(params["appealed"])))
    lines += [header(params), clip(params["description"], DESCRIPTION_SHOWN), place_line(params)]
    if params.get("reporter"):
        lines.append(_("👤 Reported by {name}").format(name=params["reporter"]))
    lines.append(_("Responsible: {body}").format(body=body_name(params["body"])))
    if params["level_body"] != params["body"]:
        lines.append(_("Escalated to: {body}").format(body=body_name(params["level_body"])))
    lines.append(_("Status: {status}").format(status=status_name(params["status"])))
    if params["status"] in OPEN:
        lines += deadline_lines(params, ctx)
        if params.get("read_only"):
            lines.append(_("🔒 {body} handles this case now: nothing more to do here.")
                         .format(body=body_name(params["level_body"])))
    if params.get("supporters"):
        lines.append(_("👥 Neighbours affected too: {count}").format(
            count=fmt.number(params["supporters"], ctx.locale)))
    if priority(params["urgent"], params.get("supporters", 0)) == "raised":
        lines.append(_("⬆️ Priority raised: several neighbours are affected."))
    if params.get("photos"):
        lines.append(_("📷 Photos: {count} (below)").format(count=len(params["photos"])))
    text = "\n".join(lines + [""] + timeline_lines(params, ctx))
    return clip(text, TEXT_LIMIT)


def body_keyboard(params: dict[str, Any], ctx: RenderContext) -> InlineKeyboardMarkup | None:
    """Accept in place; the steps that need a note or a choice open the private chat. None
    once the case is closed, or on a read-only card: in the group of a body that no longer
    handles the case."""
    if params["status"] not in OPEN or params.get("read_only"):
        return None
    case_id = params["case_id"]

    def link(text: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text=text, url=f"https://t.me/{ctx.bot_username}?start={action_link(action, case_id)}")

    first = [link(_("❓ Ask for information"), "ask")]
    if not params["acked"]:  # neither accepted nor answered with a question yet
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
             clip(params["description"], DESCRIPTION_SHOWN), place_line(params),
             _("Status: {status}").format(status=status_name(params["status"])),
             _("👥 Neighbours affected too: {count}").format(
                 count=fmt.number(params["supporters"], ctx.locale))]
    markup = None
    if params["status"] in OPEN:
        lines.append(_("Affected too? Press “Me too”: it raises the case's priority."))
        markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=_("🙋 Me too"), callback_data=MeTooCB(case=params["case_id"]).pack())]])
    return Rendered("\n".join(lines), reply_markup=markup)
