"""The outbox sender: drains outbox rows through the pacer, at most one in flight per chat.

Per row: render in the target's locale, send, record the `message_id`. On 429 the row waits
`retry_after` and is kept; on 403 or "chat not found" the group is marked inactive and its
queue dropped; on a 5xx or a network error the row is retried with backoff; a group that
became a supergroup gets its rows and bindings moved to the new id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n

from bot.domain.clock import Clock
from bot.pacer import LANE, Pacer
from bot.services.delivery import locales_for_chats
from bot.services.groups import bot_left_group, group_migrated
from bot.ui.render import Rendered, UnknownKind, render
from storage import Database, UnitOfWork, outbox_repo
from storage.outbox_repo import Outgoing

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = 300.0
STALE_CLAIM = timedelta(minutes=5)
RECOVERY_EVERY = timedelta(minutes=1)
CAPTION_LIMIT = 1024  # Telegram's limit for a photo's or document's caption
EDIT_WAIT = 5.0  # seconds before retrying an edit whose original is not sent yet


def backoff(attempts: int) -> float:
    return min(MAX_BACKOFF, 2.0 ** attempts)


class OutboxSender:
    def __init__(
        self, bot: Bot, db: Database, clock: Clock, pacer: Pacer, i18n: I18n,
        default_locale: str, *, concurrency: int = 8, idle_poll: float = 1.0,
    ) -> None:
        self.bot, self.db, self.clock, self.pacer, self.i18n = bot, db, clock, pacer, i18n
        self.default_locale = default_locale
        self.concurrency = concurrency
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self._started = False
        self._stopped = asyncio.Event()
        self._username: str | None = None

    async def _bot_username(self) -> str:
        if self._username is None:
            self._username = (await self.bot.me()).username or ""
        return self._username

    def wake(self) -> None:
        """Tells the sender new rows may be due (called after each update and sweep)."""
        self._wake.set()

    async def run(self) -> None:
        self._started = True
        try:
            await self._loop()
        finally:
            self._stopped.set()

    async def _loop(self) -> None:
        next_recovery = self.clock.now()
        while not self._stopping:
            if self.clock.now() >= next_recovery:
                await self._recover_interrupted()
                next_recovery = self.clock.now() + RECOVERY_EVERY
            sent_any = await self.drain_once()
            if not sent_any:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_poll)

    async def _recover_interrupted(self) -> None:
        """Rows a dead process left 'sending' block their chat: once their claim is stale
        they are marked failed (not resent: Telegram has no idempotency key)."""
        recovered = await outbox_repo.recover_interrupted(self.db, self.clock.now() - STALE_CLAIM)
        if recovered:
            log.warning("outbox: %d rows were interrupted mid-send and not resent", recovered)

    async def stop(self) -> None:
        """Stops claiming, then waits for every send already started (also those started
        by a claim that was under way), so no row is left half-sent."""
        self._stopping = True
        self._wake.set()
        if self._started:
            await self._stopped.wait()
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight.values()), return_exceptions=True)

    async def drain_once(self) -> bool:
        """Claims what can go now and starts sending it; returns whether anything started."""
        free = self.concurrency - len(self._in_flight)
        if free <= 0:
            await asyncio.wait(list(self._in_flight.values()),
                               return_when=asyncio.FIRST_COMPLETED)
            return True
        busy = set(self._in_flight) | self.pacer.busy_chats()
        rows = await outbox_repo.claim(self.db, self.clock.now(), free, busy)
        if not rows:
            return False
        locales = await locales_for_chats(self.db, {r.chat_id for r in rows},
                                          self.default_locale)
        for row in rows:
            task = asyncio.create_task(self._deliver(row, locales[row.chat_id]))
            self._in_flight[row.chat_id] = task
            task.add_done_callback(lambda _t, chat=row.chat_id: self._in_flight.pop(chat, None))
        return True

    async def _deliver(self, row: Outgoing, locale: str) -> None:
        LANE.set("bulk")
        try:
            username = await self._bot_username()
        except TelegramAPIError as exc:
            await self._retry_later(row, str(exc))
            return
        try:
            # In a worker thread: a chart takes up to a second to draw, the loop goes on.
            rendered = await asyncio.to_thread(render, self.i18n, row.kind, row.params,
                                               locale, username)
        except (UnknownKind, KeyError, ValueError) as exc:
            log.error("outbox %s: cannot render kind %s: %r", row.id, row.kind, exc)
            await outbox_repo.mark_failed(self.db, row.id, f"render: {exc!r}")
            return
        if row.edit_of is not None:
            await self._edit(row, rendered)
            return
        try:
            message = await self._send(row, rendered)
        except TelegramRetryAfter as exc:
            await outbox_repo.mark_retry(
                self.db, row.id, self.clock.now() + timedelta(seconds=exc.retry_after),
                "429", count_attempt=False)
        except TelegramMigrateToChat as exc:
            log.info("outbox: chat %s moved to %s", row.chat_id, exc.migrate_to_chat_id)
            await group_migrated(UnitOfWork(self.db, self.clock), row.chat_id,
                                 exc.migrate_to_chat_id)
        except (TelegramForbiddenError, TelegramNotFound) as exc:
            await self._unreachable(row, exc.message)
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message.lower():
                await self._unreachable(row, exc.message)
            else:
                log.error("outbox %s (%s) rejected: %s", row.id, row.kind, exc.message)
                await outbox_repo.mark_failed(self.db, row.id, exc.message)
        except (TelegramServerError, TelegramNetworkError) as exc:
            await self._retry_later(row, str(exc))
        except Exception as exc:
            log.exception("outbox %s: unexpected error", row.id)
            await self._retry_later(row, repr(exc))
        else:
            await outbox_repo.mark_sent(self.db, row.id, message.message_id, self.clock.now())

    async def _send(self, row: Outgoing, rendered: Rendered) -> Message:
        thread = row.thread_id or None
        if rendered.photo is not None and len(rendered.text) > CAPTION_LIMIT:
            # Too long for a caption: the text first (its id is the one kept), then the image.
            message = await self.bot.send_message(row.chat_id, rendered.text,
                                                  reply_markup=rendered.reply_markup,
                                                  message_thread_id=thread)
            await self._send_follow_up_photo(row, rendered.photo)
            return message
        if rendered.photo is not None:
            return await self.bot.send_photo(
                row.chat_id, BufferedInputFile(rendered.photo, "chart.png"),
                caption=rendered.text, reply_markup=rendered.reply_markup,
                message_thread_id=thread)
        if rendered.document is not None:
            name, content = rendered.document
            return await self.bot.send_document(
                row.chat_id, BufferedInputFile(content, name), caption=rendered.text,
                reply_markup=rendered.reply_markup, message_thread_id=thread)
        message = await self.bot.send_message(row.chat_id, rendered.text,
                                              reply_markup=rendered.reply_markup,
                                              message_thread_id=thread)
        for file_id in rendered.photo_ids:
            await self._send_follow_up_photo(row, file_id)
        return message

    async def _send_follow_up_photo(self, row: Outgoing, photo: bytes | str) -> None:
        """Sends an image that follows a text (a chart after a long text, a case's photos
        by file id). The text is out already, so the row must not be retried: waits out a
        429 here, and logs any other failure."""
        media = BufferedInputFile(photo, "chart.png") if isinstance(photo, bytes) else photo
        for _attempt in range(3):
            try:
                await self.bot.send_photo(row.chat_id, media,
                                          message_thread_id=row.thread_id or None)
                return
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
            except TelegramAPIError as exc:
                log.warning("outbox %s: the image after the text failed: %s", row.id, exc)
                return
        log.warning("outbox %s: the image after the text was not sent", row.id)

    async def _edit(self, row: Outgoing, rendered: Rendered) -> None:
        """Edits the message another row sent (a poll's live counts, its final result)."""
        status, message_id = await outbox_repo.message_of(self.db, row.edit_of)
        if message_id is None:
            if status == outbox_repo.FAILED:
                await outbox_repo.mark_failed(self.db, row.id, "original message not sent")
            else:
                await outbox_repo.mark_retry(self.db, row.id, self.clock.now()
                                             + timedelta(seconds=EDIT_WAIT), "waiting",
                                             count_attempt=False)
            return
        try:
            await self.bot.edit_message_text(text=rendered.text, chat_id=row.chat_id,
                                             message_id=message_id,
                                             reply_markup=rendered.reply_markup)
        except TelegramRetryAfter as exc:
            await outbox_repo.mark_retry(
                self.db, row.id, self.clock.now() + timedelta(seconds=exc.retry_after),
                "429", count_attempt=False)
            return
        except TelegramBadRequest as exc:
            if "not modified" not in exc.message:
                log.warning("outbox %s: edit refused: %s", row.id, exc.message)
                await outbox_repo.mark_failed(self.db, row.id, exc.message)
                return
        except (TelegramServerError, TelegramNetworkError) as exc:
            await self._retry_later(row, str(exc))
            return
        await outbox_repo.mark_sent(self.db, row.id, message_id, self.clock.now())

    async def _unreachable(self, row: Outgoing, reason: str) -> None:
        log.warning("outbox: chat %s unreachable: %s", row.chat_id, reason)
        await outbox_repo.mark_failed(self.db, row.id, reason)
        await bot_left_group(UnitOfWork(self.db, self.clock), row.chat_id, reason)

    async def _retry_later(self, row: Outgoing, error: str) -> None:
        if row.attempts + 1 >= MAX_ATTEMPTS:
            log.error("outbox %s: giving up after %d attempts: %s", row.id, MAX_ATTEMPTS, error)
            await outbox_repo.mark_failed(self.db, row.id, error)
            return
        delay = backoff(row.attempts)
        await outbox_repo.mark_retry(self.db, row.id,
                                     self.clock.now() + timedelta(seconds=delay), error)
