"""The results chart and the survey messages that carry it: Chinese labels are drawn with
the packaged Noto Sans CJK font (no missing glyphs on a fresh machine), the PNG decodes,
a results caption stays within Telegram's 1,024 characters, and the posts, polls,
reminders and door-to-door notes read right with buttons that fit."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure
from PIL import Image

from bot.ui import charts
from bot.ui.charts import FONT_FILE, cjk_family, cjk_font_path, results_chart
from bot.ui.i18n import make_i18n
from bot.ui.render import render

I18N = make_i18n("zh_CN")
PNG = b"\x89PNG\r\n\x1a\n"
SAVED = Path("/tmp/zhongyi_chart.png")


def question(number: int, options: int = 3) -> dict:
    texts = ["同意", "不同意", "无所谓，看大家的意见"] + [f"方案{i}" for i in range(options)]
    counts = [20, 8, 2] + list(range(options))
    return {"id": number, "kind": "single", "text": f"同意加装电梯吗？（第{number}题）",
            "respondents": 30, "options": [{"text": t, "count": c, "share": c / 30}
                                           for t, c in zip(texts[:options], counts,
                                                           strict=False)]}


def results(questions: list[dict], buildings: int = 2) -> dict:
    rating = {"id": 99, "kind": "rating", "text": "对物业满意吗？", "respondents": 30,
              "ratings": {"1": 2, "2": 3, "3": 5, "4": 15, "5": 5}, "mean": 3.5666}
    return {"survey_id": 7, "kind": "survey", "title": "加装电梯意见征集",
            "audience": "residents", "anonymous": False, "ballots": 30, "door_ballots": 3,
            "questions": [*questions, rating], "floors": [],
            "turnout": {"households": 80, "answered": 30, "residents": 34, "door": 3},
            "buildings": [{"building_id": b, "label": f"幸福小区 {b}号楼", "households": 40,
                           "answered": 15, "residents": 17, "door": 1}
                          for b in range(1, buildings + 1)]}


def params(data: dict) -> dict:
    return {"results": data, "timezone": "Asia/Shanghai",
            "closed_at": "2026-12-04T01:00:00+00:00",
            "group": {"households": 8, "answered": 5, "residents": 6, "door": 1}}


def glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_the_packaged_noto_font_is_the_one_used():
    path = cjk_font_path()
    assert path is not None
    assert Path(path).name == FONT_FILE
    assert Path(path).is_file()
    family = cjk_family()
    assert "CJK" in family
    found = font_manager.findfont(font_manager.FontProperties(family=family),
                                  fallback_to_default=False)
    assert Path(found).name == FONT_FILE


def test_without_the_package_a_system_font_or_a_warning(monkeypatch, caplog):
    cjk_font_path.cache_clear()
    with monkeypatch.context() as patched:
        patched.setattr(charts, "FONT_PACKAGE", "no_such_font_package")
        found = cjk_font_path()
        cjk_font_path.cache_clear()
    # No CJK font on a bare machine; one matplotlib knows (maybe this one, once registered).
    assert found is None or Path(found).is_file()
    assert [r.levelname for r in caplog.records if r.name == "bot.ui.charts"] == ["WARNING"]
    assert Path(cjk_font_path()).name == FONT_FILE


def test_chinese_labels_render_without_missing_glyphs():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = results_chart(results([question(1), question(2, 5)]), "zh_CN")
    assert glyph_warnings(caught) == []
    assert png.startswith(PNG)
    image = Image.open(io.BytesIO(png))
    image.load()
    width, height = image.size
    assert width > 300
    assert height > 300
    SAVED.write_bytes(png)  # for a look by eye


def test_the_glyph_check_would_catch_a_latin_only_font():
    with warnings.catch_warnings(record=True) as caught, rc_context(
            {"font.family": ["DejaVu Sans"]}):
        warnings.simplefilter("always")
        figure = Figure(figsize=(2, 1))
        figure.text(0.1, 0.5, "同意")
        figure.savefig(io.BytesIO(), format="png")
    assert glyph_warnings(caught)


def test_twenty_questions_keep_the_caption_short_and_the_image_readable():
    many = results([question(n, 10) for n in range(1, 20)], buildings=30)
    rendered = render(I18N, "survey_results", params(many), "en")
    assert len(rendered.text) <= 1024
    assert "more questions: see the chart" in rendered.text
    assert "Turnout: households answered 30/80 (37.5%); residents answered: 34" in rendered.text
    assert "This group: households answered 5/8 (62.5%); residents answered: 6" in rendered.text
    assert "(10% of those that answered)" in rendered.text
    width, height = Image.open(io.BytesIO(rendered.photo)).size
    assert max(width, height) <= 2560


def test_short_results_say_everything_in_the_caption():
    rendered = render(I18N, "survey_results", params(results([question(1)])), "en")
    assert "同意: 20 (66.7%)" in rendered.text
    assert "Mean 3.6 of 5 (1: 2 · 2: 3 · 3: 5 · 4: 15 · 5: 5)" in rendered.text
    assert ("幸福小区 2号楼: households answered 15/40 (37.5%); residents answered: 17"
            in rendered.text)
    again = render(I18N, "survey_results", params(results([question(1)])), "en")
    assert again.photo is rendered.photo, "one chart per survey and language, not per group"
    text_only = results([], buildings=1)  # nothing to draw: no choice, rating or buildings
    text_only["questions"] = [{"id": 1, "kind": "text", "text": "其他意见", "respondents": 4}]
    plain = render(I18N, "survey_results", params(text_only), "en")
    assert plain.photo is None
    assert "4 written answers" in plain.text


POST = {"survey_id": 5, "kind": "survey", "title": "加装电梯意见征集", "description": "请发表意见",
        "deadline": "2026-12-04T01:00:00+00:00", "timezone": "Asia/Shanghai", "questions": 4,
        "anonymous": True, "audience": "households", "live": True, "closed": False,
        "options": [], "counts": {}}


def buttons(rendered) -> list[tuple[str, str | None, str | None]]:
    return [(b.text, b.url, b.callback_data)
            for row in rendered.reply_markup.inline_keyboard for b in row]


def test_survey_post_links_to_the_private_chat():
    rendered = render(I18N, "survey_post", POST, "en", "zhongyi_bot")
    assert "Questions: 4" in rendered.text
    assert "Open until Dec 4, 2026, 09:00" in rendered.text
    assert "one answer per household" in rendered.text
    assert buttons(rendered) == [("📝 Answer 参与", "https://t.me/zhongyi_bot?start=s_5", None)]


def test_poll_shows_live_counts_then_the_final_result():
    poll = {**POST, "kind": "poll", "options": [[1, "同意"], [2, "不同意"]],
            "counts": {"1": 12, "2": 4}}
    live = render(I18N, "survey_post", poll, "en", "zhongyi_bot")
    assert "同意\n▓▓▓▓▓▓▓▓░░ 12 (75%)" in live.text
    assert buttons(live) == [("同意 · 12", None, "v1poll:5:1"), ("不同意 · 4", None, "v1poll:5:2")]
    hidden = render(I18N, "survey_post", {**poll, "live": False}, "en", "zhongyi_bot")
    assert "12" not in hidden.text
    assert [b[0] for b in buttons(hidden)] == ["同意", "不同意"]
    final = render(I18N, "survey_post", {**poll, "closed": True}, "en", "zhongyi_bot")
    assert "12 (75%)" in final.text
    assert "Closed" in final.text
    assert final.reply_markup is None


def test_reminder_missing_homes_and_door_note():
    base = {"survey_id": 5, "title": "加装电梯", "deadline": "2026-12-04T01:00:00+00:00",
            "timezone": "Asia/Shanghai"}
    reminder = render(I18N, "survey_reminder", base, "en", "zhongyi_bot")
    assert "not answered “加装电梯” yet" in reminder.text
    assert buttons(reminder)[0][1] == "https://t.me/zhongyi_bot?start=s_5"
    missing = render(I18N, "survey_missing", {**base, "floor": "幸福小区 1号楼 2",
                                              "rooms": ["201", "202"]}, "en")
    assert "(2): 201, 202" in missing.text
    door = render(I18N, "door_recorded", {"survey_id": 5, "title": "加装电梯",
                                          "household": "1号楼 2 201"}, "en", "zhongyi_bot")
    assert buttons(door) == [("✏️ Change my answers", "https://t.me/zhongyi_bot?start=s_5",
                              None)]


def test_many_written_answers_come_as_a_file():
    short = render(I18N, "survey_texts", {"title": "加装电梯",
                                          "texts": {"其他意见": ["楼道太暗"]}}, "en")
    assert "• 楼道太暗" in short.text
    assert short.document is None
    long = render(I18N, "survey_texts", {"title": "加装电梯", "texts": {
        "其他意见": ["很长的意见" * 50] * 40}}, "en")
    assert len(long.text) <= 1024
    assert "40 written answers" in long.text
    name, content = long.document
    assert name.endswith(".txt")
    assert content.decode().count("很长的意见" * 50) == 40
