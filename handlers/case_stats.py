"""/stats: the case statistics of a community, for its admins and committee members — the
community asked first when the user manages several; then the chart as a photo with the
text as its caption, or the text first and then the chart when the text is too long for a
caption."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services import NotPermitted, UnitOfWork
from bot.services.case_stats import CaseStats
from bot.services.community_stats import community_stats, stats_communities
from bot.ui.case_charts import stats_chart
from bot.ui.case_stats_render import fits_caption, stats_text
from bot.ui.errors import describe
from bot.ui.roster_callbacks import RosterPickCB
from bot.ui.roster_import_texts import communities_keyboard

PURPOSE = "stats"


async def cmd_stats(message: Message, uow: UnitOfWork, locale: str) -> None:
    """Sends the figures (asking which community first if several), or the refusal."""
    communities = await stats_communities(uow, message.from_user.id)
    if not communities:
        await message.answer(describe(NotPermitted("not_manager")))
        return
    if len(communities) > 1:
        await message.answer(_("Which community?"),
                             reply_markup=communities_keyboard(communities, PURPOSE))
        return
    await send_stats(message, await community_stats(uow, message.from_user.id,
                                                    communities[0].id), locale)


async def on_community(query: CallbackQuery, callback_data: RosterPickCB, uow: UnitOfWork,
                       locale: str) -> None:
    """Sends the chosen community's figures (re-checked: the presser must still manage it)."""
    try:
        stats = await community_stats(uow, query.from_user.id, callback_data.community_id)
    except NotPermitted:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await send_stats(query.message, stats, locale)


async def send_stats(message: Message, stats: CaseStats, locale: str) -> None:
    text = stats_text(stats, locale)
    if stats.total.empty:
        await message.answer(text)
        return
    # Drawing takes a moment of CPU: off the event loop (the i18n context goes along).
    chart = BufferedInputFile(await asyncio.to_thread(stats_chart, stats, locale),
                              "stats.png")
    if fits_caption(text):
        await message.answer_photo(chart, caption=text)
    else:
        await message.answer(text)
        await message.answer_photo(chart)


def make_router() -> Router:
    router = Router(name="case_stats")
    router.message.register(cmd_stats, Command("stats"), F.chat.type == "private",
                            StateFilter("*"))
    router.callback_query.register(on_community, RosterPickCB.filter(F.purpose == PURPOSE),
                                   F.message.chat.type == "private", StateFilter("*"))
    return router
