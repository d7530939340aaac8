"""The one composition root: builds the bot, dispatcher, database, pacer, outbox sender and
scheduler from the settings, and runs them by long polling or behind a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramUnauthorizedError,
)
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.domain.clock import Clock, OffsetFileClock, SystemClock
from bot.fsm import DatabaseStorage
from bot.menus import publish_commands, publish_user_menus
from bot.middlewares import InboxMiddleware, LocaleMiddleware
from bot.outbox import OutboxSender
from bot.pacer import Pacer
from bot.routing import build_router
from bot.scheduler import Sweeper, make_scheduler
from bot.services.report_filing import ReportDesk
from bot.services.sweeper import SweepConfig, default_tasks
from bot.services.users import menu_users
from bot.transport import PacingMiddleware
from bot.ui.i18n import make_i18n
from storage import Database, UnitOfWork
from storage.migrate import upgrade

log = logging.getLogger(__name__)

#: How long the start-up check waits for the Bot API before calling it unreachable.
CHECK_TIMEOUT = 30


class BotApiUnusable(Exception):
    """Raised at start with one line for the operator: the Bot API can't be reached, or it
    refuses the token."""


@dataclass
class App:
    settings: Settings
    clock: Clock
    db: Database
    i18n: I18n
    bot: Bot
    dp: Dispatcher
    pacer: Pacer
    sender: OutboxSender
    sweeper: Sweeper
    scheduler: AsyncIOScheduler
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start_background(self) -> None:
        """Migrates, catches up on what fell due while down, then starts the workers."""
        await upgrade(self.db)
        await publish_commands(self.bot, self.i18n)
        await publish_user_menus(self.bot, self.i18n, await menu_users(
            UnitOfWork(self.db, self.clock), self.settings.bootstrap_admin_ids))
        await self.sweeper.run()
        self._tasks.append(asyncio.create_task(self.sender.run(), name="outbox"))
        self.scheduler.start()

    async def stop_background(self) -> None:
        if self.scheduler.running:
            # shutdown() cancels a running job: let a sweep in progress finish first.
            self.scheduler.pause()
            await self.sweeper.wait_idle()
            self.scheduler.shutdown(wait=False)
        await self.sender.stop()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.db.dispose()


async def check_bot_api(settings: Settings) -> None:
    """Calls getMe once before anything starts, in polling and webhook mode alike, so that an
    unreachable server or a refused token stops the bot with one line, not a traceback."""
    url = settings.telegram_api_url
    bot = Bot(settings.token, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
    try:
        await bot.get_me(request_timeout=CHECK_TIMEOUT)
    except TelegramUnauthorizedError:
        problem = "Telegram refused the token (401): check TELEGRAM_BOT_TOKEN."
    except TelegramNetworkError as exc:
        problem = (f"Cannot reach the Bot API at {url}: {exc.message}. "
                   "Check TELEGRAM_API_URL and the network.")
    except (TelegramAPIError, ClientDecodeError) as exc:
        problem = (f"The server at {url} did not answer like the Bot API ({exc.message}): "
                   "check TELEGRAM_API_URL and TELEGRAM_BOT_TOKEN.")
    else:
        return
    finally:
        await bot.session.close()
    raise BotApiUnusable(problem.replace(settings.token, "***"))


def clock_from_env() -> Clock:
    """`ZHONGYI_CLOCK_FILE` lets end-to-end tests move the real process's time forward."""
    path = os.environ.get("ZHONGYI_CLOCK_FILE")
    return OffsetFileClock(Path(path)) if path else SystemClock()


def _fsm(settings: Settings, db: Database, clock: Clock,
         ) -> tuple[BaseStorage, BaseEventIsolation]:
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

        storage = RedisStorage.from_url(settings.redis_url)
        return storage, RedisEventIsolation(redis=storage.redis)
    return DatabaseStorage(db, clock), SimpleEventIsolation()


def build_app(settings: Settings, clock: Clock | None = None, *,
              session: BaseSession | None = None, db: Database | None = None,
              pacer: Pacer | None = None) -> App:
    """Wires everything; tests pass their own clock, Bot API session, database or pacer."""
    clock = clock or clock_from_env()
    db = db or Database(settings.database_url)
    i18n = make_i18n(settings.default_locale)
    pacer = pacer or Pacer(settings.send_rate)
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(PacingMiddleware(pacer))
    bot = Bot(settings.token, session=session, default=DefaultBotProperties(parse_mode=None))
    sender = OutboxSender(bot, db, clock, pacer, i18n, settings.default_locale)
    sweeper = Sweeper(db, clock, default_tasks(SweepConfig(settings.daily_digest_time)),
                      on_done=sender.wake)
    storage, isolation = _fsm(settings, db, clock)
    # aiogram's FSM middleware would read the flow state in a statement of its own; the
    # inbox middleware takes its lock and reads the state with the update's first statement.
    dp = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True)
    dp.update.outer_middleware(InboxMiddleware(db, clock, settings.default_locale,
                                               fsm=dp.fsm, on_done=sender.wake))
    LocaleMiddleware(i18n).setup(dp)
    dp.include_router(build_router())
    dp["settings"] = settings
    dp["clock"] = clock
    dp["i18n"] = i18n
    dp["report_desk"] = ReportDesk(db, clock)
    scheduler = make_scheduler(sweeper, db, clock, settings.sweep_interval)
    app = App(settings, clock, db, i18n, bot, dp, pacer, sender, sweeper, scheduler)
    dp.startup.register(app.start_background)
    dp.shutdown.register(app.stop_background)
    # What exists now (aiogram's models, the routers) lives as long as the process: moved
    # out of the collector's sight, full collections stop pausing every update for it.
    gc.freeze()
    return app


async def run_polling(app: App) -> None:
    await app.bot.delete_webhook(drop_pending_updates=False)
    await app.dp.start_polling(app.bot, polling_timeout=25,
                               allowed_updates=app.dp.resolve_used_update_types())
