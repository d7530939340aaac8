"""Creating a community: name → time zone → language → summary → confirm.

Only the deployment's bootstrap admins may start it. Nothing is saved before Confirm;
Start over and Cancel are offered at the summary, /cancel works at every step.

```mermaid
flowchart LR
  start[/newcommunity] --> name --> timezone --> language --> summary
  summary -- Confirm --> created
  summary -- Start over --> name
```
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
from bot.menus import refresh_user_menu
from bot.services import UnitOfWork
from bot.services.communities import check_name, check_timezone, create_community
from bot.services.errors import InvalidInput, NotPermitted
from bot.ui import fmt
from bot.ui.callbacks import FlowCB
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED
from bot.ui.keyboards import LANGUAGE_NAMES, cancel_keyboard, confirm_keyboard

FLOW = "nc"


class NewCommunity(StatesGroup):
    name = State()
    timezone = State()
    language = State()
    confirm = State()


def timezone_keyboard(default: str, locale: str) -> InlineKeyboardMarkup:
    """The usual time zones, each named by its city in the reader's language."""
    builder = InlineKeyboardBuilder()
    for zone in dict.fromkeys([default, "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei"]):
        builder.button(text=fmt.timezone_city(zone, locale),
                       callback_data=FlowCB(flow=FLOW, action="tz", value=zone))
    builder.button(text=_("✖️ Cancel"), callback_data=FlowCB(flow=FLOW, action="cancel"))
    builder.adjust(1)
    return builder.as_markup()


def language_choice_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for locale, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=FlowCB(flow=FLOW, action="lang", value=locale))
    builder.button(text=_("✖️ Cancel"), callback_data=FlowCB(flow=FLOW, action="cancel"))
    builder.adjust(2, 1)
    return builder.as_markup()


async def ask_name(message: Message, state: FSMContext) -> None:
    await state.set_state(NewCommunity.name)
    await message.answer(_("What is the community's name? (up to 100 characters)"),
                         reply_markup=cancel_keyboard(FLOW))


async def cmd_newcommunity(message: Message, state: FSMContext, settings: Settings) -> None:
    """Starts the flow for a bootstrap admin; refuses anyone else."""
    if message.from_user.id not in settings.bootstrap_admin_ids:
        raise NotPermitted("bootstrap_only")
    await state.clear()
    await ask_name(message, state)


async def receive_name(message: Message, state: FSMContext, settings: Settings,
                       locale: str) -> None:
    """Stores the name and asks for the time zone."""
    try:
        name = check_name(message.text)
    except InvalidInput as exc:
        await message.answer(describe(exc))
        return
    await state.update_data(name=name)
    await state.set_state(NewCommunity.timezone)
    await message.answer(
        _("Which time zone are its deadlines in? Press one, or send another such as "
          "Asia/Urumqi."),
        reply_markup=timezone_keyboard(settings.default_timezone, locale))


async def store_timezone(message: Message, state: FSMContext, zone: str) -> None:
    await state.update_data(timezone=check_timezone(zone))
    await state.set_state(NewCommunity.language)
    await message.answer(_("Which language should its groups use by default?"),
                         reply_markup=language_choice_keyboard())


async def receive_timezone(message: Message, state: FSMContext) -> None:
    """Accepts a typed IANA time zone."""
    try:
        await store_timezone(message, state, message.text.strip())
    except InvalidInput as exc:
        await message.answer(describe(exc))


async def on_timezone(query: CallbackQuery, callback_data: FlowCB, state: FSMContext) -> None:
    """Accepts a time zone button."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await store_timezone(query.message, state, callback_data.value)


async def on_language(query: CallbackQuery, callback_data: FlowCB, state: FSMContext) -> None:
    """Stores the default language and shows the summary to confirm."""
    if callback_data.value not in LANGUAGE_NAMES:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    data = await state.update_data(locale=callback_data.value)
    await state.set_state(NewCommunity.confirm)
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(
        _("Please check:\nName: {name}\nTime zone: {timezone}\nLanguage: {language}").format(
            name=data["name"], timezone=data["timezone"],
            language=LANGUAGE_NAMES[data["locale"]]),
        reply_markup=confirm_keyboard(FLOW))


def next_steps() -> str:
    """What a new community's admin does next, in order."""
    return _("Next steps:\n"
             "1. The homes: /template gives the roster file to fill in, /import loads it — or "
             "build it by buttons with /units.\n"
             "2. Add me to each building's group, make me an admin there and send /bind in "
             "the group.\n"
             "3. /roles appoints floor contacts and building leads.")


async def on_confirm(query: CallbackQuery, state: FSMContext, uow: UnitOfWork,
                     settings: Settings, bot: Bot, i18n: I18n) -> None:
    """Creates the community in one service call, ends the flow and gives the new admin
    the admins' command menu."""
    data = await state.get_data()
    community = await create_community(
        uow, creator_id=query.from_user.id, bootstrap_admins=settings.bootstrap_admin_ids,
        name=data["name"], timezone=data["timezone"], locale=data["locale"],
        daily_time=settings.daily_digest_time)
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    created = _("Community “{name}” is created (number {id}). You are its first admin."
                ).format(name=community.name, id=community.id)
    await query.message.answer(f"{created}\n\n{next_steps()}")
    await refresh_user_menu(bot, i18n, uow, settings.bootstrap_admin_ids, query.from_user.id)


async def on_restart(query: CallbackQuery, state: FSMContext) -> None:
    """Goes back to the first step, keeping nothing."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await state.set_data({})
    await ask_name(query.message, state)


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    """Leaves the flow without saving."""
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Cancelled. Nothing was saved."), reply_markup=None)


async def receive_other(message: Message) -> None:
    """Answers a photo, sticker or the like sent where text or a button is expected."""
    await message.answer(_("Please answer with text or the buttons above, or send /cancel."))


def step(action: str) -> object:
    """Matches this flow's buttons with the given action."""
    return FlowCB.filter((F.flow == FLOW) & (F.action == action))


def make_router() -> Router:
    router = Router(name="new_community")
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_newcommunity, Command("newcommunity"), StateFilter("*"))
    router.message.register(receive_name, NewCommunity.name, TYPED)
    router.message.register(receive_timezone, NewCommunity.timezone, TYPED)
    router.callback_query.register(on_timezone, NewCommunity.timezone, step("tz"))
    router.callback_query.register(on_language, NewCommunity.language, step("lang"))
    router.callback_query.register(on_confirm, NewCommunity.confirm, step("confirm"))
    router.callback_query.register(on_restart, NewCommunity.confirm, step("restart"))
    router.callback_query.register(on_cancel, StateFilter(NewCommunity), step("cancel"))
    router.message.register(receive_other, StateFilter(NewCommunity), NOT_COMMAND)
    return router
