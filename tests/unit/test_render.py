"""Outbox renderers: the same row reads right in each reader's language, with numbers and
dates formatted for that locale, and buttons whose data fits Telegram's 64 bytes."""

from __future__ import annotations

import pytest

from bot.ui.i18n import make_i18n
from bot.ui.render import RENDERERS, UnknownKind, render

I18N = make_i18n("zh_CN")
DIGEST = {"community": "幸福里", "day": "2026-12-02T00:00:00+00:00",
          "timezone": "Asia/Shanghai", "groups_active": 12345, "groups_inactive": 1,
          "pending_joins": 3}


def test_daily_digest_in_both_languages():
    zh = render(I18N, "daily_digest", DIGEST, "zh_CN").text
    en = render(I18N, "daily_digest", DIGEST, "en").text
    assert "2026年12月2日" in zh
    assert "12,345" in zh
    assert "December 2, 2026" in en
    assert "Join requests waiting for a decision: 3" in en
    assert zh != en


def test_join_request_has_review_buttons_that_fit():
    rendered = render(I18N, "join_request", {"resident_id": 123456789, "name": "李阿姨",
                                             "username": "li", "household": "1号楼 3 301",
                                             "relation": "owner"}, "en")
    assert "李阿姨 (@li)" in rendered.text
    assert "as owner" in rendered.text
    data = [b.callback_data for row in rendered.reply_markup.inline_keyboard for b in row]
    assert data == ["v1rev:approve:123456789", "v1rev:reject:123456789"]
    assert all(len(d.encode()) <= 64 for d in data)


@pytest.mark.parametrize("approved", [True, False])
def test_join_decision(approved: bool):
    text = render(I18N, "join_decided", {"household": "1号楼 3 301", "approved": approved},
                  "en").text
    assert ("verified resident" in text) is approved
    assert ("/report" in text) is approved


def test_unknown_kind_is_reported():
    with pytest.raises(UnknownKind):
        render(I18N, "no_such_kind", {}, "en")
    assert {"daily_digest", "join_request", "join_decided"} <= set(RENDERERS)


def test_turnout_by_building_and_floor():
    floor = {"households": 4, "answered": 3, "residents": 5, "door": 1}
    text = render(I18N, "survey_turnout", {
        "title": "加装电梯", "buildings": [{"building_id": 7, "label": "1号楼", **floor}],
        "floors": [{"building_id": 7, "label": "1号楼 3", **floor}]}, "zh_CN").text
    assert "“加装电梯”各楼栋、楼层参与情况" in text
    assert "1号楼 3：已参与户数 3/4（75%）；参与居民 5 人" in text


CARD = {"case_id": 7, "number": 27, "timezone": "Asia/Shanghai",
        "category": ["repairs", None], "body": ["property", None],
        "level_body": ["owners_committee", None], "level": 2, "status": "new",
        "description": "Lift stuck on floor 3", "place": "elevator",
        "place_label": "Maple Garden Block A", "location": None, "urgent": False,
        "supporters": 3, "reporter": "Ann", "created_at": "2026-12-01T01:00:00+00:00",
        "ack_due": "2026-12-01T05:00:00+00:00", "resolve_due": "2026-12-04T01:00:00+00:00",
        "acked": False, "rating": None, "photos": ["PHOTO"], "escalated": True,
        "overdue": True, "next_escalation": "2026-12-01T09:00:00+00:00",
        "next_body": ["residents_committee", None],
        "timeline": [["2026-12-01T01:00:00+00:00", "submitted", "Ann", None, {}],
                     ["2026-12-01T05:00:00+00:00", "escalated", None, None,
                      {"from_level": 1, "to_level": 2}]], "timeline_hidden": 0}


