"""/meeting (private chat): an organizer calls a meeting — topic, agenda, place, how long,
candidate times, which groups, until when residents answer — checks the preview and
publishes the poll.

Nothing is saved before Publish, the one call to create_meeting; /cancel or ✖️ Cancel
leaves. The place and the length live in meeting_place, the times and the deadline in
meeting_times, the draft in meeting_draft.

```mermaid
flowchart LR
  start[/meeting] --> community --> topic --> agenda --> place --> duration --> times
  times --> scope --> deadline --> preview -- Publish --> published
```
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.clock import Clock
from bot.domain.meetings import AGENDA_MAX, ITEM_MAX, TOPIC_MAX, MeetingError, check_text
from bot.services import UnitOfWork
from bot.services.errors import InvalidInput, NotPermitted, ServiceError
from bot.services.meeting_agenda import agenda_sources
from bot.services.meetings import create_meeting
from bot.services.survey_drafting import organizer_communities, scope_choices, scope_unit
from bot.services.units import unit_level
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED
from bot.ui.meeting_callbacks import MeetDraftCB
from bot.ui.unit_picker import KIND_ICONS
from conversations import meeting_place, meeting_times
from conversations.meeting_draft import (
    MeetingSteps,
    chosen,
    keyboard,
    on_cancel,
    problem,
    receive_other,
    to_draft,
)

BUTTON_TEXT = 40


async def cmd_meeting(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Starts a meeting draft for an organizer; refuses anyone else."""
    communities = await organizer_communities(uow, message.from_user.id)
    if not communities:
        await message.answer(describe(NotPermitted("meeting_not_organizer")))
        return
    await state.clear()
    await state.set_data({"agenda": [], "times": [], "scope": {}})
    if len(communities) == 1:
        await use_community(message, state, communities[0].id, communities[0].timezone)
        return
    await state.set_state(MeetingSteps.community)
    await message.answer(_("Which community?"), reply_markup=keyboard(
        [(c.name, MeetDraftCB(action="community", value=str(c.id))) for c in communities]))


async def use_community(message: Message, state: FSMContext, community: int,
                        timezone: str) -> None:
    await state.update_data(community=community, timezone=timezone)
    await state.set_state(MeetingSteps.topic)
    await message.answer(_("Let's call a meeting. /cancel stops at any time; nothing is sent "
                           "before you press Publish.\nWhat is the topic? (up to {limit} "
                           "characters)").format(limit=TOPIC_MAX), reply_markup=keyboard([]))


async def on_community(query: CallbackQuery, callback_data: MeetDraftCB, state: FSMContext,
                       uow: UnitOfWork) -> None:
    """Takes the community (re-checked: the user must still organize there)."""
    found = next((c for c in await organizer_communities(uow, query.from_user.id)
                  if str(c.id) == callback_data.value), None)
    if found is None:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await chosen(query, found.name)
    await use_community(query.message, state, found.id, found.timezone)


