"""Inline keyboards shared by several handlers."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.ui.callbacks import FlowCB, LanguageCB, ReviewCB

LANGUAGE_NAMES = {"zh_CN": "中文（简体）", "en": "English"}


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for locale, name in LANGUAGE_NAMES.items():
        mark = "✓ " if locale == current else ""
        builder.button(text=f"{mark}{name}", callback_data=LanguageCB(locale=locale))
    return builder.as_markup()


def private_chat_markup(bot_username: str, text: str, start: str | None = None,
                        ) -> InlineKeyboardMarkup:
    """One button that opens the private chat with the bot, with a /start payload if given:
    what a group gets when it asks for something done in private."""
    url = f"https://t.me/{bot_username}" + (f"?start={start}" if start else "")
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=text, url=url)]])


def confirm_keyboard(flow: str) -> InlineKeyboardMarkup:
    """Confirm / Edit / Cancel under a summary, before anything is saved."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Confirm"), callback_data=FlowCB(flow=flow, action="confirm"))
    builder.button(text=_("✏️ Start over"), callback_data=FlowCB(flow=flow, action="restart"))
    builder.button(text=_("✖️ Cancel"), callback_data=FlowCB(flow=flow, action="cancel"))
    builder.adjust(1, 2)
    return builder.as_markup()


def cancel_keyboard(flow: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✖️ Cancel"), callback_data=FlowCB(flow=flow, action="cancel"))
    return builder.as_markup()


def review_keyboard(resident_id: int) -> InlineKeyboardMarkup:
    """Approve / Reject under a join request."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Approve"), callback_data=ReviewCB(action="approve",
                                                              resident=resident_id))
    builder.button(text=_("❌ Reject"), callback_data=ReviewCB(action="reject",
                                                             resident=resident_id))
    return builder.as_markup()
