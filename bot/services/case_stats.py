"""The statistics of issue reports: open and overdue cases, cases reported and resolved in
the last 7 and 30 days, the median times to a first answer and to a resolution, and the
reporters' satisfaction — for the whole community, per body and per category.

`/stats` shows them to community admins and committee members; on the community's local
Monday the daily job posts them to the committee groups as the weekly digest. Medians and
ratings cover the last 30 days.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import as_utc
from bot.services.case_views import Label
from storage import (
    case_stats_repo,
    cases_repo,
    groups_repo,
    outbox_repo,
)
from storage.models import Community

WINDOW = timedelta(days=30)  # of the medians and the ratings
MONDAY = 0
COUNTS = ("open", "overdue", "reported_7", "reported_30", "resolved_7", "resolved_30")


@dataclass(frozen=True)
class Figures:
    """The figures of all cases, or of one body's or one category's. `ratings` holds how
    many cases were rated 1, 2, 3, 4 and 5."""

    open: int = 0
    overdue: int = 0
    reported_7: int = 0
    reported_30: int = 0
    resolved_7: int = 0
    resolved_30: int = 0
    median_ack: timedelta | None = None
    median_resolve: timedelta | None = None
    ratings: tuple[int, ...] = (0, 0, 0, 0, 0)

    @property
    def rated(self) -> int:
        return sum(self.ratings)

    @property
    def mean_rating(self) -> float | None:
        if not self.rated:
            return None
        return sum(mark * n for mark, n in enumerate(self.ratings, 1)) / self.rated

    @property
    def satisfied(self) -> float | None:
        """The share of ratings of 4 or 5."""
        return (self.ratings[3] + self.ratings[4]) / self.rated if self.rated else None

    @property
    def empty(self) -> bool:
        return self == Figures()

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in COUNTS}
        for name in ("median_ack", "median_resolve"):
            value = getattr(self, name)
            out[name] = None if value is None else value.total_seconds()
        out["ratings"] = list(self.ratings)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figures:
        durations = {name: None if data[name] is None else timedelta(seconds=data[name])
                     for name in ("median_ack", "median_resolve")}
        return cls(**{name: data[name] for name in COUNTS}, **durations,
                   ratings=tuple(data["ratings"]))


@dataclass(frozen=True)
class Row:
    label: Label
    figures: Figures


@dataclass(frozen=True)
class CaseStats:
    community_id: int
    community: str
    timezone: str
    at: datetime
    total: Figures
    bodies: tuple[Row, ...]  # those with any figure, in escalation order
    categories: tuple[Row, ...]  # those with any figure, in the community's order

    def params(self) -> dict[str, Any]:
        """JSON-ready, for an outbox row."""
        def rows(found: tuple[Row, ...]) -> list[dict[str, Any]]:
            return [{"label": r.label.json(), **r.figures.json()} for r in found]

        return {"community_id": self.community_id, "community": self.community,
                "timezone": self.timezone, "at": self.at.isoformat(),
                "total": self.total.json(), "bodies": rows(self.bodies),
                "categories": rows(self.categories)}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> CaseStats:
        def rows(found: list[dict[str, Any]]) -> tuple[Row, ...]:
            return tuple(Row(Label(*r["label"]), Figures.from_json(r)) for r in found)

        return cls(params["community_id"], params["community"], params["timezone"],
                   datetime.fromisoformat(params["at"]), Figures.from_json(params["total"]),
                   rows(params["bodies"]), rows(params["categories"]))


class _Tally:
    """Adds up the query rows of one body, one category or the whole community."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(COUNTS, 0)
        self.acks: list[float] = []
        self.resolves: list[float] = []
        self.ratings = [0] * 5

    def figures(self) -> Figures:
        return Figures(**self.counts, median_ack=_median(self.acks),
                       median_resolve=_median(self.resolves), ratings=tuple(self.ratings))


def _median(seconds: list[float]) -> timedelta | None:
    return timedelta(seconds=statistics.median(seconds)) if seconds else None


async def compute_stats(session: AsyncSession, community: Community, now: datetime,
                        ) -> CaseStats:
    """The community's figures at `now`."""
    tallies: dict[tuple[str, int], _Tally] = defaultdict(_Tally)

    def targets(body_id: int, category_id: int) -> list[_Tally]:
        return [tallies[("all", 0)], tallies[("body", body_id)],
                tallies[("category", category_id)]]

    for row in await case_stats_repo.counts(session, community.id, now):
        for tally in targets(row.body_id, row.category_id):
            for name in COUNTS:
                tally.counts[name] += getattr(row, name)
    since = now - WINDOW
    for body_id, category_id, spent in await case_stats_repo.ack_durations(
            session, community.id, since):
        for tally in targets(body_id, category_id):
            tally.acks.append(spent.total_seconds())
    for body_id, category_id, spent in await case_stats_repo.resolve_durations(
            session, community.id, since):
        for tally in targets(body_id, category_id):
            tally.resolves.append(spent.total_seconds())
    for body_id, category_id, mark, n in await case_stats_repo.ratings(
            session, community.id, since):
        for tally in targets(body_id, category_id):
            tally.ratings[mark - 1] += n

    def rows(kind: str, found: list[Any]) -> tuple[Row, ...]:
        out = []
        for item in found:
            tally = tallies.get((kind, item.id))
            if tally is not None and not (figures := tally.figures()).empty:
                out.append(Row(Label(item.key, item.name), figures))
        return tuple(out)

    return CaseStats(
        community.id, community.name, community.timezone, now,
        tallies[("all", 0)].figures(),
        rows("body", await cases_repo.bodies(session, community.id)),
        rows("category", await cases_repo.categories(session, community.id,
                                                     active_only=False)))


def weekly_digest_due(due_at: datetime, now: datetime, at: time, timezone: str) -> bool:
    """Whether a Monday's daily time falls between when the daily job was due and now: the
    run on a Monday, or the one catch-up run after a downtime over a Monday. The daily
    runs cover consecutive spans, so each Monday is in exactly one of them."""
    due_at, now = as_utc(due_at), as_utc(now)
    if now - due_at >= timedelta(days=7):
        return True
    zone = ZoneInfo(timezone)
    day, last = due_at.astimezone(zone).date(), now.astimezone(zone).date()
    while day <= last:
        slot = datetime.combine(day, at, tzinfo=zone)
        if day.weekday() == MONDAY and due_at <= slot <= now:
            return True
        day += timedelta(days=1)
    return False


async def queue_weekly_digests(session: AsyncSession, community: Community,
                               now: datetime) -> int:
    """Queues the weekly digest ("case_weekly": the figures and the timezone) for each
    active committee group of the community; returns how many."""
    chats = await groups_repo.active_chats(session, community.id, "committee")
    if not chats:
        return 0
    params = (await compute_stats(session, community, now)).params()
    for chat_id in chats:
        outbox_repo.enqueue(session, chat_id=chat_id, kind="case_weekly", now=now,
                            params=params)
    return len(chats)
