"""Surveys and polls as residents see them: the group post and each question, in the
current locale. The /survey preview and the outbox renderer both use these functions, so
the preview is exactly what residents get."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_skeleton

from bot.domain.clock import as_utc
from bot.domain.surveys import FREE_TEXT_MAX, QuestionKind, share
from bot.ui import fmt

BAR_CELLS = 10


class OptionLike(Protocol):
    text: str


class QuestionLike(Protocol):
    """What a question needs to be shown (bot.services.surveys.QuestionView fits)."""

    kind: QuestionKind | str
    text: str
    required: bool
    max_choices: int | None
    options: tuple[OptionLike, ...]


def current_locale() -> str:
    return get_i18n().current_locale


def kind_name(kind: str) -> str:
    return {"single": _("single choice"), "multi": _("multiple choice"),
            "rating": _("rating 1–5"), "text": _("free text")}.get(str(kind), str(kind))


def audience_name(audience: str) -> str:
    return {"residents": _("every verified resident"),
            "households": _("one answer per household"),
            "owners": _("owners only")}.get(str(audience), str(audience))


def day_button(day: date) -> str:
    """A short weekday and date for a button, e.g. “Wed, Dec 2” / “12月2日周三”."""
    return format_skeleton("MMMEd", day, locale=fmt.babel_locale(current_locale()))


def bar(part: float) -> str:
    filled = round(part * BAR_CELLS)
    return "▓" * filled + "░" * (BAR_CELLS - filled)


def poll_lines(params: dict[str, Any], locale: str) -> list[str]:
    """The poll's options with their counts, or the promise of results after closing."""
    if not (params["live"] or params["closed"]):
        return [_("📈 Results will be shown after closing.")]
    counts = {str(k): int(v) for k, v in params.get("counts", {}).items()}
    total = sum(counts.values())
    lines = []
    for option_id, text in params["options"]:
        count = counts.get(str(option_id), 0)
        lines.append(f"{text}\n{bar(share(count, total))} {fmt.number(count, locale)} "
                     f"({fmt.percent(share(count, total), locale)})")
    lines.append(_("Votes so far: {count}").format(count=fmt.number(total, locale))
                 if not params["closed"] else
                 _("Votes: {count}").format(count=fmt.number(total, locale)))
    return lines


def post_text(params: dict[str, Any]) -> str:
    """The group post of a survey or poll, from bot.services.surveys.post_params output."""
    locale = current_locale()
    poll = params["kind"] == "poll"
    lines = [("📊 " if poll else "📋 ") + params["title"]]
    if params.get("description"):
        lines += ["", params["description"]]
    lines.append("")
    if not poll:
        lines.append(_("❓ Questions: {count}").format(count=params["questions"]))
    lines.append(_("👥 Who answers: {audience}").format(
        audience=audience_name(params["audience"])))
    if params["anonymous"]:
        lines.append(_("🔒 Anonymous: nobody, admins included, can see who answered what."))
    if params["closed"]:
        lines.append(_("🏁 Closed. Thank you for taking part."))
    else:
        deadline = as_utc(datetime.fromisoformat(params["deadline"]))
        lines.append(_("⏰ Open until {deadline}").format(
            deadline=fmt.when(deadline, params["timezone"], locale)))
    if poll:
        lines += ["", *poll_lines(params, locale)]
        if not params["closed"]:
            lines += ["", _("Tap an option below to vote.")]
    elif not params["closed"]:
        lines.append(_("📈 Results: shown live while it is open.") if params["live"]
                     else _("📈 Results: shown after closing."))
    return "\n".join(lines)


def question_hint(question: QuestionLike) -> str:
    kind = QuestionKind(question.kind)
    if kind is QuestionKind.SINGLE:
        return _("Choose one answer.")
    if kind is QuestionKind.MULTI:
        most = question.max_choices or len(question.options)
        return _("Choose up to {count} answers.").format(count=most)
    if kind is QuestionKind.RATING:
        return _("Rate from 1 (very poor) to 5 (very good).")
    return _("Write your answer in one message (up to {limit} characters).").format(
        limit=FREE_TEXT_MAX)


def question_text(question: QuestionLike, index: int, total: int) -> str:
    """One question as it is asked; `index` counts from 1."""
    header = _("Question {index} of {total}").format(index=index, total=total)
    if not question.required:
        header = _("{header} · optional").format(header=header)
    return f"{header}\n\n{question.text}\n\n{question_hint(question)}"


def question_preview(question: QuestionLike, index: int, total: int) -> str:
    """The question with its answer buttons drawn as lines, for the creator's preview."""
    kind = QuestionKind(question.kind)
    if kind is QuestionKind.RATING:
        choices = ["⭐ 1 · 2 · 3 · 4 · 5"]
    else:
        mark = "○" if kind is QuestionKind.SINGLE else "☐"
        choices = [f"{mark} {o.text}" for o in question.options]
    return "\n".join([question_text(question, index, total), *choices])
