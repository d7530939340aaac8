"""Communities: creating one, and its daily job."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.clock import next_local_time, parse_hhmm
from bot.domain.locales import SUPPORTED
from bot.domain.roles import MANAGERS, Role
from bot.services.case_stats import queue_weekly_digests, weekly_digest_due
from bot.services.errors import InvalidInput, NotPermitted
from storage import UnitOfWork, communities_repo, due, groups_repo, outbox_repo

NAME_MAX = 100


@dataclass(frozen=True)
class CommunityInfo:
    id: int
    name: str
    timezone: str
    locale: str


def check_name(name: str) -> str:
    """Returns the cleaned community name or raises InvalidInput."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name_empty")
    if len(name) > NAME_MAX:
        raise InvalidInput("name_too_long", limit=NAME_MAX, length=len(name))
    return name


@functools.cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def check_timezone(timezone: str) -> str:
    """The IANA name of a time zone typed in any case (“europe/london” → “Europe/London”),
    or InvalidInput."""
    name = _zone_names().get(timezone.strip().lower(), timezone.strip())
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("bad_timezone", timezone=timezone) from None
    return name


async def create_community(
    uow: UnitOfWork, *, creator_id: int, bootstrap_admins: frozenset[int], name: str,
    timezone: str, locale: str, daily_time: str,
) -> CommunityInfo:
    """Creates a community and makes its creator the first community admin."""
    if creator_id not in bootstrap_admins:
        raise NotPermitted("bootstrap_only")
    name = check_name(name)
    timezone = check_timezone(timezone)
    if locale not in SUPPORTED:
        raise InvalidInput("unsupported_locale", locale=locale)
    async with uow:
        now = uow.now()
        community = await communities_repo.add_community(
            uow.session, name=name, timezone=timezone, locale=locale, creator_id=creator_id,
            now=now, next_daily_at=next_local_time(now, parse_hhmm(daily_time), timezone),
        )
        await communities_repo.grant(uow.session, user_id=creator_id, community_id=community.id,
                                     role=Role.ADMIN, granted_by=creator_id, now=now)
        await uow.commit()
        return CommunityInfo(community.id, community.name, community.timezone, community.locale)


async def run_daily_jobs(uow: UnitOfWork, now: datetime, limit: int, daily_time: str) -> int:
    """Posts each due community's daily digest to its committee groups and schedules the
    next one at the next local `daily_time` after now, so a long downtime yields one digest,
    not one per missed day. On the local Monday (or the catch-up run after a downtime over
    one) the weekly case statistics go out too. Returns how many communities it handled."""
    at = parse_hhmm(daily_time)
    async with uow:
        communities = await due.claim(uow.session, communities_repo.due_daily(now), limit)
        for community in communities:
            active, inactive = await communities_repo.group_counts(uow.session, community.id)
            pending = await communities_repo.pending_joins(uow.session, community.id)
            for chat_id in await groups_repo.active_chats(uow.session, community.id,
                                                          "committee"):
                outbox_repo.enqueue(uow.session, chat_id=chat_id, kind="daily_digest", now=now,
                                    params={"community": community.name,
                                            "day": now.isoformat(),
                                            "timezone": community.timezone,
                                            "groups_active": active,
                                            "groups_inactive": inactive,
                                            "pending_joins": pending})
            if weekly_digest_due(community.next_daily_at, now, at, community.timezone):
                await queue_weekly_digests(uow.session, community, now)
            community.next_daily_at = next_local_time(now, at, community.timezone)
        await uow.commit()
    return len(communities)


async def managed_communities(uow: UnitOfWork, user_id: int) -> list[CommunityInfo]:
    """Communities where the user is an admin or committee member (who may bind groups,
    import and export the roster, and grant roles)."""
    async with uow(readonly=True):
        rows = await communities_repo.managed_by(uow.session, user_id,
                                                 [str(r) for r in MANAGERS])
    return [CommunityInfo(c.id, c.name, c.timezone, c.locale) for c in rows]
