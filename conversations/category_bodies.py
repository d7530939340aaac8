"""/categories' bodies steps: each body and where its cases go, the group picked for a
body by one tap (or its default), and the body's name typed."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.case_categories import body_detail, change_body_group, list_bodies, rename_body
from bot.services.errors import ServiceError
from bot.ui.category_callbacks import BodyCB, CategoriesCB
from bot.ui.category_screens import bodies_screen, body_screen, rename_body_prompt, saved
from bot.ui.errors import describe
from bot.ui.filters import TYPED
from conversations.category_editor import EditCategories, refuse, render


async def on_bodies(query: CallbackQuery, callback_data: CategoriesCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Shows each body and where its cases go."""
    try:
        bodies = await list_bodies(uow, actor_id=query.from_user.id,
                                   community_id=callback_data.community)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.browse)
    await query.answer()
    await render(query.message, bodies_screen(callback_data.community, bodies))


async def on_body(query: CallbackQuery, callback_data: BodyCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Opens a body with the groups it may be given."""
    try:
        choice = await body_detail(uow, actor_id=query.from_user.id, body_id=callback_data.body)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.browse)
    await query.answer()
    await render(query.message, body_screen(choice))


async def on_group(query: CallbackQuery, callback_data: BodyCB, uow: UnitOfWork) -> None:
    """Sends the body's cases to the picked group (0: the default) and shows all bodies."""
    try:
        body = await change_body_group(uow, actor_id=query.from_user.id,
                                       body_id=callback_data.body,
                                       group_id=callback_data.value or None)
        bodies = await list_bodies(uow, actor_id=query.from_user.id,
                                   community_id=body.community_id)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await query.answer(_("✅ Saved."))
    await render(query.message, bodies_screen(body.community_id, bodies))


async def on_rename_body(query: CallbackQuery, callback_data: BodyCB, state: FSMContext,
                         uow: UnitOfWork) -> None:
    """Asks for the body's new name."""
    try:
        choice = await body_detail(uow, actor_id=query.from_user.id, body_id=callback_data.body)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.body_name)
    await state.update_data(body=choice.body.id)
    await query.answer()
    await render(query.message, rename_body_prompt(choice))


async def receive_body_name(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Renames the body and shows it again."""
    data = await state.get_data()
    try:
        await rename_body(uow, actor_id=message.from_user.id, body_id=data["body"],
                          name=message.text)
        choice = await body_detail(uow, actor_id=message.from_user.id, body_id=data["body"])
    except ServiceError as exc:
        await message.answer(describe(exc))
        return
    await state.set_state(EditCategories.browse)
    await render(message, saved(body_screen(choice)), edit=False)


def register(router: Router) -> None:
    flow, body = StateFilter(EditCategories), BodyCB.filter
    router.callback_query.register(on_bodies, flow, CategoriesCB.filter(F.action == "bodies"))
    router.callback_query.register(on_body, flow, body(F.action == "open"))
    router.callback_query.register(on_group, flow, body(F.action == "group"))
    router.callback_query.register(on_rename_body, flow, body(F.action == "rename"))
    router.message.register(receive_body_name, EditCategories.body_name, TYPED)
