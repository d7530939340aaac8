"""/bind and /unbind in a group: connect the chat (or a forum topic) to a unit and a
purpose. Only a Telegram admin of the chat who is also a community admin or committee member
may do it, and both rights are checked again at Confirm.

The dialog speaks the language of whoever sent /bind, and only they may press its buttons:
who that is is kept on the server, keyed by the dialog's message (button data can be
forged). Once bound, the confirmation and the pinned Join post are in the group's language
(its own setting, else its community's default), like everything the group gets later."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import CallbackQuery, MaybeInaccessibleMessage, Message, TelegramObject
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.binding import Binding, Purpose, bind_group, set_join_message, unbind_group
from bot.services.communities import managed_communities
from bot.services.errors import NotPermitted
from bot.services.units import unit_level
from bot.ui.bind_screens import (
    bound_text,
    communities_keyboard,
    confirm_keyboard,
    join_post,
    purpose_keyboard,
)
from bot.ui.callbacks import BindCB, UnitCB
from bot.ui.errors import describe
from bot.ui.roster_texts import purpose_name
from bot.ui.unit_picker import unit_keyboard

GROUP_ADMINS = frozenset({"creator", "administrator"})
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


async def require_chat_admin(bot: Bot, chat_id: int, user_id: int) -> None:
    member = await bot.get_chat_member(chat_id, user_id)
    if member.status not in GROUP_ADMINS:
        raise NotPermitted("not_chat_admin")


def thread_of(message: Message) -> int:
    return message.message_thread_id if message.is_topic_message else 0


def dialog_record(storage: BaseStorage, bot: Bot, message: MaybeInaccessibleMessage,
                  ) -> FSMContext:
    """The dialog's own record on the server, keyed by its message: who sent /bind. It sits
    where a person's flow in that chat would, under the message id made negative: Telegram's
    user ids are positive, so it never meets one (and every storage's key builder takes it,
    which a custom destiny would not)."""
    return FSMContext(storage, StorageKey(bot_id=bot.id, chat_id=message.chat.id,
                                          user_id=-message.message_id))


class DialogOwner(BaseMiddleware):
    """Lets only the person who sent /bind press the dialog's buttons, and has the dialog
    speak their language; anyone else is told why, in theirs. Gives the handler the
    dialog's record as `dialog`."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        assert isinstance(event, CallbackQuery)
        i18n: I18n = data["i18n"]
        with i18n.use_locale(data["user_locale"]):
            record = (dialog_record(data["fsm_storage"], data["bot"], event.message)
                      if event.message is not None else None)
            owner = (await record.get_data()).get("by") if record is not None else None
            if owner is None:
                await event.answer(_("This button has expired."), show_alert=True)
                return None
            if owner != event.from_user.id:
                await event.answer(_("Only the person who sent /bind can use these buttons."),
                                   show_alert=True)
                return None
            data["dialog"] = record
            return await handler(event, data)


async def cmd_bind(message: Message, bot: Bot, uow: UnitOfWork, fsm_storage: BaseStorage,
                   i18n: I18n, user_locale: str) -> None:
    """Checks both admin rights, then asks which community (if several) and what for, in
    the sender's language; remembers who sent /bind."""
    user_id = message.from_user.id
    with i18n.use_locale(user_locale):
        try:
            await require_chat_admin(bot, message.chat.id, user_id)
            communities = await managed_communities(uow, user_id)
            if not communities:
                raise NotPermitted("not_manager")
        except NotPermitted as refused:
            await message.answer(describe(refused))
            return
        if len(communities) == 1:
            sent = await message.answer(_("What is this group for?"),
                                        reply_markup=purpose_keyboard(communities[0].id))
        else:
            sent = await message.answer(_("Which community does this group belong to?"),
                                        reply_markup=communities_keyboard(communities))
    await dialog_record(fsm_storage, bot, sent).set_data({"by": user_id})


