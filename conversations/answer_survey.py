"""Answering a survey in private, opened by its deep link (`/start s_<id>`): intro → one
question at a time (one tap, or one typed message for free text) → summary → submit.
Door to door (conversations.door_to_door) runs the same steps for a household; only the
final service call differs.

```mermaid
flowchart LR
  intro -->|Start| question -->|answer / Skip| question
  question -->|Back| question
  question -->|last one| summary -->|Change an answer| change --> question --> summary
  summary -->|Submit| thanks
```

The steps and the flow's data (which survive a restart) are in conversations.answer_steps;
this module holds the handlers of the buttons and messages, in the order users meet them.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.surveys import FREE_TEXT_MAX, AnswerValue, QuestionKind
from bot.services import InvalidInput, UnitOfWork
from bot.services.answering import (
    NotEligible,
    open_for_answering,
    submit_answers,
    submit_door_answers,
)
from bot.services.survey_close import results_so_far
from bot.services.surveys import get_survey
from bot.ui.answer_callbacks import AnswerCB
from bot.ui.answer_screens import (
    change_screen,
    door_done_screen,
    question_screen,
    thanks_screen,
)
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND
from bot.ui.survey_render import live_text
from conversations.answer_steps import (
    AnswerSurvey,
    answers_of,
    begin,
    current,
    expired,
    flow_data,
    raw_of,
    save_and_advance,
    show,
    show_question,
    show_summary,
)


async def cmd_answer_link(message: Message, command: CommandObject, state: FSMContext,
                          uow: UnitOfWork, locale: str) -> None:
    """Checks that the user may answer (else says why), then shows the survey's intro."""
    context = await open_for_answering(uow, message.from_user.id,
                                       int(command.args.removeprefix("s_")))
    await begin(message, state, locale, survey=context.survey, previous=context.previous)


async def on_start(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext,
                   uow: UnitOfWork) -> None:
    """Shows the first question."""
    if await flow_data(query, callback_data, state) is None:
        return
    await query.answer()
    await show_question(query.message, state, await get_survey(uow, callback_data.survey),
                        edit=True)


