"""The text of the case statistics (for /stats and the weekly digest) and the renderer of
the weekly digest, which carries the chart.

Importing this module registers "case_weekly" with bot.ui.render.
"""

from __future__ import annotations

import functools
import json
from datetime import timedelta
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.services.case_stats import CaseStats, Figures, Row
from bot.ui import fmt
from bot.ui.case_charts import stats_chart
from bot.ui.case_texts import body_name, category_name
from bot.ui.charts import mean_text
from bot.ui.render import RenderContext, Rendered, renderer

CAPTION_LIMIT, MESSAGE_LIMIT = 1024, 4096
CHARTS_KEPT = 4
DASH = "–"


def size(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def fits_caption(text: str) -> bool:
    return size(text) <= CAPTION_LIMIT


def _duration(value: timedelta | None, locale: str) -> str:
    return DASH if value is None else fmt.duration(value, locale)


def _summary(t: Figures, locale: str) -> list[str]:
    n = functools.partial(fmt.number, locale=locale)
    lines = [
        _("Open: {open}, of which overdue: {overdue}").format(open=n(t.open),
                                                             overdue=n(t.overdue)),
        _("Reported in the last 7 days: {week}; in the last 30 days: {month}").format(
            week=n(t.reported_7), month=n(t.reported_30)),
        _("Resolved in the last 7 days: {week}; in the last 30 days: {month}").format(
            week=n(t.resolved_7), month=n(t.resolved_30)),
        _("Median time to a first answer: {ack}; to resolution: {resolve}").format(
            ack=_duration(t.median_ack, locale), resolve=_duration(t.median_resolve, locale)),
    ]
    if t.rated:
        lines.append(_("Satisfaction: mean {mean} of 5; ratings: {count}; rated 4 or 5: "
                       "{share}").format(mean=mean_text(t.mean_rating, locale),
                                         count=n(t.rated),
                                         share=fmt.percent(t.satisfied or 0.0, locale)))
    else:
        lines.append(_("Satisfaction: no ratings yet"))
    return lines


def _row(name: str, f: Figures, locale: str) -> str:
    return "• " + _("{name}: open {open} (overdue {overdue}) · resolved {resolved} · first "
                    "answer {ack} · resolution {resolve} · rating {rating}").format(
        name=name, open=fmt.number(f.open, locale), overdue=fmt.number(f.overdue, locale),
        resolved=fmt.number(f.resolved_30, locale), ack=_duration(f.median_ack, locale),
        resolve=_duration(f.median_resolve, locale),
        rating=mean_text(f.mean_rating, locale) if f.rated else DASH)


def _section(title: str, rows: tuple[Row, ...], name: Any, locale: str) -> list[str]:
    if not rows:
        return []
    return ["", title, *(_row(name(r.label.json()), r.figures, locale) for r in rows)]


def stats_text(stats: CaseStats, locale: str, *, weekly: bool = False) -> str:
    """The figures as text: the community's, then one line per body and per category."""
    day = fmt.day(stats.at, stats.timezone, locale)
    head = (_("🗓 Weekly case report of {community} — {day}") if weekly
            else _("📊 Case statistics of {community} — {day}")).format(
        community=stats.community, day=day)
    if stats.total.empty:
        return "\n".join([head, _("No cases have been reported yet.")])
    lines = [head, "", *_summary(stats.total, locale),
             *_section(_("By body:"), stats.bodies, body_name, locale),
             *_section(_("By category:"), stats.categories, category_name, locale)]
    note = ["", _("Per body and category: resolved, medians and ratings of the last 30 "
                  "days. Overdue: open past the deadline to answer or to resolve.")]
    kept = len(lines)
    # Only a community with dozens of categories gets here: the chart shows the rest.
    while size("\n".join([*lines[:kept], "…", *note])) > MESSAGE_LIMIT and kept > 7:
        kept -= 1
    return "\n".join([*lines[:kept], *(["…"] if kept < len(lines) else []), *note])


@functools.lru_cache(maxsize=CHARTS_KEPT)
def _chart(key: str, locale: str) -> bytes:
    # Every committee group of the community gets the same chart: drawn once per language.
    return stats_chart(CaseStats.from_params(json.loads(key)), locale)


@renderer("case_weekly")
def case_weekly(params: dict[str, Any], ctx: RenderContext) -> Rendered:
    """The weekly digest in a committee group: the text, with the chart when there are
    cases (the sender puts a text too long for a caption before the image)."""
    stats = CaseStats.from_params(params)
    text = stats_text(stats, ctx.locale, weekly=True)
    if stats.total.empty:
        return Rendered(text)
    key = json.dumps(params, ensure_ascii=False, sort_keys=True)
    return Rendered(text, photo=_chart(key, ctx.locale))
