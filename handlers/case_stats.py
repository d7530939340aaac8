"""/stats: the case statistics of the community, for its admins and committee members —
the chart as a photo with the text as its caption, or the text first and then the chart
when the text is too long for a caption."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.types import BufferedInputFile, Message

from bot.services import NotPermitted, UnitOfWork
from bot.services.case_stats import case_stats
from bot.ui.case_charts import stats_chart
from bot.ui.case_stats_render import fits_caption, stats_text
from bot.ui.errors import describe


async def cmd_stats(message: Message, uow: UnitOfWork, locale: str) -> None:
    """Sends the figures and their chart, or the refusal for anyone else."""
    try:
        stats = await case_stats(uow, message.from_user.id)
    except NotPermitted as error:
        await message.answer(describe(error))
        return
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
    return router