async def on_choice(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Stores a single choice or a rating (one tap) and moves on."""
    found = await current(query, callback_data, state, uow)
    if found is None:
        return
    view, question, _earlier = found
    pressed = callback_data.value
    if callback_data.action == "pick" and question.kind is QuestionKind.SINGLE and (
            pressed in {o.id for o in question.options}):
        value = AnswerValue(option_ids=(pressed,))
    elif callback_data.action == "rate" and question.kind is QuestionKind.RATING and (
            1 <= pressed <= 5):
        value = AnswerValue(rating=pressed)
    else:
        await expired(query)
        return
    await query.answer()
    await save_and_advance(query.message, state, view, question, value, edit=True)


async def on_toggle(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Ticks or unticks an option of a multiple-choice question, up to its limit."""
    found = await current(query, callback_data, state, uow)
    if found is None:
        return
    view, question, value = found
    options = [o.id for o in question.options]
    if question.kind is not QuestionKind.MULTI or callback_data.value not in options:
        await expired(query)
        return
    chosen = set(value.option_ids) ^ {callback_data.value}
    limit = question.max_choices or len(options)
    if len(chosen) > limit:
        await query.answer(_("You can tick at most {limit}. Untick one first.").format(
            limit=limit), show_alert=True)
        return
    value = AnswerValue(option_ids=tuple(o for o in options if o in chosen))
    data = await state.get_data()
    data = await state.update_data(answers={**data["answers"], str(question.id): raw_of(value)})
    await query.answer()
    _text, markup = question_screen(view, data["index"], value, editing=data["editing"],
                                    household=data["household"])
    await query.message.edit_reply_markup(reply_markup=markup)


async def on_move_on(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext,
                     uow: UnitOfWork) -> None:
    """Moves on: Next keeps the ticks (a required question needs one), Skip leaves an
    optional question unanswered, Keep keeps the text typed before."""
    found = await current(query, callback_data, state, uow)
    if found is None:
        return
    view, question, value = found
    action = callback_data.action
    if action == "skip" and not question.required:
        value = AnswerValue()
    elif action == "next" and question.kind is QuestionKind.MULTI:
        if question.required and value.empty:
            await query.answer(_("Please tick at least one answer."), show_alert=True)
            return
    elif not (action == "keep" and question.kind is QuestionKind.TEXT and value.text):
        await expired(query)
        return
    await query.answer()
    await save_and_advance(query.message, state, view, question, value, edit=True)


async def receive_text(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Stores a typed answer to a free-text question, refusing one over the limit."""
    data = await state.get_data()
    view = await get_survey(uow, data["survey_id"])
    question = view.questions[data["index"]]
    if question.kind is not QuestionKind.TEXT:
        await message.answer(_("Please tap one of the buttons above, or send /cancel."))
        return
    text = message.text.strip()
    if len(text) > FREE_TEXT_MAX:
        await message.answer(describe(InvalidInput("text_too_long", limit=FREE_TEXT_MAX,
                                                   length=len(text))))
        return
    await save_and_advance(message, state, view, question, AnswerValue(text=text), edit=False)


async def on_back(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Goes to the previous question, or back to the summary when changing one answer."""
    found = await current(query, callback_data, state, uow)
    if found is None:
        return
    data = await state.get_data()
    if not data["editing"] and data["index"] == 0:
        await expired(query)
        return
    await query.answer()
    if data["editing"]:
        await show_summary(query.message, state, found[0], edit=True)
        return
    await state.update_data(index=data["index"] - 1)
    await show_question(query.message, state, found[0], edit=True)


async def on_summary(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext,
                     uow: UnitOfWork) -> None:
    """Shows the summary again (Back from the list of questions)."""
    if await flow_data(query, callback_data, state) is None:
        return
    await query.answer()
    await show_summary(query.message, state, await get_survey(uow, callback_data.survey),
                       edit=True)


async def on_change(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Lists the questions, to pick the answer to change."""
    if await flow_data(query, callback_data, state) is None:
        return
    await query.answer()
    await state.set_state(AnswerSurvey.change)
    await show(query.message, change_screen(await get_survey(uow, callback_data.survey)),
               edit=True)


async def on_edit(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Shows the chosen question; answering it returns to the summary."""
    if await flow_data(query, callback_data, state) is None:
        return
    view = await get_survey(uow, callback_data.survey)
    index = next((i for i, q in enumerate(view.questions) if q.id == callback_data.question),
                 None)
    if index is None:
        await expired(query)
        return
    await query.answer()
    await state.update_data(index=index, editing=True)
    await show_question(query.message, state, view, edit=True)


async def on_submit(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext,
                    uow: UnitOfWork, locale: str) -> None:
    """Saves every answer in one service call and thanks, saying so when they replaced
    earlier ones; door to door, records them for the household instead."""
    data = await flow_data(query, callback_data, state)
    if data is None:
        return
    survey_id, household_id = data["survey_id"], data["household_id"]
    try:
        if household_id is None:
            result = await submit_answers(uow, user_id=query.from_user.id,
                                          survey_id=survey_id, answers=answers_of(data))
        else:
            result = await submit_door_answers(uow, recorder_id=query.from_user.id,
                                               survey_id=survey_id, household_id=household_id,
                                               answers=answers_of(data))
    except (NotEligible, InvalidInput) as exc:
        if isinstance(exc, InvalidInput) and exc.code != "answered_by_resident":
            raise  # the error handler alerts; the summary stays to correct
        await state.clear()
        await query.answer()
        await query.message.edit_text(describe(exc), reply_markup=None)
        return
    await state.clear()
    await query.answer()
    if household_id is None:
        screen = thanks_screen(await get_survey(uow, survey_id), locale, changed=result.changed)
    else:
        screen = door_done_screen(survey_id, data["household"])
    await show(query.message, screen, edit=True)
    if household_id is None and (results := await results_so_far(uow, survey_id)):
        await query.message.answer(live_text(results, locale))


async def on_cancel(query: CallbackQuery, callback_data: AnswerCB, state: FSMContext) -> None:
    """Leaves the survey; nothing new is saved (earlier answers stay as they were)."""
    if await flow_data(query, callback_data, state) is None:
        return
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Cancelled. Nothing new was saved."), reply_markup=None)


async def receive_other(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Answers a message where a button is expected, or a sticker or photo where a typed
    answer is."""
    data = await state.get_data()
    if await state.get_state() == AnswerSurvey.question.state:
        view = await get_survey(uow, data["survey_id"])
        if view.questions[data["index"]].kind is QuestionKind.TEXT:
            await message.answer(_("Please type your answer as text, or send /cancel."))
            return
    await message.answer(_("Please use the buttons above, or send /cancel."))


def make_router() -> Router:
    router = Router(name="answer_survey")
    router.message.filter(F.chat.type == "private")
    cb = AnswerCB.filter
    router.message.register(cmd_answer_link,
                            CommandStart(deep_link=True, magic=F.args.regexp(r"^s_\d+$")),
                            StateFilter("*"))
    router.callback_query.register(on_start, AnswerSurvey.intro, cb(F.action == "start"))
    router.callback_query.register(on_choice, AnswerSurvey.question,
                                   cb(F.action.in_({"pick", "rate"})))
    router.callback_query.register(on_toggle, AnswerSurvey.question, cb(F.action == "toggle"))
    router.callback_query.register(on_move_on, AnswerSurvey.question,
                                   cb(F.action.in_({"next", "skip", "keep"})))
    router.callback_query.register(on_back, AnswerSurvey.question, cb(F.action == "back"))
    router.callback_query.register(on_summary, AnswerSurvey.change, cb(F.action == "back"))
    router.callback_query.register(on_change, AnswerSurvey.summary, cb(F.action == "change"))
    router.callback_query.register(on_edit, AnswerSurvey.change, cb(F.action == "edit"))
    router.callback_query.register(on_submit, AnswerSurvey.summary, cb(F.action == "submit"))
    router.callback_query.register(on_cancel, StateFilter(AnswerSurvey), cb(F.action == "cancel"))
    router.message.register(receive_text, AnswerSurvey.question, F.text, NOT_COMMAND)
    router.message.register(receive_other, StateFilter(AnswerSurvey), NOT_COMMAND)
    return router
