"""The results chart: one horizontal bar panel per choice or rating question (and the
turnout per building when there are several), drawn headless with matplotlib's Agg canvas.

Chinese labels need a CJK font: the Noto Sans CJK file shipped by the
`cvttf-NotoSansCJK-Regular` package is used, so a fresh machine renders them; failing that,
any CJK font the system has, with a warning in the log. Figures are built without pyplot,
so no global figure is ever left open.
"""

from __future__ import annotations

import functools
import importlib.resources
import io
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

from aiogram.utils.i18n import I18n
from babel.numbers import format_decimal

from bot.ui import fmt

log = logging.getLogger(__name__)

FONT_PACKAGE, FONT_FILE = "cvttf_NotoSansCJK_Regular", "NotoSansCJKtc-Regular.otf"
SYSTEM_CJK = ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "WenQuanYi", "Droid Sans "
              "Fallback", "AR PL", "SimHei", "Microsoft YaHei", "PingFang", "Heiti")
# Inches; at DPI 100 the image stays under the 2560 px Telegram shows.
COLUMN_WIDTH, MAX_HEIGHT, DPI = 6.4, 25.0, 100
LABELS, TITLE, GAP, BAR = 1.5, 0.62, 0.25, 0.3
LABEL_WIDTH, TITLE_WIDTH = 16, 56  # in Latin characters
BAR_COLOR, TURNOUT_COLOR = "#c0392b", "#2e86c1"


def _(text: str, locale: str) -> str:
    """The catalog's translation when an i18n context is active (as at send time)."""
    i18n = I18n.get_current(no_error=True)
    return i18n.gettext(text, locale=locale) if i18n is not None else text


@dataclass(frozen=True)
class Panel:
    title: str
    labels: list[str]
    values: list[float]
    notes: list[str]
    limit: float
    color: str = BAR_COLOR


@functools.cache
def cjk_font_path() -> str | None:
    """The file of a font with Chinese glyphs: the packaged Noto Sans CJK, else a system
    one; None (and a warning) when the machine has none."""
    try:
        packaged = importlib.resources.files(FONT_PACKAGE) / FONT_FILE
        if packaged.is_file():
            return str(packaged)
    except ModuleNotFoundError:
        pass
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if entry.name.startswith(SYSTEM_CJK):
            log.warning("charts: %s not installed; using the system font %s", FONT_PACKAGE,
                        entry.fname)
            return entry.fname
    log.warning("charts: no CJK font found; Chinese labels will show as boxes")
    return None


@functools.cache
def cjk_family() -> str | None:
    """Registers the CJK font with matplotlib once; returns its family name."""
    path = cjk_font_path()
    if path is None:
        return None
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _width(text: str) -> int:
    # A CJK character is about twice as wide as a Latin one.
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def _wrap(text: str, width: int, lines: int = 2) -> str:
    """Breaks text into at most `lines` lines of `width` Latin-character widths, Chinese
    between any two characters, Latin words at spaces; "…" marks a cut."""
    parts: list[str] = [""]
    for token in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+", text):
        if token.isspace():
            token = " " if parts[-1] else ""
        elif parts[-1] and _width(parts[-1] + token) > width:
            parts[-1] = parts[-1].rstrip()
            parts.append("")
        while _width(token) > width:  # a word longer than a line
            parts[-1] += token[:width]
            parts.append("")
            token = token[width:]
        parts[-1] += token
    parts = [p for p in parts if p] or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        while parts[-1] and _width(parts[-1]) > width - 1:
            parts[-1] = parts[-1][:-1]
        parts[-1] += "…"
    return "\n".join(parts)


def mean_text(value: float | None, locale: str) -> str:
    """A rating mean with one decimal ("3.0"), or a dash when nobody rated."""
    if value is None:
        return "–"
    return format_decimal(value, "#,##0.0", locale=fmt.babel_locale(locale))


def _choice(title: str, q: dict[str, Any], locale: str) -> Panel:
    counts = [o["count"] for o in q["options"]]
    return Panel(title, [_wrap(o["text"], LABEL_WIDTH) for o in q["options"]], counts,
                 [f"{fmt.number(o['count'], locale)} · {fmt.percent(o['share'], locale)}"
                  for o in q["options"]], max([*counts, 1]) * 1.3)


