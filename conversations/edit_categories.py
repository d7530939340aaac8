"""/categories: a community admin or committee member edits, by buttons, what residents may
report, who handles it and how fast, and where each body receives its cases.

One message is edited in place; every step is one tap. Typed text is asked only for a name.

```mermaid
flowchart LR
    list -->|category| category
    category -->|body| pick_body --> category
    category -->|deadline| pick_hours --> category
    category -->|rename| name --> category
    category -->|hide / show| category
    list -->|new| new_name --> category
    list -->|bodies| bodies -->|body| body
    body -->|group / default| bodies
    body -->|rename| body_name --> body
```
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.case_categories import (
    DEADLINES,
    add_category,
    body_detail,
    category_detail,
    change_body_group,
    change_category_body,
    change_deadline,
    list_bodies,
    list_categories,
    rename_body,
    rename_category,
    show_category,
)
from bot.services.communities import managed_communities
from bot.services.errors import InvalidInput, NotFound, NotPermitted, ServiceError
from bot.ui.category_callbacks import BodyCB, CategoriesCB, CategoryCB
from bot.ui.category_screens import (
    Screen,
    bodies_screen,
    body_picker,
    body_screen,
    category_screen,
    community_picker,
    hours_screen,
    list_screen,
    new_category_prompt,
    rename_body_prompt,
    rename_category_prompt,
    saved,
)
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED


class EditCategories(StatesGroup):
    browse = State()
    new_name = State()
    category_name = State()
    body_name = State()


async def render(message: Message, screen: Screen, *, edit: bool = True) -> None:
    text, markup = screen
    if not edit:
        await message.answer(text, reply_markup=markup)
        return
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:  # a double tap shows the same screen again
            raise


async def refuse(query: CallbackQuery, error: ServiceError) -> None:
    """A button that points at nothing (any more) has expired; the rest say why."""
    stale = isinstance(error, NotFound) or error.code == "bad_hours"
    await query.answer(_("This button has expired.") if stale else describe(error),
                       show_alert=True)


# -- the flow, in the order the admin meets it --------------------------------------------

async def cmd_categories(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Opens the categories of the community (asked first when the user manages several)."""
    communities = await managed_communities(uow, message.from_user.id)
    if not communities:
        raise NotPermitted("not_manager")
    await state.clear()
    await state.set_state(EditCategories.browse)
    if len(communities) == 1:
        await render(message, list_screen(communities[0].id, await list_categories(
            uow, actor_id=message.from_user.id, community_id=communities[0].id)), edit=False)
        return
    await render(message, community_picker(communities), edit=False)


async def on_list(query: CallbackQuery, callback_data: CategoriesCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Shows the community's categories, shown and hidden."""
    try:
        categories = await list_categories(uow, actor_id=query.from_user.id,
                                           community_id=callback_data.community)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.browse)
    await query.answer()
    await render(query.message, list_screen(callback_data.community, categories))


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


async def receive_not_text(message: Message) -> None:
    """Answers a photo, sticker or voice message where a name is expected."""
    await message.answer(_("Please send the name as text."))


async def on_done(query: CallbackQuery, state: FSMContext) -> None:
    """Closes the editor; its buttons expire."""
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Done. Send /categories to change them again."),
                                  reply_markup=None)


def make_router() -> Router:
    router = Router(name="edit_categories")
    router.message.filter(F.chat.type == "private")
    flow = StateFilter(EditCategories)
    naming = StateFilter(EditCategories.new_name, EditCategories.category_name,
                         EditCategories.body_name)
    router.message.register(cmd_categories, Command("categories"), StateFilter("*"))
    cats, cat, body = CategoriesCB.filter, CategoryCB.filter, BodyCB.filter
    router.callback_query.register(on_list, flow, cats(F.action == "list"))
    router.callback_query.register(on_new, flow, cats(F.action == "new"))
    router.callback_query.register(on_bodies, flow, cats(F.action == "bodies"))
    router.callback_query.register(on_done, flow, cats(F.action == "done"))
    router.callback_query.register(on_category, flow, cat(F.action.in_(
        {"open", "body", "set", "hide", "show"})))
    router.callback_query.register(on_pick_body, flow, cat(F.action == "bodies"))
    router.callback_query.register(on_pick_hours, flow, cat(F.action == "hours"))
    router.callback_query.register(on_rename, flow, cat(F.action == "rename"))
    router.callback_query.register(on_body, flow, body(F.action == "open"))
    router.callback_query.register(on_group, flow, body(F.action == "group"))
    router.callback_query.register(on_rename_body, flow, body(F.action == "rename"))
    router.message.register(receive_new_name, EditCategories.new_name, TYPED)
    router.message.register(receive_category_name, EditCategories.category_name, TYPED)
    router.message.register(receive_body_name, EditCategories.body_name, TYPED)
    router.message.register(receive_not_text, naming, NOT_COMMAND)
    return router
