"""Renderers of outbox messages: kind + parameters → text and buttons, in the reader's
locale at send time. Services only write the kind and its parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.ui import fmt, roster_texts
from bot.ui.keyboards import review_keyboard


@dataclass(frozen=True)
class Rendered:
    text: str
    reply_markup: InlineKeyboardMarkup | None = None
    photo: bytes | None = None
    document: tuple[str, bytes] | None = None
    #: Telegram file ids of photos sent after the text (a case's photos).
    photo_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderContext:
    """What a renderer knows besides the row: the reader's locale and the bot's username
    (for deep links such as https://t.me/<bot>?start=…)."""

    locale: str
    bot_username: str = ""


Renderer = Callable[[dict[str, Any], RenderContext], Rendered]
RENDERERS: dict[str, Renderer] = {}


class UnknownKind(LookupError):
    """An outbox row of a kind this version cannot render."""


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        RENDERERS[kind] = function
        return function
    return register


def render(i18n: I18n, kind: str, params: dict[str, Any], locale: str,
           bot_username: str = "") -> Rendered:
    function = RENDERERS.get(kind)
    if function is None:
        raise UnknownKind(kind)
    with i18n.context(), i18n.use_locale(locale):
        return function(params, RenderContext(locale, bot_username))


@renderer("daily_digest")
def daily_digest(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    locale = ctx.locale
    day = fmt.day(datetime.fromisoformat(params["day"]), params["timezone"], locale)
    lines = [
        _("📋 Daily digest of {community} — {day}").format(community=params["community"],
                                                          day=day),
        _("Groups connected: {active}").format(active=fmt.number(params["groups_active"],
                                                                  locale)),
    ]
    if params.get("pending_joins"):
        lines.append(_("Join requests waiting for a decision: {count}").format(
            count=fmt.number(params["pending_joins"], locale)))
    if params["groups_inactive"]:
        lines.append(_("Groups the bot was removed from: {count}").format(
            count=fmt.number(params["groups_inactive"], locale)))
    return Rendered("\n".join(lines))


@renderer("join_request")
def join_request(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    name = params["name"] or _("(no name)")
    if params.get("username"):
        name = f"{name} (@{params['username']})"
    text = _("🏠 Join request\n{name} asks to join {household} as {relation}.").format(
        name=name, household=params["household"],
        relation=roster_texts.relation_name(params["relation"]))
    return Rendered(text, reply_markup=review_keyboard(params["resident_id"]))


@renderer("join_decided")
def join_decided(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    if params["approved"]:
        text = _("✅ You are now a verified resident of {household}. You can take part in "
                 "its surveys and votes, and report a problem in the building with /report."
                 ).format(household=params["household"])
    else:
        text = _("Your request to join {household} was not approved. If this is a mistake, "
                 "please talk to your floor contact or the committee.").format(
            household=params["household"])
    return Rendered(text)


from bot.ui import (  # noqa: E402,F401  (registers renderers)
    bind_screens,
    case_notices,
    case_render,
    case_stats_render,
    decision_render,
    meeting_render,
    motion_render,
    role_render,
    survey_render,
)
