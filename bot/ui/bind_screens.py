"""Screens of /bind in a group: the dialog's keyboards (in the language of whoever sent
/bind), and what the group gets once bound (in the group's language)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.binding import Binding, Purpose
from bot.services.communities import CommunityInfo
from bot.ui.callbacks import BindCB
from bot.ui.render import RenderContext, Rendered, renderer
from bot.ui.roster_texts import purpose_name


def communities_keyboard(communities: Sequence[CommunityInfo]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for community in communities:
        builder.button(text=community.name, callback_data=BindCB(action="community",
                                                                 community=community.id))
    builder.adjust(1)
    return builder.as_markup()


def purpose_keyboard(community_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for purpose in Purpose:
        builder.button(text=purpose_name(purpose),
                       callback_data=BindCB(action="purpose", community=community_id,
                                            purpose=purpose))
    builder.button(text=_("✖️ Cancel"), callback_data=BindCB(action="cancel"))
    builder.adjust(1)
    return builder.as_markup()


def confirm_keyboard(community: int, purpose: str, unit: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Confirm"), callback_data=BindCB(
        action="confirm", community=community, purpose=purpose, unit=unit))
    builder.button(text=_("✖️ Cancel"), callback_data=BindCB(action="cancel"))
    return builder.as_markup()


def bound_text(binding: Binding) -> str:
    if binding.unit_label:
        return _("✅ This chat is now the {purpose} of {unit} ({community}).").format(
            purpose=purpose_name(binding.purpose), unit=binding.unit_label,
            community=binding.community_name)
    return _("✅ This chat is now the {purpose} of {community}.").format(
        purpose=purpose_name(binding.purpose), community=binding.community_name)


def join_post(group_id: int, unit_label: str | None, bot_username: str,
              ) -> tuple[str, InlineKeyboardMarkup]:
    """The residents' group's pinned post, whose button opens joining in private."""
    url = f"https://t.me/{bot_username}?start=join_{group_id}"
    return (_("Residents of {unit}: press Join to link your Telegram account to your home. "
              "Only verified residents take part in votes.").format(unit=unit_label),
            InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
                text=_("🏠 Join 加入"), url=url)]]))


@renderer("join_post")
def renamed_join_post(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """The pinned Join post again, with its unit's new name (an outbox edit)."""
    text, markup = join_post(params["group_id"], params["unit"], ctx.bot_username)
    return Rendered(text, reply_markup=markup)
