"""/start, /help, /privacy and /cancel, in private chats and in groups."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.services import UnitOfWork
from bot.services.users import register_user, user_access
from bot.ui.commands import GROUP, PRIVATE, commands_for


async def cmd_start_private(message: Message, uow: UnitOfWork, state: FSMContext,
                            raw_state: str | None) -> None:
    """Records the user and welcomes them with what they can do here."""
    user = message.from_user
    await register_user(uow, user.id, user.first_name, user.username, user.language_code)
    if raw_state is not None:
        await state.clear()
    await message.answer(_(
        "Welcome to Zhongyi (众议), {name}!\n\n"
        "Here neighbours decide together: answer surveys and polls of your building, report "
        "problems to the people responsible and follow them until they are fixed, and vote "
        "on meeting times and resolutions.\n\n"
        "/help lists what you can do · /language changes the language · /privacy says what "
        "is stored about you."
    ).format(name=user.first_name))


async def cmd_start_group(message: Message) -> None:
    """Says what the bot is and how a committee connects this group."""
    await message.answer(group_intro())


def group_intro() -> str:
    return _(
        "Hello! I am Zhongyi (众议), the participation bot of your community: surveys and "
        "polls, problem reports, meeting and resolution votes.\n\n"
        "To connect this group to its building or floor, a group administrator who is also "
        "a community admin or committee member sends /bind here. Residents talk to me in "
        "private; I only post here what concerns the whole group."
    )


async def cmd_help(message: Message, uow: UnitOfWork, settings: Settings) -> None:
    """Lists only the commands the sender's roles allow, in this kind of chat."""
    access = await user_access(uow, message.from_user.id, settings.bootstrap_admin_ids)
    where = PRIVATE if message.chat.type == "private" else GROUP
    lines = [_("Commands you can use here:")]
    lines += [f"/{c.name} — {c.description}" for c in commands_for(access.audiences, where)]
    if where == GROUP:
        lines.append(_("More commands are available in a private chat with me."))
    await message.answer("\n".join(lines))


async def cmd_privacy(message: Message) -> None:
    """Explains what is stored, why, and how to delete it."""
    await message.answer(_(
        "What Zhongyi stores about you and why:\n"
        "• your Telegram id, first name, username and language — to talk to you;\n"
        "• the household you join and your relation to it (owner, tenant, family) — so only "
        "residents take part in the votes of their building;\n"
        "• your answers, votes and reports — to count them and follow them up. In an "
        "anonymous survey or a secret ballot nobody, admins included, can see your choice.\n\n"
        "We never read group messages that are not meant for the bot, and never share your "
        "data outside your community's committee.\n\n"
        "/mydata sends you everything stored about you; /delete_me deletes your personal data "
        "(published totals stay as they were, without your name)."
    ))


async def cmd_cancel(message: Message, state: FSMContext) -> None:
    """Leaves whatever flow the user is in; nothing half-done is saved."""
    if await state.get_state() is None:
        await message.answer(_("There is nothing to cancel."))
        return
    await state.clear()
    # A step may have put buttons at the bottom of the screen (the report's location).
    await message.answer(_("Cancelled. Nothing was saved."), reply_markup=ReplyKeyboardRemove()
                         if message.chat.type == "private" else None)


def make_router() -> Router:
    router = Router(name="basic")
    # A /start with a deep-link payload belongs to the flow it opens (conversations).
    router.message.register(cmd_start_private, CommandStart(magic=F.args.is_(None)),
                            F.chat.type == "private", StateFilter("*"))
    router.message.register(cmd_start_group, CommandStart(),
                            F.chat.type.in_({"group", "supergroup"}))
    router.message.register(cmd_help, Command("help"), StateFilter("*"))
    router.message.register(cmd_privacy, Command("privacy"), StateFilter("*"))
    router.message.register(cmd_cancel, Command("cancel"), StateFilter("*"))
    return router
