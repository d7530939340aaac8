"""The notices about a case and the buttons of its cards: an appeal button under a
rejection (the reporter's only, and only when someone is above), every photo of a
resolution, English that reads right with a plural body name, a relayed answer without a
stale card, and no Accept on a case already answered."""

from __future__ import annotations

from bot.ui.i18n import make_i18n
from bot.ui.render import render
from tests.unit.test_render import CARD

I18N = make_i18n("zh_CN")
NOTICE = {"case_id": 7, "number": 27, "timezone": "Asia/Shanghai",
          "category": ["repairs", None], "body": ["property", None],
          "level_body": ["property", None], "status": "rejected", "description": "Lift stuck",
          "by": ["property", None], "note": "Not ours", "photos": []}


def buttons(rendered) -> list:
    markup = rendered.reply_markup
    return [b for row in markup.inline_keyboard for b in row] if markup else []


def test_a_rejection_offers_the_reporter_an_appeal_to_the_next_body():
    params = {**NOTICE, "event": "rejected", "appeal_to": ["owners_committee", None]}
    rendered = render(I18N, "case_update", params, "en")
    assert rendered.text == ("🚫 Report #27 was rejected by Property management. Reason: "
                             "“Not ours”\nIf you disagree, Owners' committee can review it: "
                             "press the button below.")
    [appeal] = buttons(rendered)
    assert (appeal.text, appeal.callback_data) == ("🙋 Ask Owners' committee to review it",
                                                   "v1my:appeal:7:0")
    # A neighbour who said “me too” hears of it, without the reporter's button.
    supporter = render(I18N, "case_update", {**params, "supporter": True}, "en")
    assert "If you disagree" not in supporter.text
    assert supporter.reply_markup is None
    # At the top of the chain, or after an appeal: no button, and the reporter is told why.
    final = render(I18N, "case_update", {**params, "appeal_to": None}, "en")
    assert final.reply_markup is None
    assert final.text.endswith("\nThis decision is final: there is nobody above Property "
                               "management to review it.")
    reviewed = render(I18N, "case_update", {**params, "appeal_to": None, "reviewed": True,
                                            "by": ["owners_committee", None]}, "en")
    assert reviewed.reply_markup is None
    assert reviewed.text.endswith("\nThis decision is final: Owners' committee reviewed the "
                                  "case on your appeal.")
    assert "final" not in render(I18N, "case_update", {**params, "appeal_to": None,
                                                       "supporter": True}, "en").text


def test_notices_read_right_with_a_plural_body():
    params = {**NOTICE, "status": "accepted", "by": ["admins", None]}
    accepted = render(I18N, "case_update", {**params, "event": "accepted"}, "en").text
    assert accepted == ("🛠 Your report #27 was accepted by Community admins. Work on it has "
                        "started.")
    asked = render(I18N, "case_update", {**params, "event": "info_asked", "note": "Which "
                                         "floor?"}, "en").text
    assert asked.startswith("❓ A question from Community admins about your report #27:")
    resolved = render(I18N, "case_resolved", {**params, "note": "Fixed"}, "en").text
    assert resolved.startswith("✅ Your report #27 was marked as resolved by Community "
                               "admins: “Fixed”")


def test_a_resolution_sends_every_photo_of_the_result():
    params = {**NOTICE, "status": "resolved", "note": "Fixed", "photos": ["F1", "F2"]}
    resolved = render(I18N, "case_resolved", params, "en")
    assert resolved.photo_ids == ("F1", "F2")
    stars, [reopen] = resolved.reply_markup.inline_keyboard
    assert [b.text for b in stars] == ["1⭐", "2⭐", "3⭐", "4⭐", "5⭐"], "one row, one style"
    assert reopen.text == "🔁 Not fixed — reopen"
    # A notice queued before several photos were kept still sends its one.
    old = {k: v for k, v in params.items() if k != "photos"} | {"photo": "F0"}
    assert render(I18N, "case_resolved", old, "en").photo_ids == ("F0",)


def test_the_relayed_answer_is_a_plain_notice():
    rendered = render(I18N, "case_info_given", {**CARD, "answer": "Third floor"}, "en")
    assert rendered.reply_markup is None
    assert rendered.text == ("💬 The reporter of case #27 answered: “Third floor”\n"
                             "Case #27 · 🔧 Repairs")


def test_accept_is_offered_only_until_the_case_is_answered():
    new = render(I18N, "case_card", {**CARD, "status": "new", "acked": False}, "en")
    assert buttons(new)[0].text == "✅ Accept"
    asked = render(I18N, "case_card", {**CARD, "status": "info", "acked": True}, "en")
    assert "✅ Accept" not in [b.text for b in buttons(asked)]
    assert [b.text for b in buttons(asked)][0] == "❓ Ask for information"


def test_an_appealed_case_says_so_to_the_body_reviewing_it():
    card = {**CARD, "escalated": False, "appealed": ["property", None]}
    lines = render(I18N, "case_card", card, "en").text.splitlines()
    assert lines[0] == ("🙋 Appeal: Property management rejected this case; the reporter "
                        "asks you to review it.")
