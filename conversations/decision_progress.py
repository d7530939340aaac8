"""Posting progress on a decision, or closing it, in the private chat.

The responsible body (or a manager) opens a decision from /decisions and presses:

```mermaid
flowchart LR
  P[📈 Post progress] --> pc[percent 10…100] --> n[note, text] --> ph[photo or Skip]
  ph --> pv[preview] --> pub[📣 Publish]
  D[✅ Mark done] --> dn[closing note] --> c[✅ Confirm]
```

Publishing announces the update to the residents' groups in scope; closing also tells the
committee and the reporters of the cases it came from. Every press is re-checked by the
services (who pressed, whether the decision is still open); a forged press is refused.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services import ServiceError, UnitOfWork
from bot.services.decisions import check_actor, check_note, mark_done, post_progress
from bot.ui import decision_screens as screens
from bot.ui import fmt
from bot.ui.decision_callbacks import DecisionCB
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED

#: Refusals after which nothing the user does in this flow can help.
FINAL = ("decision", "decision_done", "not_decision_body", "not_in_community")


class DecisionFlow(StatesGroup):
    percent = State()
    note = State()
    photo = State()
    preview = State()
    done_note = State()
    done_confirm = State()


async def _refuse(query: CallbackQuery, state: FSMContext, error: ServiceError) -> None:
    await query.answer(describe(error), show_alert=True)
    if error.code in FINAL:
        await state.clear()


async def _ours(query: CallbackQuery, callback_data: DecisionCB, state: FSMContext,
                ) -> dict | None:
    """The flow's data, if the button belongs to the decision of this flow: a button of
    another decision's old screen is answered as expired."""
    data = await state.get_data()
    if data.get("decision_id") != callback_data.decision:
        await query.answer(_("This button has expired."), show_alert=True)
        return None
    return data


async def on_progress(query: CallbackQuery, callback_data: DecisionCB, state: FSMContext,
                      uow: UnitOfWork, locale: str) -> None:
    """Checks the presser may post and asks how far the work is."""
    try:
        view = await check_actor(uow, query.from_user.id, callback_data.decision)
    except ServiceError as error:
        await _refuse(query, state, error)
        return
    await state.set_state(DecisionFlow.percent)
    await state.set_data({"decision_id": view.id, "title": view.title})
    await query.answer()
    text, markup = screens.percent_screen(view, locale)
    await query.message.answer(text, reply_markup=markup)


async def on_percent(query: CallbackQuery, callback_data: DecisionCB, state: FSMContext,
                     uow: UnitOfWork, locale: str) -> None:
    """Keeps the percentage (if it may be posted) and asks for the note."""
    if await _ours(query, callback_data, state) is None:
        return
    try:
        await check_actor(uow, query.from_user.id, callback_data.decision, callback_data.value)
    except ServiceError as error:
        await _refuse(query, state, error)
        return
    await state.update_data(percent=callback_data.value)
    await state.set_state(DecisionFlow.note)
    await query.answer()
    await query.message.edit_text(_(
        "✍️ {percent}. Now write a short note for the residents: what was done, what comes "
        "next (up to 1000 characters).").format(
        percent=fmt.percent(callback_data.value / 100, locale)), reply_markup=None)


async def receive_note(message: Message, state: FSMContext) -> None:
    """Keeps the note; asks for an optional photo."""
    try:
        note = check_note(message.text)
    except ServiceError as error:
        await message.answer(describe(error))
        return
    await state.update_data(note=note)
    await state.set_state(DecisionFlow.photo)
    text, markup = screens.photo_prompt((await state.get_data())["decision_id"])
    await message.answer(text, reply_markup=markup)


async def receive_note_not_text(message: Message) -> None:
    await message.answer(_("Please write the note as text. Stickers, voice messages and files "
                           "cannot be posted; you can add a photo in the next step."))


async def _preview(message: Message, state: FSMContext, locale: str, *, edit: bool) -> None:
    data = await state.get_data()
    await state.set_state(DecisionFlow.preview)
    text, markup = screens.preview_screen(data["title"], data["percent"], data["note"],
                                          bool(data.get("photo")), locale, data["decision_id"])
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


async def receive_photo(message: Message, state: FSMContext, locale: str) -> None:
    """Keeps the largest size of the photo and shows the preview."""
    await state.update_data(photo=message.photo[-1].file_id)
    await _preview(message, state, locale, edit=False)


async def on_skip(query: CallbackQuery, callback_data: DecisionCB, state: FSMContext,
                  locale: str) -> None:
    if await _ours(query, callback_data, state) is None:
        return
    await query.answer()
    await _preview(query.message, state, locale, edit=True)


