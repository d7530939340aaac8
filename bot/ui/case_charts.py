"""The chart of the case statistics: the overall counts, open cases per category, the
median times per category and body, and the ratings — one horizontal bar panel each, drawn
with the survey charts' panels, font and lock (headless Agg, no pyplot).

Category names carry emoji the CJK font has no glyphs for; the chart leaves them out.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import timedelta

from bot.services.case_stats import CaseStats, Row
from bot.ui import fmt
from bot.ui.case_texts import body_name, category_name
from bot.ui.charts import (
    _DRAWING,
    BAR,
    COLUMN_WIDTH,
    DPI,
    GAP,
    LABEL_WIDTH,
    LABELS,
    MAX_HEIGHT,
    TITLE,
    TITLE_WIDTH,
    TURNOUT_COLOR,
    Panel,
    _,
    _draw,
    _wrap,
    cjk_family,
    mean_text,
)

RATING_COLOR = "#27ae60"
ROOM = 1.6  # the axis is this much longer than the longest bar, for the notes


def plain(text: str) -> str:
    """The text without emoji and variation selectors (a category's "🔧 Repairs")."""
    kept = "".join(c for c in text if unicodedata.category(c) != "So"
                   and c not in "\ufe0e\ufe0f\u200d")
    return " ".join(kept.split())


def _hours(value: timedelta) -> float:
    return value.total_seconds() / 3600


def _overview(stats: CaseStats, locale: str) -> Panel:
    t = stats.total
    labels = [_("Open cases", locale), _("Overdue cases", locale), _("Reported, 7 days", locale),
              _("Resolved, 7 days", locale), _("Reported, 30 days", locale),
              _("Resolved, 30 days", locale)]
    values = [t.open, t.overdue, t.reported_7, t.resolved_7, t.reported_30, t.resolved_30]
    return Panel(_("Cases", locale), [_wrap(label, LABEL_WIDTH) for label in labels], values,
                 [fmt.number(v, locale) for v in values], max([*values, 1]) * ROOM,
                 TURNOUT_COLOR)


def _open(stats: CaseStats, locale: str) -> Panel | None:
    rows = [r for r in stats.categories if r.figures.open]
    if not rows:
        return None
    values = [r.figures.open for r in rows]
    notes = [_("{open} open, {overdue} overdue", locale).format(
        open=fmt.number(r.figures.open, locale), overdue=fmt.number(r.figures.overdue, locale))
        for r in rows]
    return Panel(_("Open cases by category", locale),
                 [_wrap(plain(category_name(r.label.json())), LABEL_WIDTH) for r in rows],
                 values, notes, max(values) * ROOM)


def _times(title: str, rows: tuple[Row, ...], attribute: str, name: object,
           locale: str) -> Panel | None:
    timed = [(r, getattr(r.figures, attribute)) for r in rows]
    timed = [(r, value) for r, value in timed if value is not None]
    if not timed:
        return None
    values = [_hours(value) for _row, value in timed]
    return Panel(_wrap(title, TITLE_WIDTH),
                 [_wrap(plain(name(r.label.json())), LABEL_WIDTH) for r, _value in timed],
                 values, [fmt.duration(value, locale) for _row, value in timed],
                 max([*values, 0.01]) * ROOM, TURNOUT_COLOR)


def _ratings(stats: CaseStats, locale: str) -> Panel | None:
    t = stats.total
    if not t.rated:
        return None
    dist = [t.ratings[mark - 1] for mark in range(5, 0, -1)]
    title = _("Ratings of the last 30 days · mean {mean} of 5", locale).format(
        mean=mean_text(t.mean_rating, locale))
    return Panel(title, [str(mark) for mark in range(5, 0, -1)], dist,
                 [f"{fmt.number(n, locale)} · {fmt.percent(n / t.rated, locale)}"
                  for n in dist], max(dist) * ROOM, RATING_COLOR)


def stats_panels(stats: CaseStats, locale: str) -> list[Panel]:
    """What the chart shows; a panel with nothing to show is left out."""
    found = [
        _overview(stats, locale),
        _open(stats, locale),
        _times(_("Median time to resolve by category, last 30 days", locale),
               stats.categories, "median_resolve", category_name, locale),
        _times(_("Median time to a first answer by body, last 30 days", locale),
               stats.bodies, "median_ack", body_name, locale),
        _times(_("Median time to resolve by body, last 30 days", locale),
               stats.bodies, "median_resolve", body_name, locale),
        _ratings(stats, locale),
    ]
    return [panel for panel in found if panel is not None]


def stats_chart(stats: CaseStats, locale: str) -> bytes:
    """The PNG of the statistics, one panel under the other. One chart at a time, like the
    survey charts: matplotlib's font cache is not made for several threads."""
    with _DRAWING:
        return _png(stats_panels(stats, locale))


def _png(panels: list[Panel]) -> bytes:
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    bars = sum(len(p.values) for p in panels)
    bar = max(0.16, min(BAR, (MAX_HEIGHT - len(panels) * (TITLE + GAP)) / bars))
    height = len(panels) * (TITLE + GAP) + bar * bars
    family = cjk_family()
    fonts = {"font.family": [family, "DejaVu Sans"]} if family else {}
    with rc_context({**fonts, "font.size": 10, "axes.unicode_minus": False}):
        figure = Figure(figsize=(COLUMN_WIDTH, height))
        FigureCanvasAgg(figure)
        top = height
        for panel in panels:
            top -= TITLE
            size = bar * len(panel.values)
            _draw(figure.add_axes((LABELS / COLUMN_WIDTH, (top - size) / height,
                                   (COLUMN_WIDTH - LABELS - 0.2) / COLUMN_WIDTH,
                                   size / height)), panel)
            top -= size + GAP
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI)
        figure.clear()
    return out.getvalue()
