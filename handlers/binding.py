"""/bind and /unbind in a group: connect the chat (or a forum topic) to a unit and a
purpose. Only a Telegram admin of the chat who is also a community admin or committee member
may do it; the buttons carry who started, and every press is checked again."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services import UnitOfWork
from bot.services.binding import Binding, Purpose, bind_group, set_join_message, unbind_group
from bot.services.communities import managed_communities
from bot.services.errors import NotPermitted
from bot.services.units import unit_level
from bot.ui.callbacks import BindCB, UnitCB
from bot.ui.roster_texts import purpose_name
from bot.ui.unit_picker import unit_keyboard

GROUP_ADMINS = frozenset({"creator", "administrator"})


async def require_chat_admin(bot: Bot, chat_id: int, user_id: int) -> None:
    member = await bot.get_chat_member(chat_id, user_id)
    if member.status not in GROUP_ADMINS:
        raise NotPermitted("not_chat_admin")


def thread_of(message: Message) -> int:
    return message.message_thread_id if message.is_topic_message else 0


def purpose_keyboard(community_id: int, by: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for purpose in Purpose:
        builder.button(text=purpose_name(purpose),
                       callback_data=BindCB(action="purpose", community=community_id,
                                            purpose=purpose, by=by))
    builder.button(text=_("✖️ Cancel"), callback_data=BindCB(action="cancel", by=by))
    builder.adjust(1)
    return builder.as_markup()


async def cmd_bind(message: Message, bot: Bot, uow: UnitOfWork) -> None:
    """Checks both admin rights, then asks which community (if several) and what for."""
    user_id = message.from_user.id
    await require_chat_admin(bot, message.chat.id, user_id)
    communities = await managed_communities(uow, user_id)
    if not communities:
        raise NotPermitted("not_manager")
    if len(communities) == 1:
        await message.answer(_("What is this group for?"),
                             reply_markup=purpose_keyboard(communities[0].id, user_id))
        return
    builder = InlineKeyboardBuilder()
    for community in communities:
        builder.button(text=community.name, callback_data=BindCB(
            action="community", community=community.id, by=user_id))
    builder.adjust(1)
    await message.answer(_("Which community does this group belong to?"),
                         reply_markup=builder.as_markup())


async def check_presser(query: CallbackQuery, by: int) -> bool:
    if query.from_user.id != by:
        await query.answer(_("Only the person who sent /bind can use these buttons."),
                           show_alert=True)
        return False
    return True


async def on_community(query: CallbackQuery, callback_data: BindCB) -> None:
    """Asks what the group is for in the chosen community."""
    if not await check_presser(query, callback_data.by):
        return
    await query.answer()
    await query.message.edit_text(_("What is this group for?"), reply_markup=purpose_keyboard(
        callback_data.community, callback_data.by))


def confirm_keyboard(community: int, purpose: str, unit: int, by: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Confirm"), callback_data=BindCB(
        action="confirm", community=community, purpose=purpose, unit=unit, by=by))
    builder.button(text=_("✖️ Cancel"), callback_data=BindCB(action="cancel", by=by))
    return builder.as_markup()


async def on_purpose(query: CallbackQuery, callback_data: BindCB, uow: UnitOfWork) -> None:
    """A residents' group needs its building or floor; the others belong to the community."""
    if not await check_presser(query, callback_data.by):
        return
    await query.answer()
    if callback_data.purpose == Purpose.RESIDENTS:
        level = await unit_level(uow, callback_data.community, None)
        if not level.children:
            await query.message.edit_text(_(
                "This community has no buildings yet. Import the roster first (/import in "
                "a private chat with me)."), reply_markup=None)
            return
        await query.message.edit_text(_("Which building or floor are these residents of?"),
                                      reply_markup=unit_keyboard(level, "bind",
                                                                 callback_data.by))
        return
    await query.message.edit_text(
        _("Bind this chat as the {purpose}?").format(
            purpose=purpose_name(callback_data.purpose)),
        reply_markup=confirm_keyboard(callback_data.community, callback_data.purpose, 0,
                                      callback_data.by))


