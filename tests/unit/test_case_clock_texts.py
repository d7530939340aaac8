"""What the clock's pause and its top say: the card of a case waiting for its reporter's
answer shows the pause instead of deadlines, the reporter's reminder repeats the question
with its button, and a reminder at the top of the chain threatens no next level."""

from __future__ import annotations

from bot.ui.i18n import make_i18n
from bot.ui.render import render
from tests.unit.test_case_notices import NOTICE, buttons
from tests.unit.test_render import CARD

I18N = make_i18n("zh_CN")


def test_the_card_of_a_waiting_case_shows_the_pause():
    card = {**CARD, "status": "info", "acked": True, "overdue": False}
    en = render(I18N, "case_card", card, "en").text.splitlines()
    assert ("⏸ Waiting for the reporter's answer to a question. The deadline moves on by as "
            "long as that takes.") in en
    assert not any(line.startswith(("⏱", "⚠️")) for line in en)
    zh = render(I18N, "case_card", card, "zh_CN").text
    assert "⏸ 正在等待报事人回复问题，期限将相应顺延。" in zh


def test_the_reporters_reminder_repeats_the_question():
    params = {**NOTICE, "status": "info", "event": "info_asked", "note": "哪一层？",
              "reminder": True}
    en = render(I18N, "case_update", params, "en")
    assert en.text.startswith("⏰ Reminder: Property management is still waiting for your "
                              "answer. Until it comes, the case waits too.\n❓ A question")
    assert "“哪一层？”" in en.text
    assert [b.callback_data for b in buttons(en)] == ["v1my:answer:7:0"]
    zh = render(I18N, "case_update", params, "zh_CN").text
    assert zh.startswith("⏰ 提醒：物业仍在等待您的回复，回复之前此报事暂停处理。")


def test_a_reminder_at_the_top_of_the_chain_names_no_next_level():
    params = {"case_id": 7, "number": 27, "phase": "resolve", "urgent": False,
              "deadline": "2026-12-01T05:00:00+00:00", "timezone": "Asia/Shanghai",
              "description": "Lift stuck"}
    below = render(I18N, "case_reminder", params, "en").text
    assert "or it goes up to the next level" in below
    top = render(I18N, "case_reminder", {**params, "top": True}, "en").text
    assert top.splitlines()[0] == ("⏰ Reminder: case #27 must be resolved before "
                                   "Dec 1, 2026, 13:00.")
    zh = render(I18N, "case_reminder", {**params, "top": True}, "zh_CN").text
    assert "升级" not in zh


def test_the_top_is_told_once_its_window_ran_out():
    params = {"case_id": 7, "number": 27, "phase": "ack", "urgent": True, "overdue": True,
              "top": True, "deadline": "2026-12-01T05:00:00+00:00",
              "timezone": "Asia/Shanghai", "description": "Lift stuck"}
    en = render(I18N, "case_reminder", params, "en").text
    assert en.splitlines()[0] == ("🚨 URGENT ⚠️ Case #27 is past its deadline (Dec 1, 2026, "
                                  "13:00), and there is nobody above to pass it to. Please "
                                  "act on it now.")
    zh = render(I18N, "case_reminder", params, "zh_CN").text
    assert "已无上级可以移交" in zh
