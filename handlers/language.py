"""/language: a resident picks their language in private; a group admin picks the group's."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.errors import NotPermitted
from bot.services.groups import set_group_locale
from bot.services.users import set_user_locale
from bot.ui.callbacks import LanguageCB
from bot.ui.keyboards import LANGUAGE_NAMES, language_keyboard

GROUP_ADMIN_STATUSES = frozenset({"creator", "administrator"})


async def cmd_language(message: Message, locale: str) -> None:
    """Offers the languages, marking the current one."""
    if message.chat.type == "private":
        text = _("Choose your language:")
    else:
        text = _("Choose the language of this group (group administrators only):")
    await message.answer(text, reply_markup=language_keyboard(locale))


def language_set(i18n: I18n, locale: str, new: str) -> str:
    """“Language set: …”, said in `locale`."""
    with i18n.use_locale(locale):
        return _("Language set: {language}").format(language=LANGUAGE_NAMES[new])


async def on_language(query: CallbackQuery, callback_data: LanguageCB, uow: UnitOfWork, bot: Bot,
                      i18n: I18n, user_locale: str) -> None:
    """Stores the choice (re-checking a group press against getChatMember) and confirms it
    in the newly chosen language; in a group the presser's notice is in their own."""
    chat = query.message.chat if query.message else None
    user = query.from_user
    private = chat is None or chat.type == "private"
    if private:
        locale = await set_user_locale(uow, user.id, callback_data.locale,
                                       first_name=user.first_name,
                                       language_code=user.language_code)
    else:
        member = await bot.get_chat_member(chat.id, user.id)
        if member.status not in GROUP_ADMIN_STATUSES:
            raise NotPermitted("not_group_admin")
        locale = await set_group_locale(uow, chat.id, chat.title, callback_data.locale)
    await query.answer(language_set(i18n, locale if private else user_locale, locale))
    if query.message is not None:
        await query.message.edit_text(language_set(i18n, locale, locale), reply_markup=None)


def make_router() -> Router:
    router = Router(name="language")
    router.message.register(cmd_language, Command("language"), StateFilter("*"))
    router.callback_query.register(on_language, LanguageCB.filter())
    return router