async def receive_topic(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Stores the topic and asks for the agenda."""
    try:
        topic = check_text(message.text, TOPIC_MAX, "meeting_topic")
    except MeetingError as exc:
        await message.answer(problem(exc))
        return
    await state.update_data(topic=topic)
    await state.set_state(MeetingSteps.agenda)
    text, markup = await agenda_screen(state, uow, message.chat.id)
    await message.answer(text, reply_markup=markup)


async def agenda_screen(state: FSMContext, uow: UnitOfWork, user_id: int,
                        ) -> tuple[str, InlineKeyboardMarkup]:
    """The agenda so far, and a button for each open report and closed survey not on it."""
    data = await state.get_data()
    lines = [_("Agenda: send each item as a message, or press an open report or a closed "
               "survey below to add it. Press ✅ Done when it is complete.")]
    lines += [f"{n}. {item['text']}" for n, item in enumerate(data["agenda"], 1)]
    taken = {(k, item.get(k)) for item in data["agenda"] for k in ("case", "survey")}
    items = [(("📋 " if s.kind == "case" else "📊 ") + s.text[:BUTTON_TEXT],
              MeetDraftCB(action=s.kind, value=str(s.id)))
             for s in await agenda_sources(uow, user_id, data["community"])
             if (s.kind, s.id) not in taken]
    items.append((_("✅ Done"), MeetDraftCB(action="agendadone")))
    return "\n".join(lines), keyboard(items)


async def add_item(state: FSMContext, item: dict[str, object]) -> None:
    data = await state.get_data()
    if len(data["agenda"]) >= AGENDA_MAX:
        raise InvalidInput("meeting_agenda_too_long", limit=AGENDA_MAX)
    await state.update_data(agenda=[*data["agenda"], item])


async def receive_item(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Adds a typed agenda item and shows the agenda again."""
    try:
        await add_item(state, {"text": check_text(message.text, ITEM_MAX, "meeting_item")})
    except (MeetingError, InvalidInput) as exc:
        await message.answer(problem(exc))
        return
    text, markup = await agenda_screen(state, uow, message.chat.id)
    await message.answer(text, reply_markup=markup)


async def on_source(query: CallbackQuery, callback_data: MeetDraftCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Adds a report case or a closed survey (re-checked: it must still be offered)."""
    data = await state.get_data()
    sources = await agenda_sources(uow, query.from_user.id, data["community"])
    found = next((s for s in sources if s.kind == callback_data.action
                  and str(s.id) == callback_data.value), None)
    if found is None:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    try:
        await add_item(state, {"text": found.text, found.kind: found.id})
    except InvalidInput as exc:
        await query.answer(problem(exc), show_alert=True)
        return
    await query.answer()
    text, markup = await agenda_screen(state, uow, query.from_user.id)
    await query.message.edit_text(text, reply_markup=markup)


async def on_agenda_done(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await meeting_place.ask_place(query.message, state)


async def on_times_done(query: CallbackQuery, state: FSMContext, uow: UnitOfWork) -> None:
    """Ends the times; asks which groups get the poll."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await state.set_state(MeetingSteps.scope)
    await query.message.answer(_("Which groups should get the poll? Tap one; › shows what is "
                                 "inside a building."),
                               reply_markup=await scope_keyboard(uow, state,
                                                                 query.from_user.id, 0))


async def scope_keyboard(uow: UnitOfWork, state: FSMContext, user_id: int,
                         at: int) -> InlineKeyboardMarkup:
    """The creator's choices at one level: the whole community (if their role is
    community-wide) and the units, each with › to go one level down."""
    community = (await state.get_data())["community"]
    choices = await scope_choices(uow, user_id, community)
    builder, sizes = InlineKeyboardBuilder(), []
    if at == 0 and choices.whole:
        builder.button(text=_("🏘 The whole community"),
                       callback_data=MeetDraftCB(action="scope", value="0"))
        sizes.append(1)
    if at == 0 and not choices.whole:
        units = list(choices.roots)
    else:
        units = list((await unit_level(uow, community, at or None)).children)
    for unit in units:
        builder.button(text=f"{KIND_ICONS.get(unit.kind, '')} {unit.label}",
                       callback_data=MeetDraftCB(action="scope", value=str(unit.id)))
        if unit.kind != "floor":
            builder.button(text="›", callback_data=MeetDraftCB(action="open", value=str(unit.id)))
        sizes.append(1 if unit.kind == "floor" else 2)
    if at:
        builder.button(text=_("⬆️ Up"), callback_data=MeetDraftCB(action="open", value="0"))
        sizes.append(1)
    builder.button(text=_("✖️ Cancel"), callback_data=MeetDraftCB(action="cancel"))
    builder.adjust(*sizes, 1)
    return builder.as_markup()


async def on_scope(query: CallbackQuery, callback_data: MeetDraftCB, state: FSMContext,
                   uow: UnitOfWork, clock: Clock, locale: str) -> None:
    """Opens a unit (›) or picks the scope (checked again: the role must cover it)."""
    data, user_id = await state.get_data(), query.from_user.id
    try:
        unit_id = int(callback_data.value)
        if unit_id == 0 and callback_data.action == "scope":
            if not (await scope_choices(uow, user_id, data["community"])).whole:
                raise NotPermitted("no_role_on_scope")
            label = ""
        elif unit_id:
            label = (await scope_unit(uow, user_id, data["community"], unit_id)).label
    except ValueError:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    except ServiceError as exc:
        await query.answer(describe(exc), show_alert=True)
        return
    if callback_data.action == "open":
        await query.answer()
        await query.message.edit_reply_markup(
            reply_markup=await scope_keyboard(uow, state, user_id, unit_id))
        return
    await state.update_data(scope={str(unit_id): label})
    await chosen(query, label or _("the whole community"))
    await meeting_times.ask_deadline(query.message, state, clock, locale)


async def on_publish(query: CallbackQuery, state: FSMContext, uow: UnitOfWork) -> None:
    """Publishes the meeting in one service call and says how many groups get it."""
    data = await state.get_data()
    try:
        published = await create_meeting(uow, creator_id=query.from_user.id,
                                         community_id=data["community"], draft=to_draft(data))
    except (InvalidInput, NotPermitted) as exc:
        await query.answer()
        await query.message.answer(describe(exc))
        return
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_(
        "✅ Published! Groups that will show it: {count}. At the deadline I choose the time "
        "most can come to, announce it and tell you; you can still choose another one."
    ).format(count=published.groups))


def step(action: str) -> object:
    return MeetDraftCB.filter(F.action == action)


def make_router() -> Router:
    """/meeting and every step of its draft."""
    router = Router(name="create_meeting")
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_meeting, Command("meeting"), StateFilter("*"))
    router.callback_query.register(on_community, MeetingSteps.community, step("community"))
    router.message.register(receive_topic, MeetingSteps.topic, TYPED)
    router.message.register(receive_item, MeetingSteps.agenda, TYPED)
    router.callback_query.register(on_source, MeetingSteps.agenda,
                                   MeetDraftCB.filter(F.action.in_({"case", "survey"})))
    router.callback_query.register(on_agenda_done, MeetingSteps.agenda, step("agendadone"))
    meeting_place.register(router)
    meeting_times.register(router)
    router.callback_query.register(on_times_done, MeetingSteps.times, step("timesdone"))
    router.callback_query.register(on_scope, MeetingSteps.scope,
                                   MeetDraftCB.filter(F.action.in_({"scope", "open"})))
    router.callback_query.register(on_publish, MeetingSteps.preview, step("publish"))
    router.callback_query.register(on_cancel, StateFilter(MeetingSteps), step("cancel"))
    # last: anything else sent during the draft, except commands (they have their handlers)
    router.message.register(receive_other, StateFilter(MeetingSteps), NOT_COMMAND)
    return router
