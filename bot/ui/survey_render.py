"""Renderers of the survey messages the outbox sends: the post in each group (a poll with
its option buttons and live counts), the results with their chart, the free-text answers
for the creator and the committee, reminders, the floor contact's list of homes still
missing, and the note that a contact recorded a household's answers at the door.

Importing this module registers them with bot.ui.render.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime, timedelta
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.ui import fmt
from bot.ui.charts import mean_text, panels, results_chart
from bot.ui.render import RenderContext, Rendered, renderer
from bot.ui.survey_links import PollCB, answer_link
from bot.ui.survey_texts import post_text

CAPTION_LIMIT, MESSAGE_LIMIT = 1024, 4096
CHARTS_KEPT = 8
#: Results counted this long after the deadline (the bot was down) also say when.
COUNTED_LATE = timedelta(minutes=10)


def _deadline(params: dict[str, Any], locale: str) -> str:
    return fmt.when(datetime.fromisoformat(params["deadline"]), params["timezone"], locale)


def _link_button(text: str, ctx: RenderContext, survey_id: int) -> InlineKeyboardMarkup | None:
    if not ctx.bot_username:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=text, url=answer_link(ctx.bot_username, survey_id))]])


@renderer("survey_post")
def survey_post(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """The group post: the same text as the creator's preview, with an Answer link for a
    survey, or one vote button per option (with its live count) for a poll."""
    text = post_text(params)
    if params.get("closed"):
        return Rendered(text)
    if params["kind"] != "poll":
        return Rendered(text, reply_markup=_link_button(_("📝 Answer 参与"), ctx,
                                                        params["survey_id"]))
    counts = params.get("counts", {})
    rows = [[InlineKeyboardButton(
        text=f"{option} · {fmt.number(counts.get(str(option_id), 0), ctx.locale)}"
        if params["live"] else option,
        callback_data=PollCB(survey=params["survey_id"], option=option_id).pack())]
        for option_id, option in params["options"]]
    return Rendered(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


def _question_block(number: int, q: dict[str, Any], locale: str) -> list[str]:
    n = fmt.number(q["respondents"], locale)
    if q["kind"] == "text":
        return [_("{number}. {question} — {count} written answers, sent to the creator and "
                  "the committee.").format(number=number, question=q["text"], count=n)]
    lines = [_("{number}. {question} — {count} answered").format(
        number=number, question=q["text"], count=n)]
    if q.get("options") is not None:
        lines += ["   " + _("{option}: {count} ({share})").format(
            option=o["text"], count=fmt.number(o["count"], locale),
            share=fmt.percent(o["share"], locale)) for o in q["options"]]
    elif q.get("ratings") is not None:
        spread = " · ".join(f"{v}: {fmt.number(q['ratings'][str(v)], locale)}"
                            for v in range(1, 6))
        lines.append("   " + _("Mean {mean} of 5 ({spread})").format(
            mean=mean_text(q["mean"], locale), spread=spread))
    return lines


def _turnout(label: str, t: dict[str, int], locale: str) -> str:
    share = t["answered"] / t["households"] if t["households"] else 0.0
    # "label: n" wording needs no plural forms, in any language.
    return _("{label}: households answered {answered}/{households} ({share}); residents "
             "answered: {residents}").format(label=label,
                                             answered=fmt.number(t["answered"], locale),
                                 households=fmt.number(t["households"], locale),
                                 share=fmt.percent(share, locale),
                                 residents=fmt.number(t["residents"], locale))


def _size(lines: list[str]) -> int:
    # Measured in UTF-16 code units (an emoji counts twice): never over Telegram's limit,
    # whichever way it counts.
    return len("\n".join(lines).encode("utf-16-le")) // 2


def _fit(head: list[str], blocks: list[list[str]], tail: list[str], limit: int,
         chart: bool) -> str:
    """Head, as many question blocks as fit, a note of those left out, then the tail."""
    kept: list[str] = []
    for index, block in enumerate(blocks):
        left = len(blocks) - index
        note = (_("… {count} more questions: see the chart.") if chart
                else _("… {count} more questions.")).format(count=left)
        if _size([*head, *kept, *block, note, "", *tail]) > limit:
            return _cut([*head, *kept, note, "", *tail], limit)
        kept += block
    return _cut([*head, *kept, "", *tail], limit)


def _cut(lines: list[str], limit: int) -> str:
    """The lines, shortened only if even the head and tail are too long (a safety net)."""
    text = "\n".join(lines)
    return text if _size(lines) <= limit else text[:limit // 2]


def closed_line(params: dict[str, Any], locale: str) -> str:
    """When it closed, as residents were told: the announced deadline — and when it was
    counted only if that was notably later (the bot was down) — or the early close."""
    closed_at = datetime.fromisoformat(params["closed_at"])
    # Rows queued before the deadline was sent along closed at their deadline.
    deadline = datetime.fromisoformat(params.get("deadline") or params["closed_at"])
    closed, announced = (fmt.when(moment, params["timezone"], locale)
                         for moment in (closed_at, deadline))
    if closed_at < deadline:
        return _("Closed early, at {when}.").format(when=closed)
    if closed_at - deadline >= COUNTED_LATE:
        return _("Closed at the deadline, {deadline}; counted at {when}.").format(
            deadline=announced, when=closed)
    return _("Closed at the deadline, {deadline}.").format(deadline=announced)


def results_parts(params: dict[str, Any], locale: str,
                  ) -> tuple[list[str], list[list[str]], list[str], list[str]]:
    """The results text in parts: head, one block per question, what the caption must keep
    (turnout overall, of this group, door to door), and the turnout per building."""
    results = params["results"]
    head = [_("📊 Results: {title}").format(title=results["title"]),
            closed_line(params, locale), ""]
    blocks = [_question_block(n, q, locale) for n, q in enumerate(results["questions"], 1)]
    turnout, group = results["turnout"], params["group"]
    door_share = turnout["door"] / turnout["answered"] if turnout["answered"] else 0.0
    tail = [_turnout(_("Turnout"), turnout, locale), _turnout(_("This group"), group, locale),
            _("Households collected door to door: {count} ({share} of those that "
              "answered).").format(count=fmt.number(turnout["door"], locale),
                                   share=fmt.percent(door_share, locale))]
    buildings = [_turnout(b["label"], b, locale) for b in results.get("buildings", [])]
    return head, blocks, tail, buildings if len(buildings) > 1 else []


@functools.lru_cache(maxsize=CHARTS_KEPT)
def _chart(key: str, locale: str) -> bytes:
    # Every group of a survey gets the same chart: drawn once per language, not 500 times.
    return results_chart(json.loads(key), locale)


@renderer("survey_results")
def survey_results(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    results = params["results"]
    head, blocks, tail, buildings = results_parts(params, ctx.locale)
    if not panels(results, ctx.locale):
        return Rendered(_fit(head, blocks, tail + buildings, MESSAGE_LIMIT, chart=False))
    key = json.dumps({k: results.get(k) for k in ("survey_id", "questions", "buildings")},
                     ensure_ascii=False, sort_keys=True)
    # A photo's caption holds 1,024 characters: what does not fit is left to the chart.
    full = [*head, *(line for b in blocks for line in b), "", *tail, *buildings]
    text = "\n".join(full) if _size(full) <= CAPTION_LIMIT else _fit(
        head, blocks, tail, CAPTION_LIMIT, chart=True)
    return Rendered(text, photo=_chart(key, ctx.locale))


@renderer("survey_texts")
def survey_texts(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    lines = [_("📝 Written answers to “{title}” (only the creator and the committee get "
               "these)").format(title=params["title"])]
    count = 0
    for question, answers in params["texts"].items():
        lines += ["", f"❓ {question}", *(f"• {a}" for a in answers)]
        count += len(answers)
    text = "\n".join(lines)
    if _size(lines) <= MESSAGE_LIMIT:
        return Rendered(text)
    caption = _("📝 {count} written answers to “{title}”, in the attached file (only the "
                "creator and the committee get these).").format(
        count=fmt.number(count, ctx.locale), title=params["title"])
    return Rendered(caption[:CAPTION_LIMIT],
                    document=(f"survey-{params.get('survey_id', 'answers')}-texts.txt",
                              text.encode("utf-8")))


@renderer("survey_reminder")
def survey_reminder(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    text = _("⏰ Reminder: you have not answered “{title}” yet. It closes {deadline}.").format(
        title=params["title"], deadline=_deadline(params, ctx.locale))
    return Rendered(text, reply_markup=_link_button(_("📝 Answer 参与"), ctx,
                                                    params["survey_id"]))


@renderer("survey_missing")
def survey_missing(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    rooms = params["rooms"]
    text = _("📋 “{title}” closes {deadline}. Homes of {floor} nobody has answered for yet "
             "({count}): {rooms}").format(
        title=params["title"], deadline=_deadline(params, ctx.locale), floor=params["floor"],
        count=fmt.number(len(rooms), ctx.locale), rooms=", ".join(rooms))
    return Rendered(_cut([text], MESSAGE_LIMIT))


@renderer("door_recorded")
def door_recorded(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    text = _("🚪 Your floor contact recorded the answers of {household} to “{title}”, "
             "collected at your door. If they are not what you would say, you can change "
             "them before the deadline.").format(household=params["household"],
                                                 title=params["title"])
    return Rendered(text, reply_markup=_link_button(_("✏️ Change my answers"), ctx,
                                                    params["survey_id"]))


def live_text(results: dict[str, Any], locale: str) -> str:
    """An open survey's figures so far, shown to a resident after answering when the
    creator chose live results."""
    lines = [_("📈 Results so far: {title}").format(title=results["title"]), ""]
    for number, question in enumerate(results["questions"], 1):
        lines += [*_question_block(number, question, locale), ""]
    lines.append(_turnout(_("Turnout"), results["turnout"], locale))
    return _cut(lines, 4096)


@renderer("survey_turnout")
def survey_turnout(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """Turnout by building and by floor, to the creator and the committee at closing."""
    lines = [_("🏢 Turnout of “{title}” by building and floor:").format(title=params["title"])]
    for building in params["buildings"]:
        lines += ["", _turnout(building["label"], building, ctx.locale)]
        lines += [_turnout(f["label"], f, ctx.locale) for f in params["floors"]
                  if f["building_id"] == building["building_id"]]
    return Rendered(_cut(lines, 4096))
