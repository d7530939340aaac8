"""/survey (private chat): a committee member, building lead or floor contact writes a survey
for a scope they hold a role on, checks the preview and publishes it to the groups there.

Each step is one tap or one short message; /cancel (global) or ✖️ Cancel leaves it, and
nothing is saved before Publish, which is the one call to publish_survey. This router also
handles the draft steps /poll shares (see create_poll); the steps live in survey_scope,
survey_questions and survey_when, the draft in survey_draft, its preview in
survey_preview.

```mermaid
flowchart LR
  start[/survey] --> community --> scope --> title --> description --> questions
  questions --> audience --> anonymous --> results --> day --> time --> reminder --> preview
  preview -- Publish --> published
  preview -- ✏️ title, description, questions, audience, deadline --> preview
```
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.clock import Clock
from bot.domain.surveys import DESCRIPTION_MAX, TITLE_MAX
from bot.services import UnitOfWork
from bot.services.communities import CommunityInfo
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.survey_drafting import organizer_communities
from bot.services.surveys import publish_survey
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED
from bot.ui.survey_callbacks import DraftCB, ScopeCB
from conversations import survey_questions, survey_scope, survey_when
from conversations.survey_draft import (
    DraftSteps,
    checked,
    chosen,
    editing,
    keyboard,
    on_cancel,
    receive_other,
    to_draft,
)
from conversations.survey_preview import on_noop, show_preview, show_question_list
from conversations.survey_questions import ask_kind, ask_question_text
from conversations.survey_scope import ask_scope
from conversations.survey_when import ask_audience, ask_day


async def cmd_survey(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Starts a survey draft."""
    await start_draft(message, state, uow, "survey")


async def start_draft(message: Message, state: FSMContext, uow: UnitOfWork,
                      kind: str) -> None:
    """Starts a draft of `kind` (survey or poll) for an organizer; refuses anyone else."""
    communities = await organizer_communities(uow, message.from_user.id)
    if not communities:
        raise NotPermitted("not_organizer")
    await state.clear()
    await state.set_data({"kind": kind, "questions": [], "scope": {}})
    await message.answer(
        _("Let's write a survey. Each step is one tap or one short message; /cancel stops "
          "at any time, and nothing is sent before you press Publish.") if kind == "survey"
        else _("Let's write a poll: one question with answer buttons, posted in the groups. "
               "/cancel stops at any time."))
    if len(communities) == 1:
        await use_community(message, state, uow, communities[0], message.from_user.id)
        return
    await state.set_state(DraftSteps.community)
    await message.answer(_("Which community?"), reply_markup=keyboard(
        [(c.name, DraftCB(action="community", value=str(c.id))) for c in communities]))


async def use_community(message: Message, state: FSMContext, uow: UnitOfWork,
                        community: CommunityInfo, user_id: int) -> None:
    await state.update_data(community=community.id, timezone=community.timezone)
    await ask_scope(message, state, uow, user_id)


async def on_community(query: CallbackQuery, callback_data: DraftCB, state: FSMContext,
                       uow: UnitOfWork) -> None:
    """Takes the community (re-checked: the user must still organize there)."""
    communities = await organizer_communities(uow, query.from_user.id)
    found = next((c for c in communities if str(c.id) == callback_data.value), None)
    if found is None:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await chosen(query, found.name)
    await use_community(query.message, state, uow, found, query.from_user.id)


async def on_scope_done(query: CallbackQuery, state: FSMContext) -> None:
    """Ends the scope; a survey goes on with its title, a poll with its question."""
    data = await state.get_data()
    if not data.get("scope"):
        await query.answer(describe(InvalidInput("no_scope")), show_alert=True)
        return
    labels = [label for key, label in data["scope"].items() if key != "0"]
    await chosen(query, ", ".join(labels) or _("the whole community"))
    if data.get("editing"):
        await show_preview(query.message, state)
    elif data["kind"] == "poll":
        await ask_question_text(query.message, state)
    else:
        await ask_title(query.message, state)


async def ask_title(message: Message, state: FSMContext) -> None:
    await state.set_state(DraftSteps.title)
    await message.answer(_("What is the survey's title? (up to {limit} characters)\n"
                           "For example: Installing a lift in building 1").format(
                               limit=TITLE_MAX), reply_markup=keyboard([]))