async def on_unit(query: CallbackQuery, callback_data: UnitCB, uow: UnitOfWork) -> None:
    """Walks the tree; picking a unit asks for confirmation."""
    if not await check_presser(query, callback_data.by):
        return
    await query.answer()
    unit_id = callback_data.unit or None
    level = await unit_level(uow, callback_data.community, unit_id)
    if callback_data.action == "open":
        await query.message.edit_reply_markup(
            reply_markup=unit_keyboard(level, "bind", callback_data.by))
        return
    await query.message.edit_text(
        _("Bind this chat as the residents' group of {unit}?").format(
            unit=level.current.label if level.current else "—"),
        reply_markup=confirm_keyboard(callback_data.community, Purpose.RESIDENTS,
                                      callback_data.unit, callback_data.by))


def join_markup(bot_username: str, group_id: int) -> InlineKeyboardMarkup:
    url = f"https://t.me/{bot_username}?start=join_{group_id}"
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=_("🏠 Join 加入"), url=url)]])


async def on_confirm(query: CallbackQuery, callback_data: BindCB, bot: Bot,
                     uow: UnitOfWork) -> None:
    """Binds after checking both rights again; a residents' group gets a pinned Join post."""
    if not await check_presser(query, callback_data.by):
        return
    message = query.message
    await require_chat_admin(bot, message.chat.id, query.from_user.id)
    binding = await bind_group(
        uow, user_id=query.from_user.id, community_id=callback_data.community,
        chat_id=message.chat.id, thread_id=thread_of(message), title=message.chat.title,
        purpose=callback_data.purpose, unit_id=callback_data.unit or None)
    await query.answer()
    await message.edit_text(bound_text(binding), reply_markup=None)
    if binding.purpose is Purpose.RESIDENTS:
        await post_join_message(message, bot, uow, binding)


def bound_text(binding: Binding) -> str:
    if binding.unit_label:
        return _("✅ This chat is now the {purpose} of {unit} ({community}).").format(
            purpose=purpose_name(binding.purpose), unit=binding.unit_label,
            community=binding.community_name)
    return _("✅ This chat is now the {purpose} of {community}.").format(
        purpose=purpose_name(binding.purpose), community=binding.community_name)


async def post_join_message(message: Message, bot: Bot, uow: UnitOfWork,
                            binding: Binding) -> None:
    me = await bot.me()
    post = await message.answer(
        _("Residents of {unit}: press Join to link your Telegram account to your home. "
          "Only verified residents take part in votes.").format(unit=binding.unit_label),
        reply_markup=join_markup(me.username, binding.group_id))
    await set_join_message(uow, binding.group_id, post.message_id)
    try:
        await bot.pin_chat_message(message.chat.id, post.message_id,
                                   disable_notification=True)
    except TelegramAPIError:
        await message.answer(_("I could not pin the Join post: make me an administrator "
                               "with the right to pin messages, or pin it yourself."))


async def on_cancel(query: CallbackQuery, callback_data: BindCB) -> None:
    """Leaves the chat as it was."""
    if not await check_presser(query, callback_data.by):
        return
    await query.answer()
    await query.message.edit_text(_("Cancelled. Nothing was changed."), reply_markup=None)


async def cmd_unbind(message: Message, bot: Bot, uow: UnitOfWork) -> None:
    """Disconnects the chat (topic) from its unit after the same checks as /bind."""
    await require_chat_admin(bot, message.chat.id, message.from_user.id)
    await unbind_group(uow, user_id=message.from_user.id, chat_id=message.chat.id,
                       thread_id=thread_of(message))
    await message.answer(_("This chat is no longer connected to the community. /bind "
                           "connects it again."))


async def cmd_in_private(message: Message) -> None:
    """Explains that /bind and /unbind are sent in the group itself."""
    await message.answer(_("Send /bind in the group you want to connect (you must be one "
                           "of its administrators)."))


def make_router() -> Router:
    router = Router(name="binding")
    groups = F.chat.type.in_({"group", "supergroup"})
    router.message.register(cmd_bind, Command("bind"), groups)
    router.message.register(cmd_unbind, Command("unbind"), groups)
    router.message.register(cmd_in_private, Command("bind", "unbind"), F.chat.type == "private")
    router.callback_query.register(on_community, BindCB.filter(F.action == "community"))
    router.callback_query.register(on_purpose, BindCB.filter(F.action == "purpose"))
    router.callback_query.register(on_unit, UnitCB.filter(F.flow == "bind"))
    router.callback_query.register(on_confirm, BindCB.filter(F.action == "confirm"))
    router.callback_query.register(on_cancel, BindCB.filter(F.action == "cancel"))
    return router