def test_case_card_for_the_body_it_was_escalated_to():
    rendered = render(I18N, "case_card", CARD, "en", "zhongyi_bot")
    lines = rendered.text.splitlines()
    assert lines[0] == "⏫ Escalated to you: Property management has not acted in time."
    assert "Escalated to: Owners' committee" in lines
    assert any(line.startswith("⚠️ Accept deadline passed: Dec 1, 2026, 13:00")
               for line in lines)
    assert any(line.startswith("⏫ If nobody acts, it goes to Residents' committee at "
                               "Dec 1, 2026, 17:00") for line in lines)
    assert "⬆️ Priority raised: several neighbours are affected." in lines
    assert lines[-1] == "• Dec 1 13:00 escalated (overdue)"
    assert rendered.photo_ids == ("PHOTO",)
    buttons = [b for row in rendered.reply_markup.inline_keyboard for b in row]
    assert buttons[0].callback_data == "v1case:accept:7:0"
    assert buttons[-1].url == "https://t.me/zhongyi_bot?start=cx_7"
    zh = render(I18N, "case_card", CARD, "zh_CN").text
    assert "⏫ 如无人处理，将于 2026年12月1日 17:00 转至居委会" in zh
    # A card queued before these lines existed still renders its deadlines.
    old = {k: v for k, v in CARD.items() if k not in ("overdue", "next_escalation",
                                                     "next_body")}
    lines = render(I18N, "case_card", old, "en").text.splitlines()
    assert any(line.startswith("⏱ Accept by Dec 1, 2026, 13:00") for line in lines)
    closed = render(I18N, "case_card", {**CARD, "status": "closed", "rating": 4}, "zh_CN")
    assert closed.reply_markup is None


@pytest.mark.parametrize(("role", "scope", "commands"), [
    ("floor_contact", "1号楼 3", ["/roster", "/pending"]),
    ("building_lead", "1号楼", ["/survey", "/meeting"]),
    ("property", None, ["property management"]),
    ("owners_committee", None, ["/survey", "/motion"]),
    ("residents_committee", None, ["/survey", "/motion"]),
    ("admin", None, ["/units", "/roles", "/bind"]),
])
def test_a_new_role_holder_is_told_the_role_the_place_and_the_commands(role, scope, commands):
    params = {"role": role, "scope": scope, "community": "幸福里"}
    text = render(I18N, "role_granted", params, "en").text
    first = text.splitlines()[0]
    assert first.startswith("🎖 幸福里: you are now ")
    assert first.endswith(f" for {scope or 'the whole community'}.")
    assert all(command in text for command in commands)
    assert render(I18N, "role_granted", params, "zh_CN").text.startswith("🎖 幸福里")


def closed_line(closed_at: str, deadline: str | None) -> str:
    from bot.ui.survey_render import closed_line as line

    params = {"timezone": "Asia/Shanghai", "closed_at": closed_at}
    if deadline:
        params["deadline"] = deadline
    with I18N.context(), I18N.use_locale("en"):
        return line(params, "en")


def test_results_show_the_announced_deadline_and_a_late_count_only_when_notable():
    deadline = "2026-12-01T10:00:00+00:00"  # 18:00 in Shanghai
    assert closed_line("2026-12-01T10:00:20+00:00", deadline) == (
        "Closed at the deadline, Dec 1, 2026, 18:00.")
    assert closed_line("2026-12-02T00:00:00+00:00", deadline) == (
        "Closed at the deadline, Dec 1, 2026, 18:00; counted at Dec 2, 2026, 08:00.")
    assert closed_line("2026-12-01T02:30:00+00:00", deadline) == (
        "Closed early, at Dec 1, 2026, 10:30.")
    # A row queued before the deadline was part of it.
    assert closed_line("2026-12-01T10:00:20+00:00", None) == (
        "Closed at the deadline, Dec 1, 2026, 18:00.")


def test_a_shared_location_shows_one_pin():
    card = {**CARD, "place": "location", "place_label": "", "location": [31.2304, 121.4737]}
    en = render(I18N, "case_card", card, "en").text.splitlines()
    assert "📍 Where: Shared location (31.23040, 121.47370)" in en
    zh = render(I18N, "case_card", card, "zh_CN").text
    assert zh.count("📍") == 1
