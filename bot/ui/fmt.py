"""Dates, times, numbers and percentages for the reader's locale (Babel)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_timedelta, get_timezone_location
from babel.numbers import format_decimal, format_percent


def babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


def when(value: datetime, timezone: str, locale: str) -> str:
    """A moment as the reader's clock shows it in the community's timezone: the date and a
    24-hour time, in the locale's own order ("2026年12月8日 18:00", "Dec 8, 2026, 18:00"),
    like every other time the bot shows (timelines, meeting slots)."""
    moment = value.astimezone(ZoneInfo(timezone))
    loc = babel_locale(locale)
    return loc.datetime_formats["medium"].format(
        format_skeleton("Hm", moment, locale=loc),
        format_date(moment, "medium", locale=loc))


def day(value: datetime, timezone: str, locale: str) -> str:
    return format_date(value.astimezone(ZoneInfo(timezone)), "long", locale=babel_locale(locale))


def number(value: float, locale: str) -> str:
    return format_decimal(value, locale=babel_locale(locale))


def percent(share: float, locale: str) -> str:
    return format_percent(share, "#,##0.#%", locale=babel_locale(locale))


def duration(delta: timedelta, locale: str) -> str:
    """“7 seconds”, “3 days”; in Chinese the short forms (“7秒”, not Babel's “7秒钟”)."""
    loc = babel_locale(locale)
    return format_timedelta(delta, format="short" if loc.language == "zh" else "long",
                            locale=loc)


def short_when(value: datetime, timezone: str, locale: str) -> str:
    """A moment without the year, for timelines ("12月1日 09:00", "Dec 1, 09:00")."""
    moment, loc = value.astimezone(ZoneInfo(timezone)), babel_locale(locale)
    return "{} {}".format(format_skeleton("MMMd", moment, locale=loc),
                          format_skeleton("Hm", moment, locale=loc))


def timezone_city(zone: str, locale: str) -> str:
    """An IANA time zone named by its city in the reader's language ("上海", "Hong Kong")."""
    return get_timezone_location(zone, locale=babel_locale(locale), return_city=True)
