"""/units: build or correct the roster by buttons — the community (asked when the admin
manages several), then walk its tree, add a compound, a building, an entrance, floors 1–N,
rooms ("301-304"), or set a home's floor area.

Each change is saved by one service call when the admin sends the value, and shown at once
in the tree; the services re-check the admin's role on that unit.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.room_spec import (
    SpecError,
    parse_area,
    parse_floor_count,
    parse_rooms,
    split_area,
)
from bot.services import UnitOfWork
from bot.services.communities import CommunityInfo, managed_communities
from bot.services.errors import NotPermitted, ServiceError
from bot.services.roster_edit import (
    CHILD_KINDS,
    add_child_unit,
    add_floors,
    add_rooms,
    rooms_with_area,
    set_area,
)
from bot.services.units import unit_level
from bot.ui import fmt
from bot.ui.callbacks import FlowCB, UnitCB
from bot.ui.errors import describe, describe_spec
from bot.ui.filters import NOT_COMMAND, TYPED
from bot.ui.roster_callbacks import RosterPickCB
from bot.ui.roster_import_texts import communities_keyboard
from bot.ui.unit_picker import KIND_ICONS

FLOW = "units"


class EditRoster(StatesGroup):
    community = State()
    browse = State()
    name = State()
    floors = State()
    rooms = State()
    area = State()


def kind_name(kind: str) -> str:
    return {"compound": _("compound"), "building": _("building"),
            "entrance": _("entrance"), "floor": _("floor")}[kind]


async def tree_view(uow: UnitOfWork, community_id: int, community_name: str,
                    unit_id: int | None, locale: str) -> tuple[str, InlineKeyboardMarkup]:
    level = await unit_level(uow, community_id, unit_id)
    builder = InlineKeyboardBuilder()
    for child in level.children:
        builder.button(text=f"{KIND_ICONS.get(child.kind, '')} {child.name}",
                       callback_data=UnitCB(flow=FLOW, action="open", community=community_id,
                                            unit=child.id))
    rows = [3] * ((len(level.children) + 2) // 3)
    kind = level.current.kind if level.current else None
    actions = [(_("➕ Add {kind}").format(kind=kind_name(k)), f"add_{k}")
               for k in CHILD_KINDS.get(kind, ()) if k != "floor"]
    if "floor" in CHILD_KINDS.get(kind, ()):
        actions.append((_("➕ Add floors 1–N"), "add_floors"))
    lines = [_("Community: {community}").format(community=community_name),
             level.current.label if level.current else _("The whole community")]
    if kind == "floor":
        homes = await rooms_with_area(uow, unit_id)
        lines += [_("{room}: {area} m²").format(room=h.room, area=fmt.number(h.area, locale))
                  for h in homes] or [_("No homes yet.")]
        actions += [(_("➕ Add rooms"), "add_rooms"), (_("📐 Set a floor area"), "set_area")]
    for text, action in actions:
        builder.button(text=text, callback_data=FlowCB(flow=FLOW, action=action,
                                                       value=str(unit_id or 0)))
    if level.current is not None:
        builder.button(text=_("⬆️ Up"), callback_data=UnitCB(
            flow=FLOW, action="open", community=community_id, unit=level.parent_id or 0))
    builder.button(text=_("✔️ Done"), callback_data=FlowCB(flow=FLOW, action="done"))
    builder.adjust(*rows, *([1] * (len(actions) + (level.current is not None) + 1)))
    return "\n".join(lines), builder.as_markup()


async def show(message: Message, state: FSMContext, uow: UnitOfWork, unit_id: int | None,
               locale: str, *, edit: bool) -> None:
    data = await state.update_data(unit=unit_id)
    await state.set_state(EditRoster.browse)
    text, markup = await tree_view(uow, data["community"], data["community_name"], unit_id,
                                   locale)
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


async def cmd_units(message: Message, state: FSMContext, uow: UnitOfWork, locale: str) -> None:
    """Opens the tree of the community the user manages, asking which one if several."""
    communities = await managed_communities(uow, message.from_user.id)
    if not communities:
        raise NotPermitted("not_manager")
    await state.clear()
    if len(communities) == 1:
        await open_community(message, state, uow, communities[0], locale)
        return
    await state.set_state(EditRoster.community)
    await message.answer(_("Which community?"),
                         reply_markup=communities_keyboard(communities, FLOW))


async def open_community(message: Message, state: FSMContext, uow: UnitOfWork,
                         community: CommunityInfo, locale: str) -> None:
    await state.update_data(community=community.id, community_name=community.name)
    await show(message, state, uow, None, locale, edit=False)


async def on_community(query: CallbackQuery, callback_data: RosterPickCB, state: FSMContext,
                       uow: UnitOfWork, locale: str) -> None:
    """Opens the chosen community (re-checked: the presser must still manage it)."""
    found = next((c for c in await managed_communities(uow, query.from_user.id)
                  if c.id == callback_data.community_id), None)
    if found is None:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await open_community(query.message, state, uow, found, locale)


async def on_open(query: CallbackQuery, callback_data: UnitCB, state: FSMContext,
                  uow: UnitOfWork, locale: str) -> None:
    """Shows a unit with what can be added there."""
    data = await state.get_data()
    if callback_data.community != data.get("community"):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await query.answer()
    await show(query.message, state, uow, callback_data.unit or None, locale, edit=True)


PROMPTS = {
    "add_compound": (EditRoster.name, "compound"),
    "add_building": (EditRoster.name, "building"),
    "add_entrance": (EditRoster.name, "entrance"),
    "add_floors": (EditRoster.floors, None),
    "add_rooms": (EditRoster.rooms, None),
    "set_area": (EditRoster.area, None),
}


async def on_action(query: CallbackQuery, callback_data: FlowCB, state: FSMContext) -> None:
    """Asks for the value the chosen action needs."""
    next_state, kind = PROMPTS[callback_data.action]
    await state.update_data(kind=kind)
    await state.set_state(next_state)
    await query.answer()
    prompts = {
        EditRoster.name: lambda: _("Send the name of the new {kind}, e.g. 1号楼.").format(
            kind=kind_name(kind)) if kind else "",
        EditRoster.floors: lambda: _("How many floors? Send a number N; floors 1 to N are "
                                     "added (existing ones are kept)."),
        EditRoster.rooms: lambda: _("Send the room numbers, e.g. 301-304 or 301, 302, 305. "
                                    "You may add their floor area in m²: 301-304 89.5m²"),
        EditRoster.area: lambda: _("Send the room and its floor area in m², e.g. 301 89.5"),
    }
    await query.message.answer(prompts[next_state]())


async def after_change(message: Message, state: FSMContext, uow: UnitOfWork, done: str,
                       locale: str) -> None:
    await message.answer(done)
    data = await state.get_data()
    await show(message, state, uow, data.get("unit"), locale, edit=False)


async def receive_name(message: Message, state: FSMContext, uow: UnitOfWork,
                       locale: str) -> None:
    """Adds a compound, building or entrance."""
    data = await state.get_data()
    try:
        result = await add_child_unit(uow, actor_id=message.from_user.id,
                                      community_id=data["community"], parent_id=data["unit"],
                                      kind=data["kind"], name=message.text)
    except ServiceError as exc:
        await message.answer(describe(exc))
        return
    done = _("Added.") if result.added else _("It was there already.")
    await after_change(message, state, uow, done, locale)


async def receive_floors(message: Message, state: FSMContext, uow: UnitOfWork,
                         locale: str) -> None:
    """Adds floors 1..N."""
    data = await state.get_data()
    try:
        count = parse_floor_count(message.text)
    except SpecError as exc:
        await message.answer(describe_spec(exc))
        return
    result = await add_floors(uow, actor_id=message.from_user.id,
                              community_id=data["community"], parent_id=data["unit"],
                              count=count)
    await after_change(message, state, uow, _("{added} floors added, {existing} were there "
                                              "already.").format(added=result.added,
                                                                 existing=result.existing),
                       locale)


async def receive_rooms(message: Message, state: FSMContext, uow: UnitOfWork,
                        locale: str) -> None:
    """Adds rooms, optionally with one floor area for all of them."""
    data = await state.get_data()
    try:
        rooms_text, area = split_area(message.text)
        rooms = parse_rooms(rooms_text)
    except SpecError as exc:
        await message.answer(describe_spec(exc))
        return
    result = await add_rooms(uow, actor_id=message.from_user.id,
                             community_id=data["community"], floor_id=data["unit"],
                             rooms=rooms, area=area)
    await after_change(message, state, uow, _("{added} rooms added, {existing} were there "
                                              "already.").format(added=result.added,
                                                                 existing=result.existing),
                       locale)


async def receive_area(message: Message, state: FSMContext, uow: UnitOfWork,
                       locale: str) -> None:
    """Sets one home's floor area."""
    data = await state.get_data()
    room, _sep, value = message.text.strip().partition(" ")
    try:
        area = parse_area(value)
        await set_area(uow, actor_id=message.from_user.id, community_id=data["community"],
                       floor_id=data["unit"], room=room, area=area)
    except SpecError as exc:
        await message.answer(describe_spec(exc))
        return
    except ServiceError as exc:
        await message.answer(describe(exc))
        return
    await after_change(message, state, uow, _("Saved."), locale)


