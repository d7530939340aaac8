"""Queries behind the case statistics: the counts per body and category in one GROUP BY,
the durations the medians are taken from, and the ratings per body, category and mark.

Durations are fetched rather than computed in SQL: date arithmetic differs between SQLite
and PostgreSQL, and a month of one community's cases is a few hundred rows at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.case_models import Case

OPEN = ("new", "info", "accepted")


@dataclass(frozen=True)
class CountRow:
    """The counts of one (body, category) pair of a community."""

    body_id: int
    category_id: int
    open: int
    overdue: int
    reported_7: int
    reported_30: int
    resolved_7: int
    resolved_30: int


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


async def counts(session: AsyncSession, community_id: int, now: datetime) -> list[CountRow]:
    """Open and overdue cases at `now`, and cases reported and resolved in the last 7 and
    30 days, per (assigned body, category). Overdue: open past the deadline of its phase
    (acknowledging until a body answered, resolving after)."""
    week, month = now - timedelta(days=7), now - timedelta(days=30)
    is_open = Case.status.in_(OPEN)
    overdue = and_(is_open, or_(and_(Case.acked_at.is_(None), Case.ack_due <= now),
                                and_(Case.acked_at.is_not(None), Case.resolve_due <= now)))
    rows = await session.execute(
        select(Case.body_id, Case.category_id, _count_if(is_open), _count_if(overdue),
               _count_if(Case.created_at >= week), _count_if(Case.created_at >= month),
               _count_if(Case.resolved_at >= week), _count_if(Case.resolved_at >= month))
        .where(Case.community_id == community_id)
        .group_by(Case.body_id, Case.category_id))
    return [CountRow(*(int(value or 0) for value in row)) for row in rows]


async def ack_durations(session: AsyncSession, community_id: int, since: datetime,
                        ) -> list[tuple[int, int, timedelta]]:
    """(body, category, time from report to first answer) of the cases first answered
    since `since`."""
    rows = await session.execute(
        select(Case.body_id, Case.category_id, Case.created_at, Case.acked_at)
        .where(Case.community_id == community_id, Case.acked_at >= since))
    return [(body, category, acked - created) for body, category, created, acked in rows]


async def resolve_durations(session: AsyncSession, community_id: int, since: datetime,
                            ) -> list[tuple[int, int, timedelta]]:
    """(body, category, time from report to resolution) of the cases resolved since
    `since` (a reopened case counts from its last resolution)."""
    rows = await session.execute(
        select(Case.body_id, Case.category_id, Case.created_at, Case.resolved_at)
        .where(Case.community_id == community_id, Case.resolved_at >= since))
    return [(body, category, resolved - created)
            for body, category, created, resolved in rows]


async def ratings(session: AsyncSession, community_id: int, since: datetime,
                  ) -> list[tuple[int, int, int, int]]:
    """(body, category, rating, how many) of the cases the reporter rated since `since`."""
    rows = await session.execute(
        select(Case.body_id, Case.category_id, Case.rating, func.count())
        .where(Case.community_id == community_id, Case.rating.is_not(None),
               Case.closed_at >= since)
        .group_by(Case.body_id, Case.category_id, Case.rating))
    return [(body, category, int(rating), int(n)) for body, category, rating, n in rows]
