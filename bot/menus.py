"""Publishes the command menus with setMyCommands, per language and per scope: everyone's
menus, and for each person whose roles open more commands (community admins, committee
members, organizers, deployment admins) a menu of their own private chat — at start-up and
whenever their roles change."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from aiogram.utils.i18n import I18n

from bot.domain.roles import Audience
from bot.services import UnitOfWork
from bot.services.users import UserAccess, user_access
from bot.ui.commands import GROUP, PRIVATE, CommandInfo, commands_for, menu_commands

log = logging.getLogger(__name__)

# Telegram language codes of each catalog; None publishes the default menu.
MENU_LANGUAGES = {"zh_CN": ["zh"], "en": ["en"]}


def _menu(i18n: I18n, locale: str, where: str, *, group_admin: bool = False) -> list[BotCommand]:
    return _rendered(i18n, locale, menu_commands(where, group_admin=group_admin))


def _rendered(i18n: I18n, locale: str, commands: list[CommandInfo]) -> list[BotCommand]:
    with i18n.context(), i18n.use_locale(locale):
        return [BotCommand(command=c.name, description=str(c.description)) for c in commands]


def _own_commands(audiences: frozenset[Audience]) -> list[CommandInfo] | None:
    """The private commands these audiences open, or None when they are everyone's."""
    commands = commands_for(audiences, PRIVATE)
    everyone = menu_commands(PRIVATE)
    return None if [c.name for c in commands] == [c.name for c in everyone] else commands


async def publish_commands(bot: Bot, i18n: I18n) -> None:
    """Sets the menus of private chats, groups and group admins in every language, and the
    default menu in the default locale. A failure is logged: the bot works without menus."""
    scopes = [
        (BotCommandScopeAllPrivateChats(), PRIVATE, False),
        (BotCommandScopeAllGroupChats(), GROUP, False),
        (BotCommandScopeAllChatAdministrators(), GROUP, True),
    ]
    try:
        for scope, where, admin in scopes:
            for locale, codes in MENU_LANGUAGES.items():
                for code in codes:
                    await bot.set_my_commands(_menu(i18n, locale, where, group_admin=admin),
                                              scope=scope, language_code=code)
            await bot.set_my_commands(_menu(i18n, i18n.default_locale, where,
                                            group_admin=admin), scope=scope)
        await bot.set_my_commands(_menu(i18n, i18n.default_locale, PRIVATE),
                                  scope=BotCommandScopeDefault())
    except TelegramAPIError as exc:
        log.warning("could not publish the command menus: %s", exc)


async def publish_user_menu(bot: Bot, i18n: I18n, access: UserAccess) -> None:
    """Sets the menu of the user's private chat to the commands their roles open, in every
    language; when they open no more than everyone's, removes it, so everyone's applies. A
    failure (someone who never started the bot) is logged: the commands still work."""
    commands = _own_commands(access.audiences)
    scope = BotCommandScopeChat(chat_id=access.user_id)
    languages = [(locale, code) for locale, codes in MENU_LANGUAGES.items() for code in codes]
    try:
        for locale, code in [*languages, (i18n.default_locale, None)]:
            if commands is None:
                await bot.delete_my_commands(scope=scope, language_code=code)
            else:
                await bot.set_my_commands(_rendered(i18n, locale, commands), scope=scope,
                                          language_code=code)
    except TelegramAPIError as exc:
        log.info("could not publish the command menu of chat %s: %s", access.user_id, exc)


async def publish_user_menus(bot: Bot, i18n: I18n, users: list[UserAccess]) -> None:
    """At start-up: the menus of the people whose roles open more than everyone's."""
    for access in users:
        if _own_commands(access.audiences) is not None:
            await publish_user_menu(bot, i18n, access)


async def refresh_user_menu(bot: Bot, i18n: I18n, uow: UnitOfWork,
                            bootstrap_admins: frozenset[int], user_id: int) -> None:
    """After a role was granted or removed (and committed): the user's menu as it is now."""
    await publish_user_menu(bot, i18n, await user_access(uow, user_id, bootstrap_admins))