async def on_done(query: CallbackQuery, state: FSMContext, uow: UnitOfWork) -> None:
    """Closes the editor; on a community still without buildings, says how to add them."""
    community = (await state.get_data())["community"]
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    if not (await unit_level(uow, community, None)).children:
        await query.message.answer(_(
            "The community has no buildings yet. Add them by buttons with /units, or fill "
            "in the roster file from /template and load it with /import."))


async def receive_other(message: Message) -> None:
    """Answers anything but text where a value is expected."""
    await message.answer(_("Please send text, or /cancel."))


async def receive_not_button(message: Message) -> None:
    """Answers a message where the tree or the community list expects a button."""
    await message.answer(_("Please use the buttons above, or send /cancel."))


def make_router() -> Router:
    router = Router(name="edit_roster")
    router.message.filter(F.chat.type == "private")
    flow = StateFilter(EditRoster)
    router.message.register(cmd_units, Command("units"), StateFilter("*"))
    router.callback_query.register(on_community, EditRoster.community,
                                   RosterPickCB.filter(F.purpose == FLOW))
    router.callback_query.register(on_open, flow, UnitCB.filter(F.flow == FLOW))
    router.callback_query.register(on_done, flow, FlowCB.filter((F.flow == FLOW)
                                                                & (F.action == "done")))
    router.callback_query.register(on_action, flow, FlowCB.filter(
        (F.flow == FLOW) & F.action.in_(set(PROMPTS))))
    router.message.register(receive_name, EditRoster.name, TYPED)
    router.message.register(receive_floors, EditRoster.floors, TYPED)
    router.message.register(receive_rooms, EditRoster.rooms, TYPED)
    router.message.register(receive_area, EditRoster.area, TYPED)
    router.message.register(receive_not_button,
                            StateFilter(EditRoster.community, EditRoster.browse), NOT_COMMAND)
    router.message.register(receive_other, flow, NOT_COMMAND)
    return router
