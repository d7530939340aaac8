"""/categories' category steps: a category opened, its body, its deadlines and whether
residents see it changed by one tap each, its name typed; and a new category, named."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.case_categories import (
    DEADLINES,
    add_category,
    category_detail,
    change_category_body,
    change_deadline,
    list_bodies,
    list_categories,
    rename_category,
    show_category,
)
from bot.services.errors import InvalidInput, ServiceError
from bot.ui.category_callbacks import CategoriesCB, CategoryCB
from bot.ui.category_screens import (
    body_picker,
    category_screen,
    hours_screen,
    new_category_prompt,
    rename_category_prompt,
    saved,
)
from bot.ui.errors import describe
from bot.ui.filters import TYPED
from conversations.category_editor import EditCategories, refuse, render


async def on_category(query: CallbackQuery, callback_data: CategoryCB, state: FSMContext,
                      uow: UnitOfWork, locale: str) -> None:
    """Opens a category, or changes its body, a deadline or whether it is shown."""
    user, action, value = query.from_user.id, callback_data.action, callback_data.value
    try:
        if action == "body":
            category = await change_category_body(uow, actor_id=user,
                                                  category_id=callback_data.category,
                                                  body_id=int(value))
        elif action == "set":
            deadline, _sep, hours = value.partition("=")
            category = await change_deadline(uow, actor_id=user,
                                             category_id=callback_data.category,
                                             deadline=deadline, hours=float(hours))
        elif action in ("hide", "show"):
            category = await show_category(uow, actor_id=user,
                                           category_id=callback_data.category,
                                           shown=action == "show")
        else:
            category = await category_detail(uow, actor_id=user,
                                             category_id=callback_data.category)
    except ValueError:
        await refuse(query, InvalidInput("bad_hours"))
        return
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.browse)
    await query.answer(_("✅ Saved.") if action != "open" else None)
    await render(query.message, category_screen(category, locale))


async def on_pick_body(query: CallbackQuery, callback_data: CategoryCB, uow: UnitOfWork,
                       ) -> None:
    """Lists the bodies that may handle the category."""
    try:
        category = await category_detail(uow, actor_id=query.from_user.id,
                                         category_id=callback_data.category)
        bodies = await list_bodies(uow, actor_id=query.from_user.id,
                                   community_id=category.community_id)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await query.answer()
    await render(query.message, body_picker(category, bodies))


async def on_pick_hours(query: CallbackQuery, callback_data: CategoryCB, uow: UnitOfWork,
                        locale: str) -> None:
    """Offers the choices for one deadline."""
    if callback_data.value not in DEADLINES:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    try:
        category = await category_detail(uow, actor_id=query.from_user.id,
                                         category_id=callback_data.category)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await query.answer()
    await render(query.message, hours_screen(category, callback_data.value, locale))


async def on_rename(query: CallbackQuery, callback_data: CategoryCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Asks for the category's new name."""
    try:
        category = await category_detail(uow, actor_id=query.from_user.id,
                                         category_id=callback_data.category)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.category_name)
    await state.update_data(category=category.id)
    await query.answer()
    await render(query.message, rename_category_prompt(category))


async def receive_category_name(message: Message, state: FSMContext, uow: UnitOfWork,
                                locale: str) -> None:
    """Renames the category and shows it again."""
    data = await state.get_data()
    try:
        category = await rename_category(uow, actor_id=message.from_user.id,
                                         category_id=data["category"], name=message.text)
    except ServiceError as exc:
        await message.answer(describe(exc))
        return
    await state.set_state(EditCategories.browse)
    await render(message, saved(category_screen(category, locale)), edit=False)


async def on_new(query: CallbackQuery, callback_data: CategoriesCB, state: FSMContext,
                 uow: UnitOfWork) -> None:
    """Asks for the new category's name (the role is checked now and again on saving)."""
    try:
        await list_categories(uow, actor_id=query.from_user.id,
                              community_id=callback_data.community)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.new_name)
    await state.update_data(community=callback_data.community)
    await query.answer()
    await render(query.message, new_category_prompt(callback_data.community))


async def receive_new_name(message: Message, state: FSMContext, uow: UnitOfWork,
                           locale: str) -> None:
    """Creates the category (the service checks the role again) and opens it."""
    data = await state.get_data()
    try:
        category = await add_category(uow, actor_id=message.from_user.id,
                                      community_id=data["community"], name=message.text)
    except ServiceError as exc:
        await message.answer(describe(exc))
        return
    await state.set_state(EditCategories.browse)
    await render(message, category_screen(category, locale), edit=False)


def register(router: Router) -> None:
    flow, cat = StateFilter(EditCategories), CategoryCB.filter
    router.callback_query.register(on_new, flow, CategoriesCB.filter(F.action == "new"))
    router.callback_query.register(on_category, flow, cat(F.action.in_(
        {"open", "body", "set", "hide", "show"})))
    router.callback_query.register(on_pick_body, flow, cat(F.action == "bodies"))
    router.callback_query.register(on_pick_hours, flow, cat(F.action == "hours"))
    router.callback_query.register(on_rename, flow, cat(F.action == "rename"))
    router.message.register(receive_new_name, EditCategories.new_name, TYPED)
    router.message.register(receive_category_name, EditCategories.category_name, TYPED)