async def receive_not_photo(message: Message) -> None:
    await message.answer(_("Please send a photo, or press “Skip”."))


async def on_publish(query: CallbackQuery, callback_data: DecisionCB, state: FSMContext,
                     uow: UnitOfWork) -> None:
    """Records the update; the outbox announces it to the groups in scope."""
    data = await _ours(query, callback_data, state)
    if data is None:
        return
    try:
        posted = await post_progress(uow, user_id=query.from_user.id,
                                     decision_id=data["decision_id"], percent=data["percent"],
                                     note=data["note"], photo=data.get("photo"))
    except ServiceError as error:
        await _refuse(query, state, error)
        return
    await state.clear()
    await query.answer()
    if posted.groups:
        text = _("📣 Published. Residents' groups in scope that will see it: "
                 "{count}.").format(count=posted.groups)
    else:
        text = _("Saved. No residents' group in scope is connected yet, so nobody was "
                 "told; the update shows in /decisions.")
    await query.message.edit_text(text, reply_markup=None)


async def on_done(query: CallbackQuery, callback_data: DecisionCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Checks the presser may close the decision and asks for the closing note."""
    try:
        view = await check_actor(uow, query.from_user.id, callback_data.decision)
    except ServiceError as error:
        await _refuse(query, state, error)
        return
    await state.set_state(DecisionFlow.done_note)
    await state.set_data({"decision_id": view.id, "title": view.title})
    await query.answer()
    await query.message.answer(_("✅ Closing “{title}”. Send a short closing note: what was "
                                 "done in the end?").format(title=view.title),
                               reply_markup=screens.cancel_markup(view.id))


async def receive_done_note_not_text(message: Message) -> None:
    await message.answer(_("Please write the closing note as text."))


async def receive_done_note(message: Message, state: FSMContext) -> None:
    try:
        note = check_note(message.text)
    except ServiceError as error:
        await message.answer(describe(error))
        return
    data = await state.get_data()
    await state.update_data(note=note)
    await state.set_state(DecisionFlow.done_confirm)
    text, markup = screens.done_preview(data["title"], note, data["decision_id"])
    await message.answer(text, reply_markup=markup)


async def on_confirm(query: CallbackQuery, callback_data: DecisionCB, state: FSMContext,
                     uow: UnitOfWork) -> None:
    """Closes the decision; the outbox tells the groups, the committee and the reporters."""
    data = await _ours(query, callback_data, state)
    if data is None:
        return
    try:
        closed = await mark_done(uow, user_id=query.from_user.id,
                                 decision_id=data["decision_id"], note=data["note"])
    except ServiceError as error:
        await _refuse(query, state, error)
        return
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("✅ Done: “{title}” is closed. Groups that will hear of "
                                    "it: {count}.").format(title=closed.decision.title,
                                                           count=closed.groups),
                                  reply_markup=None)


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Cancelled. Nothing was posted."), reply_markup=None)


async def receive_other(message: Message) -> None:
    await message.answer(_("Please use the buttons above, or press “Cancel”."))


def make_router() -> Router:
    router = Router(name="decision_progress")
    # Decisions are worked on in private; a press in a group is left to the fallback.
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    cb = DecisionCB.filter
    router.callback_query.register(on_progress, cb(F.action == "progress"), StateFilter("*"))
    router.callback_query.register(on_done, cb(F.action == "done"), StateFilter("*"))
    router.callback_query.register(on_percent, DecisionFlow.percent, cb(F.action == "percent"))
    router.message.register(receive_note, DecisionFlow.note, TYPED)
    router.message.register(receive_note_not_text, DecisionFlow.note, NOT_COMMAND)
    router.message.register(receive_photo, DecisionFlow.photo, F.photo)
    router.callback_query.register(on_skip, DecisionFlow.photo, cb(F.action == "skip"))
    router.message.register(receive_not_photo, DecisionFlow.photo, NOT_COMMAND)
    router.callback_query.register(on_publish, DecisionFlow.preview, cb(F.action == "publish"))
    router.message.register(receive_done_note, DecisionFlow.done_note, TYPED)
    router.message.register(receive_done_note_not_text, DecisionFlow.done_note, NOT_COMMAND)
    router.callback_query.register(on_confirm, DecisionFlow.done_confirm,
                                   cb(F.action == "confirm"))
    router.callback_query.register(on_cancel, StateFilter(DecisionFlow), cb(F.action == "cancel"))
    router.message.register(receive_other, StateFilter(DecisionFlow), NOT_COMMAND)
    return router
