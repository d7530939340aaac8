"""The sweeper's work list: each task acts on due rows in one transaction and returns how
many it handled; the sweeper repeats a task while it fills a whole batch."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from bot.domain.clock import Clock
from bot.services.case_sweep import sweep_cases
from bot.services.communities import run_daily_jobs
from bot.services.decisions import sweep_decisions
from bot.services.meeting_close import sweep_meetings
from bot.services.motion_close import close_due_motions
from bot.services.survey_close import close_due_surveys, send_due_reminders
from storage import Database, UnitOfWork

log = logging.getLogger(__name__)

SweepTask = Callable[[UnitOfWork, datetime, int], Awaitable[int]]


@dataclass(frozen=True)
class SweepConfig:
    daily_time: str = "08:00"
    batch: int = 200


def default_tasks(config: SweepConfig) -> list[tuple[str, SweepTask]]:
    """Every kind of due row, in the order they are swept."""
    return [
        ("close_surveys", close_due_surveys),
        ("survey_reminders", send_due_reminders),
        ("cases", sweep_cases),
        ("decisions", sweep_decisions),
        ("close_motions", close_due_motions),
        ("meetings", sweep_meetings),
        ("daily", partial(run_daily_jobs, daily_time=config.daily_time)),
    ]


async def sweep(
    db: Database, clock: Clock, tasks: list[tuple[str, SweepTask]], batch: int = 200,
) -> dict[str, int]:
    """Runs every task until nothing is due; returns how many rows each handled."""
    handled: dict[str, int] = {}
    for name, task in tasks:
        total = 0
        while True:
            count = await task(UnitOfWork(db, clock), clock.now(), batch)
            total += count
            if count < batch:
                break
        handled[name] = total
        if total:
            log.info("sweeper: %s handled %d", name, total)
    return handled
