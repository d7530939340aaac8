"""Publishes the command menus with setMyCommands, per language and per scope."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
)
from aiogram.utils.i18n import I18n

from bot.ui.commands import GROUP, PRIVATE, menu_commands

log = logging.getLogger(__name__)

# Telegram language codes of each catalog; None publishes the default menu.
MENU_LANGUAGES = {"zh_CN": ["zh"], "en": ["en"]}


def _menu(i18n: I18n, locale: str, where: str, *, group_admin: bool = False) -> list[BotCommand]:
    with i18n.context(), i18n.use_locale(locale):
        return [BotCommand(command=c.name, description=str(c.description))
                for c in menu_commands(where, group_admin=group_admin)]


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
