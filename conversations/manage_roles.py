"""/roles: a community admin or committee member grants or removes roles by buttons.

Grant: role → unit (for building leads, floor contacts, property staff) → person (a verified
resident of that unit, or @username / id of someone who has talked to the bot) → confirm.
Remove: pick an assignment → confirm. Every change is audited by the service.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.domain.roles import Role
from bot.menus import refresh_user_menu
from bot.services import UnitOfWork
from bot.services.communities import managed_communities
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.roles_admin import (
    COMMUNITY_WIDE,
    GRANTABLE,
    UNIT_ROLES,
    check_role_scope,
    find_person,
    grant_role,
    list_assignments,
    revoke_role,
    verified_residents,
)
from bot.services.units import unit_level
from bot.ui.callbacks import RoleCB, UnitCB
from bot.ui.errors import describe
from bot.ui.filters import TYPED
from bot.ui.roster_texts import label, role_name
from bot.ui.unit_picker import unit_keyboard


class ManageRoles(StatesGroup):
    community = State()
    action = State()
    role = State()
    unit = State()
    person = State()
    confirm = State()
    revoke = State()


def buttons(items: list[tuple[str, RoleCB]], width: int = 1) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, data in items:
        builder.button(text=text, callback_data=data)
    builder.button(text=_("✖️ Cancel"), callback_data=RoleCB(action="cancel"))
    builder.adjust(*([width] * ((len(items) + width - 1) // width)), 1)
    return builder.as_markup()


async def cmd_roles(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Starts with the community (asked only when the user manages several)."""
    communities = await managed_communities(uow, message.from_user.id)
    if not communities:
        raise NotPermitted("not_manager")
    await state.clear()
    if len(communities) == 1:
        await ask_action(message, state, communities[0].id)
        return
    await state.set_state(ManageRoles.community)
    await message.answer(_("Which community?"), reply_markup=buttons(
        [(c.name, RoleCB(action="community", value=str(c.id))) for c in communities]))


async def ask_action(message: Message, state: FSMContext, community_id: int) -> None:
    await state.update_data(community=community_id)
    await state.set_state(ManageRoles.action)
    await message.answer(_("Grant a role, or remove one?"), reply_markup=buttons([
        (_("➕ Grant a role"), RoleCB(action="grant")),
        (_("➖ Remove a role"), RoleCB(action="revoke"))], width=2))


async def on_community(query: CallbackQuery, callback_data: RoleCB, state: FSMContext,
                       uow: UnitOfWork) -> None:
    """Keeps the chosen community (checked again by every service call)."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await ask_action(query.message, state, int(callback_data.value))


async def on_grant(query: CallbackQuery, state: FSMContext) -> None:
    """Lists the roles that can be granted."""
    await state.set_state(ManageRoles.role)
    await query.answer()
    await query.message.edit_text(_("Which role?"), reply_markup=buttons(
        [(label(role_name(r)), RoleCB(action="role", value=str(r))) for r in GRANTABLE]))


async def on_role(query: CallbackQuery, callback_data: RoleCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Community-wide roles go straight to the person; the others ask for the unit."""
    if callback_data.value not in {str(r) for r in GRANTABLE}:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    role = Role(callback_data.value)
    data = await state.update_data(role=str(role), unit=None, unit_label=None)
    await query.answer()
    if role in UNIT_ROLES:
        await state.set_state(ManageRoles.unit)
        level = await unit_level(uow, data["community"], None)
        await query.message.edit_text(
            _("Where does the {role} serve?").format(role=role_name(role)),
            reply_markup=unit_keyboard(level, "role", pick_top=role in COMMUNITY_WIDE))
        return
    await ask_person(query.message, state, uow)


