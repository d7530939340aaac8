"""Renderers of the meeting messages the outbox sends: the poll in each group (live counts,
three buttons per candidate time), the chosen time with its calendar file, the reminders,
the minutes, the creator's notice with buttons to choose another time, and the note to a
reporter whose case was on the agenda. The /meeting preview uses `poll_text` too. The poll,
the chosen time and the reminders name the place, if there is one, and how long the meeting
lasts (2 hours for a post queued before there was a choice).

Importing this module registers them with bot.ui.render.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_skeleton
from babel.units import format_unit

from bot.domain.clock import as_utc
from bot.domain.meetings import DEFAULT_DURATION
from bot.ui import fmt
from bot.ui.ics import calendar
from bot.ui.meeting_callbacks import AvailabilityCB, MeetAdminCB
from bot.ui.render import RenderContext, Rendered, renderer

CAPTION_LIMIT, MESSAGE_LIMIT = 1024, 4096
MARKS = {"case": "📋 ", "survey": "📊 ", "text": ""}


def moment(value: str | datetime) -> datetime:
    return as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


def slot_label(value: str | datetime, timezone: str, locale: str) -> str:
    """A candidate time with its weekday: “Thu, Dec 3 19:00” / “12月3日周四 19:00”."""
    local, loc = moment(value).astimezone(ZoneInfo(timezone)), fmt.babel_locale(locale)
    return "{} {}".format(format_skeleton("MMMEd", local, locale=loc),
                          format_skeleton("Hm", local, locale=loc))


def duration_label(minutes: int, locale: str) -> str:
    """How long a meeting lasts, in hours: “1.5 hours” / “1.5小时”."""
    return format_unit(minutes / 60, "duration-hour", locale=fmt.babel_locale(locale))


def duration_of(params: dict[str, Any]) -> int:
    return int(params.get("duration_minutes", DEFAULT_DURATION))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def agenda_lines(params: dict[str, Any]) -> list[str]:
    if not params["agenda"]:
        return []
    return [_("Agenda:"), *(f"{n}. {MARKS.get(kind, '')}{text}"
                            for n, (text, kind) in enumerate(params["agenda"], 1))]


def head(params: dict[str, Any], locale: str) -> list[str]:
    lines = [_("🗓 Meeting: {topic}").format(topic=params["topic"])]
    if params.get("place"):
        lines.append(_("📍 Place: {place}").format(place=params["place"]))
    lines.append(_("⏱ Duration: {duration}").format(
        duration=duration_label(duration_of(params), locale)))
    agenda = agenda_lines(params)
    return lines + ([""] + agenda if agenda else [])


def poll_text(params: dict[str, Any], locale: str) -> str:
    """The group post: the candidate times with ✅ / 🤔 / ❌ counts, and the chosen one once
    answers are closed."""
    tz = params["timezone"]
    lines = [*head(params, locale), ""]
    polling = params["status"] == "polling"
    if polling:
        lines.append(_("When can you come? Answer for each time by {deadline}.").format(
            deadline=fmt.when(moment(params["deadline"]), tz, locale)))
    for n, (slot_id, starts, yes, maybe, no) in enumerate(params["slots"], 1):
        mark = "⭐ " if slot_id == params.get("chosen") else ""
        lines.append(f"{mark}{n}) {slot_label(starts, tz, locale)} — ✅ "
                     f"{fmt.number(yes, locale)} · 🤔 {fmt.number(maybe, locale)} · ❌ "
                     f"{fmt.number(no, locale)}")
    lines.append("")
    if polling:
        lines.append(_("✅ yes · 🤔 if need be · ❌ no. Press a button of each time's row; "
                       "press it again to take your answer back."))
    elif params.get("starts_at"):
        lines.append(_("🏁 Answers are closed. The meeting is on {when}.").format(
            when=fmt.when(moment(params["starts_at"]), tz, locale)))
    return clip("\n".join(lines), MESSAGE_LIMIT)


def poll_keyboard(params: dict[str, Any]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text=f"{n} {icon}", callback_data=AvailabilityCB(
        slot=slot[0], answer=answer).pack()) for answer, icon in
        (("y", "✅"), ("m", "🤔"), ("n", "❌"))] for n, slot in enumerate(params["slots"], 1)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


@renderer("meeting_poll")
def meeting_poll(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    text = poll_text(params, ctx.locale)
    if params["status"] != "polling":
        return Rendered(text)
    return Rendered(text, reply_markup=poll_keyboard(params))


def ics_file(params: dict[str, Any]) -> bytes:
    start = moment(params["starts_at"])
    agenda = "\n".join(agenda_lines(params))
    return calendar(uid=f"meeting-{params['meeting_id']}@zhongyi", stamp=moment(
        params["announced_at"]), start=start,
        end=start + timedelta(minutes=duration_of(params)), summary=params["topic"],
        description=agenda, location=params.get("place"), sequence=int(params.get("sequence", 0)))


@renderer("meeting_scheduled")
def meeting_scheduled(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    when = fmt.when(moment(params["starts_at"]), params["timezone"], ctx.locale)
    first = (_("🔁 New time for the meeting “{topic}”: {when}.") if params.get("changed")
             else _("📅 The meeting “{topic}” will be held on {when}.")).format(
        topic=params["topic"], when=when)
    lines = [first, *head(params, ctx.locale)[1:], "",
             _("Add it to your calendar with the attached file.")]
    return Rendered(clip("\n".join(lines), CAPTION_LIMIT),
                    document=("meeting.ics", ics_file(params)))


@renderer("meeting_reminder")
def meeting_reminder(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    when = fmt.when(moment(params["starts_at"]), params["timezone"], ctx.locale)
    # Worded so they stay true when a reminder comes late, after a downtime.
    text = (_("⏰ Reminder: the meeting “{topic}” starts within the hour, at {when}.")
            if params["before"] == "1h" else
            _("⏰ Reminder: the meeting “{topic}” is coming up on {when}.")).format(
        topic=params["topic"], when=when)
    return Rendered(clip("\n".join([text, *head(params, ctx.locale)[1:]]), MESSAGE_LIMIT))


@renderer("meeting_minutes")
def meeting_minutes(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    when = fmt.when(moment(params["starts_at"]), params["timezone"], ctx.locale)
    lines = [_("📝 Minutes of the meeting “{topic}” ({when})").format(
        topic=params["topic"], when=when), "", params["minutes"], "",
        _("✅ Outcome: {outcome}").format(outcome=params["outcome"])]
    agenda = agenda_lines(params)
    if agenda:
        lines += ["", *agenda]
        if any(kind == "case" for _text, kind in params["agenda"]):
            lines.append(_("📋 The reports on the agenda show this meeting on their "
                           "timeline; their reporters were told."))
    return Rendered(clip("\n".join(lines), MESSAGE_LIMIT))


@renderer("meeting_closed_creator")
def meeting_closed_creator(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    tz, locale = params["timezone"], ctx.locale
    chosen = next(s for s in params["slots"] if s[0] == params["chosen"])
    text = _("🗓 Answers for “{topic}” are in. The time most can come to: {when} (✅ {yes} · "
             "🤔 {maybe} · ❌ {no}). It was announced in the groups with a calendar file.\n"
             "Prefer another time? Press it below; the groups will be told.").format(
        topic=params["topic"], when=slot_label(chosen[1], tz, locale),
        yes=chosen[2], maybe=chosen[3], no=chosen[4])
    return Rendered(text, reply_markup=times_keyboard(params["meeting_id"], params["slots"],
                                                      params["chosen"], tz, locale))


def times_keyboard(meeting_id: int, slots: list[list[Any]], chosen: int | None,
                   timezone: str, locale: str) -> InlineKeyboardMarkup | None:
    """One button per candidate time but the chosen one, with its counts."""
    rows = [[InlineKeyboardButton(
        text=f"🔁 {slot_label(starts, timezone, locale)} · ✅ {yes} 🤔 {maybe} ❌ {no}",
        callback_data=MeetAdminCB(action="choose", meeting=meeting_id, slot=slot_id).pack())]
        for slot_id, starts, yes, maybe, no in slots if slot_id != chosen]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


@renderer("meeting_case")
def meeting_case(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    text = _("📝 Your report #{number} was discussed at the meeting “{topic}”.\nOutcome: "
             "{outcome}").format(number=params["number"], topic=params["topic"],
                                 outcome=params["outcome"])
    return Rendered(clip(text, MESSAGE_LIMIT))
