"""The preview every draft path ends on — the group post and each question rendered by
the same functions as the real ones (bot.ui.survey_texts), then what only the creator sees
and the buttons to publish or edit a part — and the list of questions to edit."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.surveys import DEFAULT_REMINDER, MAX_QUESTIONS
from bot.services.surveys import SurveyView, post_params
from bot.ui import fmt
from bot.ui.survey_callbacks import DraftCB
from bot.ui.survey_texts import current_locale, kind_name, post_text, question_preview
from conversations.survey_draft import DraftSteps, to_view

MESSAGE_LIMIT = 4000  # Telegram takes 4096 characters; keep a margin
LIST_TEXT_MAX = 60  # the list shows the start of each question, to stay one screen long


def chunks(parts: list[str]) -> list[str]:
    """Joins the parts into as few messages as Telegram's length limit allows."""
    messages: list[str] = []
    for part in parts:
        if messages and len(messages[-1]) + len(part) + 2 <= MESSAGE_LIMIT:
            messages[-1] += "\n\n" + part
        else:
            messages.append(part[:MESSAGE_LIMIT])
    return messages


def summary(data: dict[str, Any]) -> str:
    """What only the creator sees under the preview: the scope and the reminder."""
    scope = ", ".join(label for key, label in data["scope"].items() if key != "0")
    lines = [_("☝️ This is exactly what residents will see."),
             _("For: {scope}").format(scope=scope or _("the whole community"))]
    lines.append(_("Reminder: {time} before the deadline").format(
        time=fmt.duration(DEFAULT_REMINDER, current_locale()))
        if data.get("reminder", True) else _("Reminder: none"))
    lines.append(_("Publish it now, or change something?"))
    return "\n".join(lines)


def preview_keyboard(kind: str) -> InlineKeyboardMarkup:
    edits = ([(_("✏️ Question"), "question")] if kind == "poll" else
             [(_("✏️ Title"), "title"), (_("✏️ Description"), "description"),
              (_("✏️ Questions"), "questions")])
    edits += [(_("✏️ Scope"), "scope"), (_("✏️ Audience"), "audience"),
              (_("✏️ Deadline"), "deadline")]
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Publish"), callback_data=DraftCB(action="publish"))
    for text, part in edits:
        builder.button(text=text, callback_data=DraftCB(action="edit", value=part))
    builder.button(text=_("✖️ Cancel"), callback_data=DraftCB(action="cancel"))
    builder.adjust(1, 2)
    return builder.as_markup()


def poll_buttons(view: SurveyView) -> InlineKeyboardMarkup:
    """The poll's option buttons as the group will see them; here they only explain."""
    builder = InlineKeyboardBuilder()
    for option in view.questions[0].options:
        builder.button(text=option.text, callback_data=DraftCB(action="noop"))
    builder.adjust(1)
    return builder.as_markup()


async def show_preview(message: Message, state: FSMContext) -> None:
    """Sends the post, each question as it will be asked, then the creator's choices."""
    data = await state.update_data(editing=False, q_index=None)
    await state.set_state(DraftSteps.preview)
    view = to_view(data)
    poll = view.kind == "poll"
    await message.answer(post_text(post_params(view)),
                         reply_markup=poll_buttons(view) if poll else None)
    if not poll:
        total = len(view.questions)
        for text in chunks([question_preview(q, i, total)
                            for i, q in enumerate(view.questions, 1)]):
            await message.answer(text)
    await message.answer(summary(data), reply_markup=preview_keyboard(view.kind))


async def on_noop(query: CallbackQuery) -> None:
    """Explains a poll option pressed in the preview."""
    await query.answer(_("This is a preview: residents will vote with these buttons."))


def question_list(questions: list[dict]) -> tuple[str, InlineKeyboardMarkup]:
    """The questions, each with ✏️ edit and 🗑 delete, then ➕ add and back."""
    lines = [_("Your questions — tap ✏️ to change one or 🗑 to delete it:")]
    builder = InlineKeyboardBuilder()
    for i, question in enumerate(questions, 1):
        short = question["text"]
        if len(short) > LIST_TEXT_MAX:
            short = short[:LIST_TEXT_MAX - 1] + "…"
        lines.append(f"{i}. {short} ({kind_name(question['kind'])})")
        builder.button(text=f"✏️ {i}", callback_data=DraftCB(action="qedit", value=str(i)))
        builder.button(text=f"🗑 {i}", callback_data=DraftCB(action="qdelete", value=str(i)))
    if len(questions) < MAX_QUESTIONS:
        builder.button(text=_("➕ Add a question"), callback_data=DraftCB(action="qadd"))
    builder.button(text=_("⬅️ Back to the preview"), callback_data=DraftCB(action="qback"))
    builder.adjust(*([4] * ((2 * len(questions) + 3) // 4)), 1, 1)
    return "\n".join(lines), builder.as_markup()


async def show_question_list(message: Message, state: FSMContext) -> None:
    data = await state.update_data(editing=True)
    await state.set_state(DraftSteps.q_list)
    text, markup = question_list(data["questions"])
    await message.answer(text, reply_markup=markup)
