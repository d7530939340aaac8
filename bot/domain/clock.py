"""Clocks: the current time is a parameter, so tests move time instead of sleeping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """Returns the current time, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock tests set and advance by hand."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class OffsetFileClock:
    """System time plus an offset read from a JSON file on every call.

    End-to-end tests run the real bot process; they move its time forward by writing
    `{"offset_seconds": N}` to the file named by `ZHONGYI_CLOCK_FILE`.
    """

    def __init__(self, path: Path) -> None:
        self._path = path

    def now(self) -> datetime:
        try:
            offset = float(json.loads(self._path.read_text())["offset_seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            offset = 0.0
        return datetime.now(UTC) + timedelta(seconds=offset)


def as_utc(value: datetime) -> datetime:
    """Returns an aware UTC datetime; naive values (as SQLite gives them back) are UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def next_local_time(after: datetime, at: time, timezone: str) -> datetime:
    """Returns the first moment strictly after `after` when the local clock in `timezone`
    shows `at`, in UTC. Used for daily jobs: a missed day yields one run, not several."""
    zone = ZoneInfo(timezone)
    local = as_utc(after).astimezone(zone)
    candidate = datetime.combine(local.date(), at, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    return candidate.astimezone(UTC)


def parse_hhmm(value: str) -> time:
    hour, _, minute = value.partition(":")
    return time(int(hour), int(minute))
