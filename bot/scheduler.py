"""APScheduler jobs: the sweeper (an interval job over due rows) and nightly housekeeping.

Deadlines live in the database, not in the scheduler: the sweeper finds what is due on every
run, so after downtime the first run catches up once, and several processes can sweep
together (rows are claimed with SKIP LOCKED on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.domain.clock import Clock
from bot.services.housekeeping import purge_old
from bot.services.sweeper import SweepTask, sweep
from storage import Database

log = logging.getLogger(__name__)


class Sweeper:
    def __init__(
        self, db: Database, clock: Clock, tasks: list[tuple[str, SweepTask]],
        on_done: Callable[[], None] = lambda: None,
    ) -> None:
        self.db, self.clock, self.tasks, self.on_done = db, clock, tasks, on_done
        self._running = asyncio.Lock()

    async def run(self) -> dict[str, int]:
        async with self._running:
            try:
                return await sweep(self.db, self.clock, self.tasks)
            finally:
                self.on_done()

    async def wait_idle(self) -> None:
        """Returns once no sweep is in progress."""
        async with self._running:
            pass


def make_scheduler(sweeper: Sweeper, db: Database, clock: Clock, interval: float,
                   ) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(sweeper.run, IntervalTrigger(seconds=interval), id="sweeper",
                      max_instances=1, coalesce=True, misfire_grace_time=None)
    scheduler.add_job(purge_old, CronTrigger(hour=19, minute=30), args=[db, clock],
                      id="housekeeping", max_instances=1, coalesce=True,
                      misfire_grace_time=int(timedelta(hours=6).total_seconds()))
    return scheduler