async def receive_title(message: Message, state: FSMContext) -> None:
    """Stores the title and asks for a description."""
    try:
        title = checked(message.text, TITLE_MAX, "title")
    except InvalidInput as exc:
        await message.answer(describe(exc))
        return
    await state.update_data(title=title)
    if await editing(state):
        await show_preview(message, state)
        return
    await ask_description(message, state)


async def ask_description(message: Message, state: FSMContext) -> None:
    await state.set_state(DraftSteps.description)
    await message.answer(
        _("Add a few words of explanation? Send them (up to {limit} characters), or press "
          "“No description”.").format(limit=DESCRIPTION_MAX),
        reply_markup=keyboard([(_("⏭ No description"), DraftCB(action="nodesc"))]))


async def store_description(message: Message, state: FSMContext,
                            description: str | None) -> None:
    await state.update_data(description=description)
    if await editing(state):
        await show_preview(message, state)
    else:
        await ask_kind(message, state)


async def receive_description(message: Message, state: FSMContext) -> None:
    """Stores the description and starts the first question."""
    text = message.text.strip()
    if len(text) > DESCRIPTION_MAX:
        await message.answer(describe(InvalidInput(
            "description_too_long", limit=DESCRIPTION_MAX, length=len(text))))
        return
    await store_description(message, state, text or None)


async def on_no_description(query: CallbackQuery, state: FSMContext) -> None:
    """Goes on without a description (or removes it, when editing)."""
    await chosen(query, _("⏭ No description"))
    await store_description(query.message, state, None)


async def on_edit(query: CallbackQuery, callback_data: DraftCB, state: FSMContext,
                  clock: Clock, uow: UnitOfWork) -> None:
    """Opens one part of the draft from the preview; that part returns to the preview."""
    asks = {"title": ask_title, "description": ask_description, "audience": ask_audience,
            "questions": show_question_list, "question": ask_question_text}
    if callback_data.value not in {*asks, "deadline", "scope"}:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(editing=True)
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    if callback_data.value == "deadline":
        await ask_day(query.message, state, clock)
    elif callback_data.value == "scope":
        await ask_scope(query.message, state, uow, query.from_user.id)
    else:
        await asks[callback_data.value](query.message, state)


async def on_publish(query: CallbackQuery, state: FSMContext, uow: UnitOfWork) -> None:
    """Publishes the draft in one service call and says how many groups get it."""
    data = await state.get_data()
    try:
        published = await publish_survey(uow, creator_id=query.from_user.id,
                                         community_id=data["community"], draft=to_draft(data))
    except InvalidInput as exc:
        # the preview stays: its buttons lead to the part to fix
        await query.answer()
        await query.message.answer(describe(exc))
        return
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    if published.groups:
        await query.message.answer(_("✅ Published! Groups that will show it: {count}.")
                                   .format(count=published.groups))
    else:
        await query.message.answer(_(
            "✅ Published. No residents' group is connected to this part of the community "
            "yet, so no group will show it; ask your committee to connect the groups "
            "with /bind."))


def step(action: str) -> object:
    return DraftCB.filter(F.action == action)


def make_router() -> Router:
    """/survey and every draft step, for /poll too (create_poll only adds the command)."""
    router = Router(name="create_survey")
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_survey, Command("survey"), StateFilter("*"))
    router.callback_query.register(on_community, DraftSteps.community, step("community"))
    survey_scope.register(router)
    router.callback_query.register(on_scope_done, DraftSteps.scope,
                                   ScopeCB.filter(F.action == "done"))
    router.message.register(receive_title, DraftSteps.title, TYPED)
    router.message.register(receive_description, DraftSteps.description, TYPED)
    router.callback_query.register(on_no_description, DraftSteps.description, step("nodesc"))
    survey_questions.register(router)
    survey_when.register(router)
    router.callback_query.register(on_publish, DraftSteps.preview, step("publish"))
    router.callback_query.register(on_edit, DraftSteps.preview, step("edit"))
    router.callback_query.register(on_noop, DraftSteps.preview, step("noop"))
    router.callback_query.register(on_cancel, StateFilter(DraftSteps), step("cancel"))
    # last: anything else sent during the draft, except commands (they have their handlers)
    router.message.register(receive_other, StateFilter(DraftSteps), NOT_COMMAND)
    return router
