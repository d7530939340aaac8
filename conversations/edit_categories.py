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
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.case_categories import list_categories
from bot.services.communities import managed_communities
from bot.services.errors import NotPermitted, ServiceError
from bot.ui.category_callbacks import CategoriesCB
from bot.ui.category_screens import community_picker, list_screen
from bot.ui.filters import NOT_COMMAND
from conversations import category_bodies, category_steps
from conversations.category_editor import EditCategories, refuse, render

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
    router.callback_query.register(on_list, flow, CategoriesCB.filter(F.action == "list"))
    router.callback_query.register(on_done, flow, CategoriesCB.filter(F.action == "done"))
    category_steps.register(router)
    category_bodies.register(router)
    router.message.register(receive_not_text, naming, NOT_COMMAND)
    return router
