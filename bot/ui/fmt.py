"""Dates, times, numbers and percentages for the reader's locale (Babel)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_timedelta
from babel.numbers import format_decimal, format_percent


def babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


def when(value: datetime, timezone: str, locale: str) -> str:
    """A moment as the reader's clock shows it in the community's timezone."""
    moment = value.astimezone(ZoneInfo(timezone))
    loc = babel_locale(locale)
    # Date and time without seconds, in the locale's own order ("2026年12月8日 18:00").
    return format_datetime(moment, loc.datetime_formats["medium"].format(
        loc.time_formats["short"], loc.date_formats["medium"]), locale=loc)


def day(value: datetime, timezone: str, locale: str) -> str:
    return format_date(value.astimezone(ZoneInfo(timezone)), "long", locale=babel_locale(locale))


def number(value: float, locale: str) -> str:
    return format_decimal(value, locale=babel_locale(locale))


def percent(share: float, locale: str) -> str:
    return format_percent(share, "#,##0.#%", locale=babel_locale(locale))


def duration(delta: timedelta, locale: str) -> str:
    return format_timedelta(delta, locale=babel_locale(locale))


def short_when(value: datetime, timezone: str, locale: str) -> str:
    """A moment without the year, for timelines ("12月1日 09:00", "Dec 1, 09:00")."""
    moment, loc = value.astimezone(ZoneInfo(timezone)), babel_locale(locale)
    return "{} {}".format(format_skeleton("MMMd", moment, locale=loc),
                          format_skeleton("Hm", moment, locale=loc))
