"""Renderers of decisions: the progress post with its bar and photo, the closing post that
refers back to the case or survey, the reporter's note, the reminders, and button data
that fits Telegram's 64 bytes."""

from __future__ import annotations

from bot.ui import decision_render  # noqa: F401  (registers the renderers)
from bot.ui.decision_callbacks import DecisionCB
from bot.ui.i18n import make_i18n
from bot.ui.render import render

I18N = make_i18n("zh_CN")
BASE = {"decision_id": 7, "title": "Replace the lift", "status": "open", "progress": 40,
        "body": ["property", None], "due_at": "2026-12-31T02:00:00+00:00",
        "timezone": "Asia/Shanghai",
        "origin": {"question": "Replace the lift of building 2?", "cases": [12],
                   "surveys": ["Lift survey"], "meeting": None}}


def test_progress_shows_the_bar_the_note_and_the_photo():
    rendered = render(I18N, "decision_progress", {**BASE, "note": "Ordered", "photo": "F1"},
                      "en")
    assert "▓▓▓▓░░░░░░ 40%" in rendered.text
    assert "“Ordered”" in rendered.text
    assert "Property management · due December 31, 2026" in rendered.text
    assert "From report #12" in rendered.text
    assert "“Lift survey”" in rendered.text
    assert rendered.photo_ids == ("F1",)
    same = {**BASE, "origin": {**BASE["origin"], "question": "Replace the lift"}}
    assert "Voted on" not in render(I18N, "decision_progress", {**same, "note": "x"}, "en").text
    assert render(I18N, "decision_progress", {**BASE, "note": "x", "photo": None},
                  "en").photo_ids == ()


def test_done_refers_back_and_the_reporter_hears_of_their_case():
    done = {**BASE, "status": "done", "progress": 100, "note": "Runs since Monday",
            "done_at": "2027-01-05T02:00:00+00:00", "late": True}
    group = render(I18N, "decision_done", done, "en").text
    assert group.startswith("✅ Decision carried out: Replace the lift")
    assert "It was due on December 31, 2026" in group
    assert "Voted on: “Replace the lift of building 2?”" in group
    assert "#12" in group
    private = render(I18N, "decision_done", {**done, "reporter_cases": [12]}, "en").text
    assert private.startswith("✅ Your report #12 led to a decision")


def test_reminders_say_why_and_link_to_the_private_chat():
    params = {**BASE, "reasons": ["quiet", "overdue"], "quiet_days": 7,
              "last_update_at": "2026-12-01T02:00:00+00:00"}
    rendered = render(I18N, "decision_reminder", params, "en", bot_username="zhongyi_bot")
    assert "was due on December 31, 2026" in rendered.text
    assert "since December 1, 2026" in rendered.text
    [[button]] = rendered.reply_markup.inline_keyboard
    assert button.url == "https://t.me/zhongyi_bot?start=dp_7"
    quiet = render(I18N, "decision_reminder", {**params, "reasons": ["quiet"]}, "en").text
    assert "was due" not in quiet


def test_button_data_fits():
    longest = DecisionCB(action="progress", decision=10**12 - 1, value=100).pack()
    assert longest.startswith("v1dec:")
    assert len(longest.encode()) <= 64
