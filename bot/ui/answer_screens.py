"""Screens of answering a survey — the intro, one question with its buttons, the summary and
the list to change an answer — each a text and an inline keyboard in the reader's language.
Residents see them in private; floor contacts see them at a household's door, where each
screen names the household."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.surveys import FREE_TEXT_MAX, AnswerValue, Audience, QuestionKind
from bot.services.surveys import QuestionView, SurveyView
from bot.ui import fmt
from bot.ui.answer_callbacks import AnswerCB, DoorCB

Screen = tuple[str, InlineKeyboardMarkup]
SUMMARY_ITEM = 100  # characters of a question or an answer shown in the summary
MESSAGE_MAX = 4000  # Telegram's limit is 4,096


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _button(text: str, survey: int, action: str, question: int = 0,
            value: int = 0) -> InlineKeyboardButton:
    data = AnswerCB(action=action, survey=survey, question=question, value=value)
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _cancel(survey: int) -> list[InlineKeyboardButton]:
    return [_button(_("✖️ Cancel"), survey, "cancel")]


def intro_screen(view: SurveyView, locale: str, *, answered: bool,
                 household: str | None) -> Screen:
    """What the survey is, how long it runs, who sees the answers; a Start button."""
    lines = [f"📋 {view.title}"]
    if view.description:
        lines.append(view.description)
    lines += ["", _("Questions: {count}").format(count=len(view.questions)),
              _("Open until: {deadline}").format(
                  deadline=fmt.when(view.deadline, view.timezone, locale))]
    lines.append(_("🔒 Anonymous: nobody, the organizers included, can see your choices.")
                 if view.anonymous else
                 _("👤 Not anonymous: the organizers can see your answers."))
    if view.audience is Audience.HOUSEHOLDS:
        lines.append(_("🏠 One answer per home: the latest answer from your home counts."))
    if household:
        lines.append(_("🚪 You are recording the answers of {household}, collected at its "
                       "door.").format(household=household))
    elif answered:
        lines.append(_("✏️ You have answered already. Your answers are ticked: change what "
                       "you like and submit again."))
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[
        [_button(_("▶️ Start"), view.id, "start")], _cancel(view.id)])


def _hint(question: QuestionView, value: AnswerValue) -> str:
    if question.kind is QuestionKind.SINGLE:
        hint = _("Tap your answer.")
    elif question.kind is QuestionKind.MULTI:
        hint = _("Tick up to {limit}, then press “Next”.").format(
            limit=question.max_choices or len(question.options))
    elif question.kind is QuestionKind.RATING:
        hint = _("Tap a rating: 1 is very poor, 5 is very good.")
    else:
        hint = _("Please type your answer and send it (at most {limit} characters).").format(
            limit=FREE_TEXT_MAX)
        if value.text:
            hint += "\n" + _("Your answer so far: {text}").format(text=short(value.text, 300))
    if not question.required:
        hint += "\n" + _("This question is optional: you may skip it.")
    return hint


def _choices(survey: int, question: QuestionView,
             value: AnswerValue) -> list[list[InlineKeyboardButton]]:
    q = question.id
    if question.kind is QuestionKind.SINGLE:
        return [[_button(("✅ " if o.id in value.option_ids else "") + o.text, survey, "pick",
                         q, o.id)] for o in question.options]
    if question.kind is QuestionKind.MULTI:
        rows = [[_button(("☑ " if o.id in value.option_ids else "☐ ") + o.text, survey,
                         "toggle", q, o.id)] for o in question.options]
        return [*rows, [_button(_("Next ➡️"), survey, "next", q)]]
    if question.kind is QuestionKind.RATING:
        return [[_button(("✅" if value.rating == r else "") + f"{r}⭐", survey, "rate", q, r)
                 for r in range(1, 6)]]
    return [[_button(_("👍 Keep this answer"), survey, "keep", q)]] if value.text else []


def question_screen(view: SurveyView, index: int, value: AnswerValue, *, editing: bool,
                    household: str | None) -> Screen:
    """One question: its text, how to answer, the choices, Back / Skip / Cancel."""
    question = view.questions[index]
    lines = [f"🚪 {household}"] if household else []
    lines += [_("Question {number} of {total}").format(number=index + 1,
                                                       total=len(view.questions)),
              "", question.text, "", _hint(question, value)]
    rows = _choices(view.id, question, value)
    nav = []
    if index > 0 or editing:
        nav.append(_button(_("⬅️ Back"), view.id, "back", question.id))
    if not question.required:
        nav.append(_button(_("Skip ⏭"), view.id, "skip", question.id))
    if nav:
        rows.append(nav)
    rows.append(_cancel(view.id))
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def answer_text(question: QuestionView, value: AnswerValue) -> str:
    """An answer as the summary shows it."""
    if value.empty:
        return _("(skipped)")
    if question.kind is QuestionKind.RATING:
        return f"{'⭐' * (value.rating or 0)} ({value.rating}/5)"
    if question.kind is QuestionKind.TEXT:
        return value.text or ""
    names = {o.id: o.text for o in question.options}
    return ", ".join(names.get(o, "?") for o in value.option_ids)


def summary_screen(view: SurveyView, answers: dict[int, AnswerValue], *,
                   household: str | None) -> Screen:
    """Every question with its answer; Submit, Change an answer, Cancel."""
    head = (_("Answers of {household} to “{title}”:") if household
            else _("Your answers to “{title}”:"))
    lines = [head.format(household=household, title=view.title), ""]
    for number, question in enumerate(view.questions, 1):
        lines.append(f"{number}. {short(question.text, SUMMARY_ITEM)}")
        value = answers.get(question.id, AnswerValue())
        lines.append(f"   → {short(answer_text(question, value), SUMMARY_ITEM)}")
    lines += ["", _("Is everything right? Press “Submit”.")]
    return short("\n".join(lines), MESSAGE_MAX), InlineKeyboardMarkup(inline_keyboard=[
        [_button(_("✅ Submit"), view.id, "submit")],
        [_button(_("✏️ Change an answer"), view.id, "change")], _cancel(view.id)])


def change_screen(view: SurveyView) -> Screen:
    """The questions as buttons, to pick the answer to change."""
    rows = [[_button(f"{number}. {short(q.text, 40)}", view.id, "edit", q.id)]
            for number, q in enumerate(view.questions, 1)]
    rows.append([_button(_("⬅️ Back"), view.id, "back")])
    return _("Which answer do you want to change?"), InlineKeyboardMarkup(inline_keyboard=rows)


def thanks_screen(view: SurveyView, locale: str, *, changed: bool) -> Screen:
    """After submitting: recorded (or replaced the earlier answers), changeable until when."""
    text = (_("Thank you! Your new answers replaced your earlier ones.") if changed
            else _("Thank you! Your answers were recorded."))
    text += "\n" + _("You can change them until {deadline}: open the survey again.").format(
        deadline=fmt.when(view.deadline, view.timezone, locale))
    return text, InlineKeyboardMarkup(inline_keyboard=[])


def door_done_screen(survey_id: int, household: str) -> Screen:
    """After recording at a door: who was told; a button to the next home."""
    data = DoorCB(action="survey", survey=survey_id).pack()
    return (_("Recorded for {household}; its residents were told and may change the "
              "answers.").format(household=household),
            InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
                text=_("➡️ Next home"), callback_data=data)]]))
