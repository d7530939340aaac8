"""The steps of answering a survey, shared by conversations.answer_survey (a resident, in
private) and conversations.door_to_door (a floor contact, for a household): the states,
the flow's data, and showing the intro, a question or the summary.

Everything the steps need is in the FSM data (our database), so a restart loses nothing:
the survey id, the household (door to door only), the answers so far as JSON
{question_id: {"o": [option ids], "r": rating, "t": text}}, the current question's index
and whether one answer is being changed from the summary. The survey itself is read again
at each step; eligibility and the deadline are checked again by the submitting service.
"""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.surveys import AnswerValue
from bot.services import UnitOfWork
from bot.services.surveys import QuestionView, SurveyView, get_survey
from bot.ui.answer_callbacks import AnswerCB
from bot.ui.answer_screens import Screen, intro_screen, question_screen, summary_screen


class AnswerSurvey(StatesGroup):
    intro = State()
    question = State()
    summary = State()
    change = State()


def value_of(raw: dict[str, Any] | None) -> AnswerValue:
    raw = raw or {}
    return AnswerValue(tuple(raw.get("o", ())), raw.get("r"), raw.get("t"))


def raw_of(value: AnswerValue) -> dict[str, Any]:
    raw: dict[str, Any] = {"o": list(value.option_ids)} if value.option_ids else {}
    if value.rating is not None:
        raw["r"] = value.rating
    if value.text:
        raw["t"] = value.text
    return raw


def answers_of(data: dict[str, Any]) -> dict[int, AnswerValue]:
    values = {int(k): value_of(v) for k, v in data.get("answers", {}).items()}
    return {k: v for k, v in values.items() if not v.empty}


async def show(message: Message, screen: Screen, *, edit: bool) -> None:
    """Replaces the pressed message's screen, or sends one (after a typed answer)."""
    text, markup = screen
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


async def expired(query: CallbackQuery) -> None:
    await query.answer(_("This button has expired."), show_alert=True)


async def begin(message: Message, state: FSMContext, locale: str, *, survey: SurveyView,
                previous: dict[int, AnswerValue], household_id: int | None = None,
                household: str | None = None, edit: bool = False) -> None:
    """Starts the steps afresh (door to door when a household is given); shows the intro."""
    await state.set_state(AnswerSurvey.intro)
    await state.set_data({"survey_id": survey.id, "household_id": household_id,
                          "household": household, "index": 0, "editing": False,
                          "answers": {str(k): raw_of(v) for k, v in previous.items()}})
    await show(message, intro_screen(survey, locale, answered=bool(previous),
                                     household=household), edit=edit)


async def show_question(message: Message, state: FSMContext, view: SurveyView, *,
                        edit: bool) -> None:
    """Shows the current question, with the answer given so far ticked."""
    data = await state.get_data()
    question = view.questions[data["index"]]
    await state.set_state(AnswerSurvey.question)
    await show(message, question_screen(
        view, data["index"], value_of(data["answers"].get(str(question.id))),
        editing=data["editing"], household=data["household"]), edit=edit)


async def show_summary(message: Message, state: FSMContext, view: SurveyView, *,
                       edit: bool) -> None:
    """Shows every answer, to submit or change."""
    data = await state.update_data(editing=False)
    await state.set_state(AnswerSurvey.summary)
    await show(message, summary_screen(view, answers_of(data), household=data["household"]),
               edit=edit)


async def save_and_advance(message: Message, state: FSMContext, view: SurveyView,
                           question: QuestionView, value: AnswerValue, *, edit: bool) -> None:
    """Stores the answer to the current question; shows the next one or the summary."""
    data = await state.get_data()
    answers = {**data["answers"], str(question.id): raw_of(value)}
    if data["editing"] or data["index"] + 1 >= len(view.questions):
        await state.update_data(answers=answers)
        await show_summary(message, state, view, edit=edit)
        return
    await state.update_data(answers=answers, index=data["index"] + 1)
    await show_question(message, state, view, edit=edit)


async def flow_data(query: CallbackQuery, callback_data: AnswerCB,
                    state: FSMContext) -> dict[str, Any] | None:
    """The flow's data when the press belongs to its survey; None (and "expired") else."""
    data = await state.get_data()
    if callback_data.survey != data.get("survey_id"):
        await expired(query)
        return None
    return data


async def current(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext,
                  uow: UnitOfWork) -> tuple[SurveyView, QuestionView, AnswerValue] | None:
    """The survey, question and answer so far a press belongs to; None (and "expired")
    for a button of another survey or of a question already left."""
    data = await flow_data(query, callback_data, state)
    if data is None:
        return None
    view = await get_survey(uow, callback_data.survey)
    question = view.questions[data["index"]]
    if callback_data.question != question.id:
        await expired(query)
        return None
    return view, question, value_of(data["answers"].get(str(question.id)))