async def on_community(query: CallbackQuery, callback_data: BindCB) -> None:
    """Asks what the group is for in the chosen community."""
    await query.answer()
    await query.message.edit_text(_("What is this group for?"),
                                  reply_markup=purpose_keyboard(callback_data.community))


async def on_purpose(query: CallbackQuery, callback_data: BindCB, uow: UnitOfWork,
                     dialog: FSMContext) -> None:
    """A residents' group needs its building or floor; the others belong to the community."""
    await query.answer()
    if callback_data.purpose == Purpose.RESIDENTS:
        level = await unit_level(uow, callback_data.community, None)
        if not level.children:
            await dialog.clear()
            await query.message.edit_text(_(
                "This community has no buildings yet. Import the roster first (/import in "
                "a private chat with me)."), reply_markup=None)
            return
        await query.message.edit_text(_("Which building or floor are these residents of?"),
                                      reply_markup=unit_keyboard(level, "bind"))
        return
    await query.message.edit_text(
        _("Bind this chat as the {purpose}?").format(
            purpose=purpose_name(callback_data.purpose)),
        reply_markup=confirm_keyboard(callback_data.community, callback_data.purpose, 0))


async def on_unit(query: CallbackQuery, callback_data: UnitCB, uow: UnitOfWork) -> None:
    """Walks the tree; picking a unit asks for confirmation."""
    await query.answer()
    unit_id = callback_data.unit or None
    level = await unit_level(uow, callback_data.community, unit_id)
    if callback_data.action == "open":
        await query.message.edit_reply_markup(reply_markup=unit_keyboard(level, "bind"))
        return
    await query.message.edit_text(
        _("Bind this chat as the residents' group of {unit}?").format(
            unit=level.current.label if level.current else "—"),
        reply_markup=confirm_keyboard(callback_data.community, Purpose.RESIDENTS,
                                      callback_data.unit))


async def on_confirm(query: CallbackQuery, callback_data: BindCB, bot: Bot, uow: UnitOfWork,
                     dialog: FSMContext, i18n: I18n) -> None:
    """Binds after checking both rights again; says so in the group's language, now known,
    and a residents' group gets a pinned Join post in it."""
    message = query.message
    await require_chat_admin(bot, message.chat.id, query.from_user.id)
    binding = await bind_group(
        uow, user_id=query.from_user.id, community_id=callback_data.community,
        chat_id=message.chat.id, thread_id=thread_of(message), title=message.chat.title,
        purpose=callback_data.purpose, unit_id=callback_data.unit or None)
    await dialog.clear()
    await query.answer()
    with i18n.use_locale(binding.locale):
        await message.edit_text(bound_text(binding), reply_markup=None)
        if binding.purpose is Purpose.RESIDENTS:
            await post_join_message(message, bot, uow, binding)


async def post_join_message(message: Message, bot: Bot, uow: UnitOfWork,
                            binding: Binding) -> None:
    text, markup = join_post(binding.group_id, binding.unit_label,
                             (await bot.me()).username)
    post = await message.answer(text, reply_markup=markup)
    await set_join_message(uow, binding.group_id, post.message_id)
    try:
        await bot.pin_chat_message(message.chat.id, post.message_id,
                                   disable_notification=True)
    except TelegramAPIError:
        await message.answer(_("I could not pin the Join post: make me an administrator "
                               "with the right to pin messages, or pin it yourself."))


async def on_cancel(query: CallbackQuery, dialog: FSMContext) -> None:
    """Leaves the chat as it was."""
    await dialog.clear()
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
    # Only the dialog's buttons come here (the filters run first): each press is checked
    # against the record of who sent /bind.
    router.callback_query.middleware(DialogOwner())
    router.callback_query.register(on_community, BindCB.filter(F.action == "community"))
    router.callback_query.register(on_purpose, BindCB.filter(F.action == "purpose"))
    router.callback_query.register(on_unit, UnitCB.filter(F.flow == "bind"))
    router.callback_query.register(on_confirm, BindCB.filter(F.action == "confirm"))
    router.callback_query.register(on_cancel, BindCB.filter(F.action == "cancel"))
    return router
