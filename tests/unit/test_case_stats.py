"""Case statistics on a real database (SQLite and PostgreSQL): exact counts, medians and
ratings of a set of cases with known times, only for admins and committee members; the
text and chart; and the weekly digest, queued on the community's local Monday only (once
after a downtime over a Monday)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.domain.clock import FrozenClock
from bot.services.case_actions import act_on_case, rate_case
from bot.services.case_stats import weekly_digest_due
from bot.services.communities import run_daily_jobs
from bot.services.community_stats import community_stats, stats_communities
from bot.services.errors import NotPermitted
from bot.services.report_filing import submit_report
from bot.services.reports import ReportDraft, start_report
from bot.ui import case_stats_render
from bot.ui.case_charts import stats_chart
from bot.ui.i18n import make_i18n
from bot.ui.render import render
from storage import Database, UnitOfWork
from storage.models import OutboxMessage
from tests.builders import make_group, make_resident, make_role, make_roster

ADMIN, REPORTER, NEIGHBOUR, STAFF, OWNERS = 9001, 101, 102, 201, 202
COMMITTEE_CHAT = -1002
I18N = make_i18n("zh_CN")
PNG = b"\x89PNG\r\n\x1a\n"
H = timedelta(hours=1)


@pytest.fixture
async def estate(db: Database, clock: FrozenClock):
    roster = await make_roster(db, clock, admin_id=ADMIN)
    await make_resident(db, clock, REPORTER, roster.homes["101"])
    await make_resident(db, clock, NEIGHBOUR, roster.homes["201"])
    await make_role(db, clock, roster.community_id, STAFF, "property")
    await make_role(db, clock, roster.community_id, OWNERS, "owners_committee")
    await make_group(db, clock, roster.community_id, None, COMMITTEE_CHAT, purpose="committee")
    return roster


async def make_case(db: Database, clock: FrozenClock, at: datetime, category: str,
                    user: int = REPORTER) -> int:
    clock.set(at)
    start = await start_report(UnitOfWork(db, clock), user)
    draft = ReportDraft(category_id=next(c.id for c in start.categories
                                         if c.label.key == category),
                        description="楼道灯不亮", household_id=start.homes[0].household_id,
                        place="home")
    return (await submit_report(UnitOfWork(db, clock), user, draft)).id


async def act(db: Database, clock: FrozenClock, at: datetime, case_id: int, action: str,
              user: int = STAFF) -> None:
    clock.set(at)
    await act_on_case(UnitOfWork(db, clock), user_id=user, case_id=case_id, action=action,
                      note=None if action == "accept" else "好了")


async def rate(db: Database, clock: FrozenClock, at: datetime, case_id: int, rating: int,
               user: int = REPORTER) -> None:
    clock.set(at)
    await rate_case(UnitOfWork(db, clock), user_id=user, case_id=case_id, rating=rating)


@pytest.fixture
async def cases(db: Database, clock: FrozenClock, estate) -> datetime:
    """Six cases around `now` (returned): one long before the 30 days, one 12 days before,
    four in the last day — two resolved and rated, one asked about, one overdue."""
    now = clock.now() + 24 * H
    start = now - 24 * H
    old = await make_case(db, clock, now - timedelta(days=41), "repairs")
    await act(db, clock, now - timedelta(days=41) + H, old, "accept")
    await act(db, clock, now - timedelta(days=40), old, "resolve")
    await rate(db, clock, now - timedelta(days=40) + H, old, 1)
    earlier = await make_case(db, clock, now - timedelta(days=12), "repairs")
    await act(db, clock, now - timedelta(days=12) + 3 * H, earlier, "accept")  # 3 h
    await act(db, clock, now - timedelta(days=10), earlier, "resolve")  # 48 h
    await rate(db, clock, now - timedelta(days=10) + H, earlier, 4)
    a = await make_case(db, clock, start, "repairs")
    b = await make_case(db, clock, start + H, "sanitation", user=NEIGHBOUR)
    await act(db, clock, start + 2 * H, a, "accept")  # 2 h
    overdue = await make_case(db, clock, start + 3 * H, "repairs")  # due 4 h later
    await act(db, clock, start + 5 * H, b, "accept")  # 4 h
    dispute = await make_case(db, clock, start + 6 * H, "disputes")
    await act(db, clock, start + 10 * H, a, "resolve")  # 10 h
    await rate(db, clock, start + 11 * H, a, 5)
    await act(db, clock, start + 13 * H, b, "resolve")  # 12 h
    await rate(db, clock, start + 14 * H, b, 2, user=NEIGHBOUR)
    await act(db, clock, start + 20 * H, dispute, "ask", user=ADMIN)  # 14 h, still open
    assert overdue
    clock.set(now)
    return now


async def test_figures_of_the_whole_community(db, clock, estate, cases):
    stats = await community_stats(UnitOfWork(db, clock), OWNERS, estate.community_id)
    t = stats.total
    assert (stats.community, stats.timezone, stats.at) == ("幸福里", "Asia/Shanghai", cases)
    assert (t.open, t.overdue) == (2, 1)
    assert (t.reported_7, t.reported_30, t.resolved_7, t.resolved_30) == (4, 5, 2, 3)
    assert t.median_ack == 3.5 * H  # 2, 3, 4 and 14 hours; the 41-day-old case is left out
    assert t.median_resolve == 12 * H  # 10, 12 and 48 hours
    assert t.ratings == (0, 1, 0, 1, 1)  # the old case's 1 is outside the 30 days
    assert t.mean_rating == pytest.approx(11 / 3)
    assert t.satisfied == pytest.approx(2 / 3)


async def test_figures_per_body_and_category(db, clock, estate, cases):
    stats = await community_stats(UnitOfWork(db, clock), ADMIN, estate.community_id)
    bodies = {r.label.key: r.figures for r in stats.bodies}
    assert list(bodies) == ["property", "residents_committee"]  # the others have nothing
    prop, committee = bodies["property"], bodies["residents_committee"]
    assert (prop.open, prop.overdue, prop.reported_7, prop.resolved_30) == (1, 1, 3, 3)
    assert (prop.median_ack, prop.median_resolve) == (3 * H, 12 * H)
    assert (committee.open, committee.overdue, committee.median_ack,
            committee.median_resolve, committee.rated) == (1, 0, 14 * H, None, 0)
    categories = {r.label.key: r.figures for r in stats.categories}
    assert list(categories) == ["repairs", "sanitation", "disputes"]
    repairs = categories["repairs"]
    assert (repairs.open, repairs.overdue, repairs.reported_7, repairs.reported_30,
            repairs.resolved_7, repairs.resolved_30) == (1, 1, 2, 3, 1, 2)
    assert (repairs.median_ack, repairs.median_resolve) == (2.5 * H, 29 * H)
    assert repairs.ratings == (0, 0, 0, 1, 1)
    assert categories["sanitation"].ratings == (0, 1, 0, 0, 0)


async def test_only_admins_and_committee_members_see_the_figures(db, clock, estate, cases):
    for user in (STAFF, REPORTER, 999):
        with pytest.raises(NotPermitted, match="not_manager"):
            await community_stats(UnitOfWork(db, clock), user, estate.community_id)
        assert await stats_communities(UnitOfWork(db, clock), user) == []
    assert [c.id for c in await stats_communities(UnitOfWork(db, clock), OWNERS)] == [
        estate.community_id]


async def test_a_community_without_cases_has_empty_figures(db, clock, estate):
    stats = await community_stats(UnitOfWork(db, clock), ADMIN, estate.community_id)
    assert stats.total.empty
    assert (stats.bodies, stats.categories) == ((), ())
    with I18N.context(), I18N.use_locale("en"):
        text = case_stats_render.stats_text(stats, "en")
    assert "No cases have been reported yet." in text


async def test_text_and_chart(db, clock, estate, cases):
    stats = await community_stats(UnitOfWork(db, clock), ADMIN, estate.community_id)
    with I18N.context(), I18N.use_locale("en"):
        text = case_stats_render.stats_text(stats, "en")
    assert "Open: 2, of which overdue: 1" in text
    assert "Resolved in the last 7 days: 2; in the last 30 days: 3" in text
    assert "Median time to a first answer: 4 hours; to resolution: 12 hours" in text
    assert "Satisfaction: mean 3.7 of 5; ratings: 3; rated 4 or 5: 66.7%" in text
    assert "• Property management: open 1 (overdue 1) · resolved 3" in text
    assert "• 🗣 Noise and neighbour disputes: open 1 (overdue 0)" in text
    with I18N.context(), I18N.use_locale("zh_CN"):
        chart = stats_chart(stats, "zh_CN")
    assert chart.startswith(PNG)


async def outbox(db: Database, kind: str) -> list[OutboxMessage]:
    async with db.reading() as session:
        return list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == kind).order_by(OutboxMessage.id))).scalars())


async def test_weekly_digest_goes_out_on_monday_only(db, clock, estate, cases):
    # The community was made on Tuesday 1 December 2026, 09:00 in Shanghai; the daily job
    # runs at 08:00. Run it every day at 09:00 for a week: only Monday the 7th posts.
    posted = []
    day = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    for offset in range(7):
        clock.set(day + timedelta(days=offset))
        before = len(await outbox(db, "case_weekly"))
        assert await run_daily_jobs(UnitOfWork(db, clock), clock.now(), 10, "08:00") == 1
        if len(await outbox(db, "case_weekly")) > before:
            posted.append(clock.now().date().isoformat())
    assert posted == ["2026-12-07"]
    (digest,) = await outbox(db, "case_weekly")
    assert digest.chat_id == COMMITTEE_CHAT
    assert digest.params["timezone"] == "Asia/Shanghai"
    assert digest.params["total"]["open"] == 2
    rendered = render(I18N, "case_weekly", digest.params, "en")
    assert rendered.text.startswith("🗓 Weekly case report of 幸福里 — December 7, 2026")
    assert rendered.photo.startswith(PNG)
    # Down from Tuesday to Wednesday of the next week: the catch-up run posts once.
    clock.set(datetime(2026, 12, 16, 1, 0, tzinfo=UTC))
    await run_daily_jobs(UnitOfWork(db, clock), clock.now(), 10, "08:00")
    assert len(await outbox(db, "case_weekly")) == 2
    clock.set(datetime(2026, 12, 17, 1, 0, tzinfo=UTC))
    await run_daily_jobs(UnitOfWork(db, clock), clock.now(), 10, "08:00")
    assert len(await outbox(db, "case_weekly")) == 2


@pytest.mark.parametrize(("due", "now", "expected"), [
    ("2026-12-07T00:00", "2026-12-07T00:00", True),  # Monday 08:00 in Shanghai, on time
    ("2026-12-06T00:00", "2026-12-06T23:59", False),  # Sunday, up to Monday 07:59
    ("2026-12-06T00:00", "2026-12-07T00:01", True),  # Sunday's run late, past Monday 08:00
    ("2026-12-08T00:00", "2026-12-13T03:00", False),  # Tuesday to Sunday
    ("2026-12-08T00:00", "2027-01-30T00:00", True),  # weeks of downtime
])
def test_weekly_digest_due(due, now, expected):
    def utc(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    assert weekly_digest_due(utc(due), utc(now), time(8), "Asia/Shanghai") is expected
