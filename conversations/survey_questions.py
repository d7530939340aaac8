"""Writing the questions: kind → text → options (one per line, choice questions) → how many
may be chosen (multiple choice) → required or optional → add another or done. A poll has one
single-choice question: its text (which is also its title) and its options.

From the preview, “✏️ Questions” lists them to edit, delete or add one; the list is where
an edited question returns.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.surveys import (
    MAX_OPTIONS,
    MAX_QUESTIONS,
    MIN_OPTIONS,
    QUESTION_MAX,
    TITLE_MAX,
    DraftError,
    QuestionDraft,
    QuestionKind,
    check_question,
)
from bot.services.errors import InvalidInput
from bot.ui.errors import describe
from bot.ui.filters import TYPED
from bot.ui.survey_callbacks import DraftCB
from bot.ui.survey_texts import kind_name
from conversations.survey_draft import (
    DraftSteps,
    capitalized,
    checked,
    chosen,
    editing,
    keyboard,
)
from conversations.survey_preview import question_list, show_preview, show_question_list
from conversations.survey_when import ask_audience

KIND_ICONS = {"single": "🔘", "multi": "☑️", "rating": "⭐", "text": "✍️"}
CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTI}


async def ask_kind(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    index = data.get("q_index")
    number = len(data["questions"]) + 1 if index is None else index + 1
    await state.set_state(DraftSteps.q_kind)
    await message.answer(
        _("Question {number}: how should people answer it?").format(number=number),
        reply_markup=keyboard([(f"{KIND_ICONS[k]} {capitalized(kind_name(k))}",
                                DraftCB(action="kind", value=k)) for k in QuestionKind], 2))


async def on_kind(query: CallbackQuery, callback_data: DraftCB, state: FSMContext) -> None:
    """Starts a question of the chosen kind and asks for its text."""
    if callback_data.value not in set(QuestionKind):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(q={"kind": callback_data.value})
    await chosen(query, capitalized(kind_name(callback_data.value)))
    await ask_question_text(query.message, state)


async def ask_question_text(message: Message, state: FSMContext) -> None:
    if (await state.get_data())["kind"] == "poll":
        await state.update_data(q={"kind": str(QuestionKind.SINGLE)})
        text = _("What is the poll's question? (up to {limit} characters)").format(
            limit=TITLE_MAX)
    else:
        text = _("Please send the question (up to {limit} characters).").format(
            limit=QUESTION_MAX)
    await state.set_state(DraftSteps.q_text)
    await message.answer(text, reply_markup=keyboard([]))


async def receive_question_text(message: Message, state: FSMContext) -> None:
    """Stores the question's text (a poll's is also its title) and asks what comes next."""
    data = await state.get_data()
    poll = data["kind"] == "poll"
    try:
        text = checked(message.text, TITLE_MAX if poll else QUESTION_MAX, "question")
    except InvalidInput as exc:
        await message.answer(describe(exc))
        return
    question = {**data["q"], "text": text}
    await state.update_data(q=question, **({"title": text} if poll else {}))
    if question["kind"] in CHOICE_KINDS:
        await state.set_state(DraftSteps.q_options)
        await message.answer(
            _("Now send the answers to choose from, in one message, one per line — from "
              "{minimum} to {limit}. For example:\nYes\nNo\nNot sure").format(
                minimum=MIN_OPTIONS, limit=MAX_OPTIONS), reply_markup=keyboard([]))
    else:
        await ask_required(message, state)


async def receive_options(message: Message, state: FSMContext) -> None:
    """Checks the options (2–10, each short, no repeats) with the publishing rules."""
    data = await state.get_data()
    question = data["q"]
    options = tuple(line.strip() for line in message.text.splitlines() if line.strip())
    try:
        check_question(QuestionDraft(QuestionKind(question["kind"]), question["text"],
                                     options))
    except DraftError as exc:
        await message.answer(describe(InvalidInput(exc.code, **exc.details)))
        return
    question = {**question, "options": list(options)}
    await state.update_data(q=question)
    if data["kind"] == "poll":
        await state.update_data(questions=[{**question, "required": True}])
        if await editing(state):
            await show_preview(message, state)
        else:
            await ask_audience(message, state)
    elif question["kind"] == QuestionKind.MULTI:
        await state.set_state(DraftSteps.q_max)
        await message.answer(_("How many answers may each person choose at most?"),
                             reply_markup=keyboard(
                                 [(str(n), DraftCB(action="max", value=str(n)))
                                  for n in range(1, len(options) + 1)], 5))
    else:
        await ask_required(message, state)


async def on_max(query: CallbackQuery, callback_data: DraftCB, state: FSMContext) -> None:
    """Stores the most choices allowed (re-checked against the number of options)."""
    question = (await state.get_data())["q"]
    if not callback_data.value.isdigit() or not (
            1 <= int(callback_data.value) <= len(question.get("options", ()))):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(q={**question, "max_choices": int(callback_data.value)})
    await chosen(query, callback_data.value)
    await ask_required(query.message, state)


async def ask_required(message: Message, state: FSMContext) -> None:
    await state.set_state(DraftSteps.q_required)
    await message.answer(_("Must everyone answer this question?"), reply_markup=keyboard(
        [(_("❗ Required"), DraftCB(action="required", value="1")),
         (_("Optional (can be skipped)"), DraftCB(action="required", value="0"))], 2))


async def on_required(query: CallbackQuery, callback_data: DraftCB, state: FSMContext,
                      ) -> None:
    """Saves the question; then “add another?”, or the list when editing."""
    required = callback_data.value == "1"
    data = await state.get_data()
    questions = list(data["questions"])
    question = {**data["q"], "required": required}
    index = data.get("q_index")
    if index is not None and index < len(questions):
        questions[index] = question
    else:
        questions.append(question)
    await state.update_data(questions=questions, q=None, q_index=None)
    await chosen(query, _("❗ Required") if required else _("Optional (can be skipped)"))
    if data.get("editing"):
        await show_question_list(query.message, state)
        return
    if len(questions) >= MAX_QUESTIONS:
        await query.message.answer(_("That is the most a survey can have: {limit} "
                                     "questions.").format(limit=MAX_QUESTIONS))
        await ask_audience(query.message, state)
        return
    await state.set_state(DraftSteps.q_more)
    await query.message.answer(
        _("Question {number} is saved. Add another one?").format(number=len(questions)),
        reply_markup=keyboard([(_("➕ Add another question"), DraftCB(action="more")),
                               (_("✅ Done with questions"), DraftCB(action="enough"))]))


async def on_more(query: CallbackQuery, state: FSMContext) -> None:
    """Starts the next question."""
    await chosen(query, _("➕ Add another question"))
    await ask_kind(query.message, state)


async def on_enough(query: CallbackQuery, state: FSMContext) -> None:
    """Ends the questions and asks who should answer."""
    await chosen(query, _("✅ Done with questions"))
    await ask_audience(query.message, state)


async def picked_question(query: CallbackQuery, callback_data: DraftCB, state: FSMContext,
                          ) -> int | None:
    """The 0-based index a ✏️/🗑 button names, checked against the current list."""
    count = len((await state.get_data())["questions"])
    if not callback_data.value.isdigit() or not 1 <= int(callback_data.value) <= count:
        await query.answer(_("This button has expired."), show_alert=True)
        return None
    return int(callback_data.value) - 1


async def on_question_edit(query: CallbackQuery, callback_data: DraftCB, state: FSMContext,
                           ) -> None:
    """Writes the question again, from its kind."""
    index = await picked_question(query, callback_data, state)
    if index is not None:
        await state.update_data(q_index=index)
        await chosen(query, f"✏️ {index + 1}")
        await ask_kind(query.message, state)


async def on_question_delete(query: CallbackQuery, callback_data: DraftCB,
                             state: FSMContext) -> None:
    """Deletes the question and shows the list again."""
    index = await picked_question(query, callback_data, state)
    if index is None:
        return
    questions = list((await state.get_data())["questions"])
    del questions[index]
    await state.update_data(questions=questions)
    await query.answer(_("Deleted."))
    text, markup = question_list(questions)
    await query.message.edit_text(text, reply_markup=markup)


async def on_question_add(query: CallbackQuery, state: FSMContext) -> None:
    """Adds a question at the end."""
    await state.update_data(q_index=None)
    await chosen(query, _("➕ Add a question"))
    await ask_kind(query.message, state)


async def on_questions_back(query: CallbackQuery, state: FSMContext) -> None:
    """Returns to the preview (a survey needs at least one question)."""
    if not (await state.get_data())["questions"]:
        await query.answer(describe(InvalidInput("no_questions")), show_alert=True)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await show_preview(query.message, state)


def step(action: str) -> object:
    return DraftCB.filter(F.action == action)


def register(router: Router) -> None:
    router.callback_query.register(on_kind, DraftSteps.q_kind, step("kind"))
    router.message.register(receive_question_text, DraftSteps.q_text, TYPED)
    router.message.register(receive_options, DraftSteps.q_options, TYPED)
    router.callback_query.register(on_max, DraftSteps.q_max, step("max"))
    router.callback_query.register(on_required, DraftSteps.q_required, step("required"))
    router.callback_query.register(on_more, DraftSteps.q_more, step("more"))
    router.callback_query.register(on_enough, DraftSteps.q_more, step("enough"))
    router.callback_query.register(on_question_edit, DraftSteps.q_list, step("qedit"))
    router.callback_query.register(on_question_delete, DraftSteps.q_list, step("qdelete"))
    router.callback_query.register(on_question_add, DraftSteps.q_list, step("qadd"))
    router.callback_query.register(on_questions_back, DraftSteps.q_list, step("qback"))
