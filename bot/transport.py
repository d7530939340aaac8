"""The Bot API session middleware that puts every outgoing message through the pacer."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.pacer import LANE, Pacer

log = logging.getLogger(__name__)

PACED_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendLocation",
    "copyMessage", "forwardMessage", "sendVideo", "sendAudio", "sendVoice",
})
PRIORITY_RETRIES = 3


class PacingMiddleware(BaseRequestMiddleware):
    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if method.__api_method__ not in PACED_METHODS or not isinstance(chat_id, int):
            return await make_request(bot, method)
        priority = LANE.get() == "priority"
        attempt = 0
        while True:
            await self.pacer.acquire(chat_id, priority=priority)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.pacer.penalize(chat_id, exc.retry_after)
                attempt += 1
                # The outbox keeps its row and retries later; a direct reply waits here.
                if not priority or attempt >= PRIORITY_RETRIES:
                    raise
                log.warning("429 on a direct reply; retrying after %ss", exc.retry_after)