def _rating(title: str, q: dict[str, Any], locale: str) -> Panel:
    dist = [q["ratings"][str(v)] for v in range(5, 0, -1)]
    total = sum(dist) or 1
    mean = _("mean {mean} of 5", locale).format(mean=mean_text(q["mean"], locale))
    return Panel(f"{title} · {mean}", [str(v) for v in range(5, 0, -1)], dist,
                 [f"{fmt.number(n, locale)} · {fmt.percent(n / total, locale)}" for n in dist],
                 max([*dist, 1]) * 1.3)


def _buildings(buildings: list[dict[str, Any]], locale: str) -> Panel:
    shares = [b["answered"] / b["households"] if b["households"] else 0.0 for b in buildings]
    return Panel(_("Households that answered, by building", locale),
                 [_wrap(b["label"], LABEL_WIDTH) for b in buildings], shares,
                 [f"{b['answered']}/{b['households']} · {fmt.percent(s, locale)}"
                  for b, s in zip(buildings, shares, strict=True)], 1.3, TURNOUT_COLOR)


def panels(results: dict[str, Any], locale: str) -> list[Panel]:
    """What the chart shows: the choice and rating questions in order, then the turnout
    per building when there are several."""
    found: list[Panel] = []
    for number, q in enumerate(results["questions"], 1):
        answered = _("{count} answered", locale).format(count=fmt.number(q["respondents"],
                                                                          locale))
        title = _wrap(f"{number}. {q['text']}", TITLE_WIDTH) + "\n" + answered
        if q.get("options"):
            found.append(_choice(title, q, locale))
        elif q.get("ratings") is not None:
            found.append(_rating(title, q, locale))
    if len(results.get("buildings") or []) > 1:
        found.append(_buildings(results["buildings"], locale))
    return found


def _draw(axes: Any, panel: Panel) -> None:
    positions = range(len(panel.values))
    axes.barh(positions, panel.values, color=panel.color, height=0.6)
    axes.set_yticks(list(positions), panel.labels)
    axes.invert_yaxis()
    axes.set_xlim(0, panel.limit)
    axes.set_xticks([])
    axes.set_title(panel.title, loc="left", fontsize=11)
    for spine in ("top", "right", "bottom"):
        axes.spines[spine].set_visible(False)
    for y, (value, note) in enumerate(zip(panel.values, panel.notes, strict=True)):
        axes.text(value + panel.limit * 0.01, y, note, va="center", fontsize=9)


def results_chart(results: dict[str, Any], locale: str) -> bytes:
    """The PNG of the results; a survey with only free-text questions has no panels and
    gives an empty chart (callers check `panels` first). One chart at a time: the sender
    renders in worker threads, and matplotlib's font cache is not made for several."""
    with _DRAWING:
        return _figure_png(results, locale)


_DRAWING = threading.Lock()


def _figure_png(results: dict[str, Any], locale: str) -> bytes:
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    found = panels(results, locale)
    columns = 1 if len(found) <= 4 else 2 if len(found) <= 10 else 3
    rows = [found[i:i + columns] for i in range(0, len(found), columns)] or [[]]
    bars = [max([len(p.values) for p in row] + [1]) for row in rows]
    # Laid out by hand: matplotlib's layout engines cost more than drawing the bars.
    bar = max(0.16, min(BAR, (MAX_HEIGHT - len(rows) * (TITLE + GAP)) / sum(bars)))
    width, height = COLUMN_WIDTH * columns, len(rows) * (TITLE + GAP) + bar * sum(bars)
    family = cjk_family()
    fonts = {"font.family": [family, "DejaVu Sans"]} if family else {}
    with rc_context({**fonts, "font.size": 10, "axes.unicode_minus": False}):
        figure = Figure(figsize=(width, height))
        FigureCanvasAgg(figure)  # Agg: no display, whatever backend matplotlib would pick
        top = height
        for row, count in zip(rows, bars, strict=True):
            top -= TITLE
            for column, panel in enumerate(row):
                size = bar * len(panel.values)
                _draw(figure.add_axes(((column * COLUMN_WIDTH + LABELS) / width,
                                       (top - size) / height,
                                       (COLUMN_WIDTH - LABELS - 0.2) / width,
                                       size / height)), panel)
            top -= bar * count + GAP
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI)
        figure.clear()
    return out.getvalue()
