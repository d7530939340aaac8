"""Choosing who a survey or poll is for: several buildings or floors (☑/☐), or the whole
community for a community-wide organizer. The picker walks the tree from the units the
creator's roles are on; every press is checked again on the server."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services import UnitOfWork
from bot.services.errors import NotPermitted, ServiceError
from bot.services.survey_drafting import ScopeChoices, scope_choices, scope_unit
from bot.services.units import UnitInfo, unit_level
from bot.ui.errors import describe
from bot.ui.survey_callbacks import DraftCB, ScopeCB
from bot.ui.unit_picker import KIND_ICONS
from conversations.survey_draft import DraftSteps

WHOLE = "0"


def scope_prompt() -> str:
    return _("Who is it for? Tap the buildings or floors to include (☑). Tap › to choose "
             "inside a building. Then press ✅ Done.")


async def level_units(uow: UnitOfWork, choices: ScopeChoices, at: int,
                      ) -> tuple[list[UnitInfo], int | None]:
    """The units shown at `at` (0: the first level) and where ⬆️ leads (None: nowhere)."""
    if at == 0:
        if choices.whole:
            level = await unit_level(uow, choices.community_id, None)
            return list(level.children), None
        return list(choices.roots), None
    level = await unit_level(uow, choices.community_id, at)
    roots = {u.id for u in choices.roots}
    up = 0 if at in roots or level.parent_id is None else level.parent_id
    return list(level.children), up


def scope_keyboard(units: list[UnitInfo], up: int | None, picked: dict[str, str],
                   whole: bool) -> InlineKeyboardMarkup:
    """A row per unit: its ☑/☐ toggle and › to open it (floors have nothing inside). Below
    the first level a unit shows its own name; its full label is kept once picked."""
    builder = InlineKeyboardBuilder()
    sizes = []
    if whole and up is None:
        mark = "☑" if WHOLE in picked else "☐"
        builder.button(text=_("{mark} The whole community").format(mark=mark),
                       callback_data=ScopeCB(action="toggle", unit=0))
        sizes.append(1)
    for unit in units:
        mark = "☑" if str(unit.id) in picked else "☐"
        builder.button(text=f"{mark} {KIND_ICONS.get(unit.kind, '')} {unit.label}",
                       callback_data=ScopeCB(action="toggle", unit=unit.id))
        if unit.kind != "floor":
            builder.button(text="›", callback_data=ScopeCB(action="open", unit=unit.id))
        sizes.append(1 if unit.kind == "floor" else 2)
    if up is not None:
        builder.button(text=_("⬆️ Up"), callback_data=ScopeCB(action="open", unit=up))
        sizes.append(1)
    builder.button(text=_("✅ Done ({count} chosen)").format(count=len(picked)),
                   callback_data=ScopeCB(action="done"))
    builder.button(text=_("✖️ Cancel"), callback_data=DraftCB(action="cancel"))
    builder.adjust(*sizes, 1, 1)
    return builder.as_markup()


async def scope_markup(uow: UnitOfWork, state: FSMContext, user_id: int,
                       ) -> InlineKeyboardMarkup:
    data = await state.get_data()
    choices = await scope_choices(uow, user_id, data["community"])
    units, up = await level_units(uow, choices, data.get("at", 0))
    return scope_keyboard(units, up, data.get("scope", {}), choices.whole)


async def ask_scope(message: Message, state: FSMContext, uow: UnitOfWork,
                    user_id: int) -> None:
    await state.update_data(at=0)
    await state.set_state(DraftSteps.scope)
    await message.answer(scope_prompt(), reply_markup=await scope_markup(uow, state, user_id))


async def on_scope(query: CallbackQuery, callback_data: ScopeCB, state: FSMContext,
                   uow: UnitOfWork) -> None:
    """Opens a unit or toggles one; the whole community excludes single units."""
    data = await state.get_data()
    user_id, community_id = query.from_user.id, data["community"]
    picked: dict[str, str] = dict(data.get("scope", {}))
    try:
        if callback_data.action == "open" and callback_data.unit:
            await scope_unit(uow, user_id, community_id, callback_data.unit)
        elif callback_data.action == "toggle" and callback_data.unit:
            unit = await scope_unit(uow, user_id, community_id, callback_data.unit)
            picked.pop(WHOLE, None)
            if picked.pop(str(unit.id), None) is None:
                picked[str(unit.id)] = unit.label
        elif callback_data.action == "toggle":
            if not (await scope_choices(uow, user_id, community_id)).whole:
                raise NotPermitted("no_role_on_scope")
            picked = {} if WHOLE in picked else {WHOLE: ""}
    except ServiceError as exc:
        await query.answer(describe(exc), show_alert=True)
        return
    at = callback_data.unit if callback_data.action == "open" else data.get("at", 0)
    await state.update_data(scope=picked, at=at)
    await query.answer()
    await query.message.edit_reply_markup(
        reply_markup=await scope_markup(uow, state, user_id))


def register(router: Router) -> None:
    router.callback_query.register(on_scope, DraftSteps.scope,
                                   ScopeCB.filter(F.action.in_({"open", "toggle"})))