async def on_unit(query: CallbackQuery, callback_data: UnitCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Walks the tree; a picked unit must suit the role (a floor contact on a floor…).
    Only the presser's own flow (this state) gets here; the unit is checked against its
    community."""
    data = await state.get_data()
    level = await unit_level(uow, data["community"], callback_data.unit or None)
    if callback_data.action == "open":
        await query.answer()
        await query.message.edit_reply_markup(reply_markup=unit_keyboard(
            level, "role", pick_top=Role(data["role"]) in COMMUNITY_WIDE))
        return
    try:
        check_role_scope(Role(data["role"]), level.current.kind if level.current else None)
    except InvalidInput as exc:
        await query.answer(describe(exc), show_alert=True)
        return
    await query.answer()
    await state.update_data(unit=level.current.id if level.current else None,
                            unit_label=level.current.label if level.current else None)
    await ask_person(query.message, state, uow)


async def ask_person(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    data = await state.get_data()
    people = await verified_residents(uow, data["community"], data["unit"])
    await state.set_state(ManageRoles.person)
    await message.edit_text(
        _("Who? Pick a verified resident, or send their @username or Telegram id (they "
          "must have started a chat with me)."),
        reply_markup=buttons([(p.name, RoleCB(action="person", value=str(p.user_id)))
                              for p in people], width=2))


async def show_summary(message: Message, state: FSMContext, user_id: int, name: str,
                       *, edit: bool) -> None:
    data = await state.update_data(person=user_id, person_name=name)
    await state.set_state(ManageRoles.confirm)
    text = _("Grant {role} to {name}, for {scope}?").format(
        role=role_name(data["role"]), name=name,
        scope=data["unit_label"] or _("the whole community"))
    markup = buttons([(_("✅ Confirm"), RoleCB(action="confirm"))])
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


async def on_person(query: CallbackQuery, callback_data: RoleCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Takes a resident button."""
    person = await find_person(uow, callback_data.value)
    await query.answer()
    await show_summary(query.message, state, person.user_id, person.name, edit=True)


async def receive_person(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Takes a typed @username or id."""
    try:
        person = await find_person(uow, message.text)
    except NotFound as exc:
        await message.answer(describe(exc))
        return
    await show_summary(message, state, person.user_id, person.name, edit=False)


async def on_confirm_grant(query: CallbackQuery, state: FSMContext, uow: UnitOfWork,
                           bot: Bot, i18n: I18n, settings: Settings) -> None:
    """Grants the role in one service call, then updates the person's command menu."""
    data = await state.get_data()
    done = await grant_role(uow, actor_id=query.from_user.id, community_id=data["community"],
                            user_id=data["person"], role=data["role"], unit_id=data["unit"])
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("✅ {name} is now {role} for {scope}.").format(
        name=done.name, role=role_name(done.role),
        scope=done.scope or _("the whole community")), reply_markup=None)
    await refresh_user_menu(bot, i18n, uow, settings.bootstrap_admin_ids, done.user_id)


async def on_revoke(query: CallbackQuery, state: FSMContext, uow: UnitOfWork) -> None:
    """Lists the current assignments to pick one."""
    data = await state.get_data()
    found = await list_assignments(uow, actor_id=query.from_user.id,
                                   community_id=data["community"])
    await state.set_state(ManageRoles.revoke)
    await query.answer()
    await query.message.edit_text(_("Which role should be removed?"), reply_markup=buttons([
        (f"{label(role_name(a.role))} · {a.name} · {a.scope or '—'}",
         RoleCB(action="pick", value=str(a.id))) for a in found[:40]]))


async def on_pick(query: CallbackQuery, callback_data: RoleCB, state: FSMContext) -> None:
    """Asks to confirm the removal."""
    await state.update_data(assignment=int(callback_data.value))
    await query.answer()
    await query.message.edit_text(_("Remove this role?"), reply_markup=buttons(
        [(_("✅ Confirm"), RoleCB(action="confirm"))]))


async def on_confirm_revoke(query: CallbackQuery, state: FSMContext, uow: UnitOfWork,
                            bot: Bot, i18n: I18n, settings: Settings) -> None:
    """Removes the role in one service call, then updates the person's command menu."""
    data = await state.get_data()
    done = await revoke_role(uow, actor_id=query.from_user.id,
                             assignment_id=data["assignment"])
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Removed: {role} of {name} ({scope}).").format(
        role=role_name(done.role), name=done.name, scope=done.scope or "—"),
        reply_markup=None)
    await refresh_user_menu(bot, i18n, uow, settings.bootstrap_admin_ids, done.user_id)


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    """Leaves without changing anything."""
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Cancelled. Nothing was changed."), reply_markup=None)


def step(action: str) -> object:
    return RoleCB.filter(F.action == action)


def make_router() -> Router:
    router = Router(name="manage_roles")
    router.message.filter(F.chat.type == "private")
    flow = StateFilter(ManageRoles)
    router.message.register(cmd_roles, Command("roles"), StateFilter("*"))
    router.callback_query.register(on_community, ManageRoles.community, step("community"))
    router.callback_query.register(on_grant, ManageRoles.action, step("grant"))
    router.callback_query.register(on_revoke, ManageRoles.action, step("revoke"))
    router.callback_query.register(on_role, ManageRoles.role, step("role"))
    router.callback_query.register(on_unit, ManageRoles.unit, UnitCB.filter(F.flow == "role"))
    router.callback_query.register(on_person, ManageRoles.person, step("person"))
    router.message.register(receive_person, ManageRoles.person, TYPED)
    router.callback_query.register(on_confirm_grant, ManageRoles.confirm, step("confirm"))
    router.callback_query.register(on_pick, ManageRoles.revoke, step("pick"))
    router.callback_query.register(on_confirm_revoke, ManageRoles.revoke, step("confirm"))
    router.callback_query.register(on_cancel, flow, step("cancel"))
    return router
