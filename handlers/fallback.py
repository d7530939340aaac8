"""The last router: stale or unknown buttons, private messages nobody expected, and
commands that only work in private sent in a group."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.ui.commands import private_only
from bot.ui.keyboards import private_chat_markup


async def on_stale_button(query: CallbackQuery, i18n: I18n, user_locale: str) -> None:
    """Answers any button no handler took: old, from a finished flow, or forged. Only the
    presser sees it, so it is in their language (also in a group)."""
    with i18n.use_locale(user_locale):
        await query.answer(_("This button has expired."), show_alert=True)


async def on_unknown_link(message: Message, raw_state: str | None) -> None:
    """Answers a deep link whose target no longer exists (or never did); a step the user
    was in the middle of stays open, and they are told so."""
    if raw_state is not None:
        await message.answer(_("This link is not valid any more. What you were doing is "
                               "still open: carry on with the last step, or send /cancel."))
        return
    await message.answer(_("This link is not valid any more. /help lists what you can do "
                           "here."))


async def on_unexpected_private(message: Message) -> None:
    """Points a resident who typed something unexpected to /help."""
    await message.answer(_("I didn't understand that. /help lists what you can do here."))


async def on_private_command_in_group(message: Message, command: CommandObject) -> None:
    """Answers a private-only command sent in a group with one line and a button to the
    private chat, instead of silence. The Command filter already left out commands meant
    for another bot (/survey@otherbot)."""
    me = await message.bot.me()
    await message.reply(
        _("Please send /{command} to me in a private chat.").format(command=command.command),
        reply_markup=private_chat_markup(me.username, _("💬 Open a private chat with me")))


def make_router() -> Router:
    router = Router(name="fallback")
    router.callback_query.register(on_stale_button)
    router.message.register(on_unknown_link, CommandStart(deep_link=True),
                            F.chat.type == "private")
    router.message.register(on_unexpected_private, F.chat.type == "private")
    router.message.register(on_private_command_in_group, Command(*private_only()),
                            F.chat.type.in_({"group", "supergroup"}))
    return router
