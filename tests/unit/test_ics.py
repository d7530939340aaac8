"""The meeting's calendar file: RFC 5545 structure, CRLF line ends, lines folded at 75
octets without splitting a character, and text escaped — parsed back by a tiny reader —
and the announcement that carries it, with the meeting's place and how long it lasts."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ui import meeting_render  # noqa: F401  (registers the meeting renderers)
from bot.ui.i18n import make_i18n
from bot.ui.ics import calendar, escape, fold
from bot.ui.render import render

START = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
I18N = make_i18n("zh_CN")


def unfold(data: bytes) -> list[str]:
    """The content lines: a line starting with a space continues the one before."""
    text = data.decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


def fields(data: bytes) -> dict[str, str]:
    return dict(line.split(":", 1) for line in unfold(data))


def make(**changes: object) -> bytes:
    values: dict[str, object] = dict(
        uid="meeting-7@zhongyi", stamp=datetime(2026, 12, 2, 1, 0, tzinfo=UTC), start=START,
        end=START.replace(hour=13), summary="业主大会; 电梯, 加装",
        description="议程:\n1. 电梯\\维修\n2. " + "停车位问题讨论" * 12, location="3号楼 会议室")
    values.update(changes)
    return calendar(**values)


def test_structure_and_utc_times():
    data = make()
    lines = unfold(data)
    assert data.endswith(b"\r\n")
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-2:] == ["END:VEVENT", "END:VCALENDAR"]
    assert lines.index("BEGIN:VEVENT") < lines.index("END:VEVENT")
    found = fields(data)
    assert found["UID"] == "meeting-7@zhongyi"
    assert (found["DTSTAMP"], found["DTSTART"], found["DTEND"]) == (
        "20261202T010000Z", "20261203T110000Z", "20261203T130000Z")
    assert "PRODID" in found


def test_lines_fold_at_75_octets_without_splitting_characters():
    data = make()
    physical = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) <= 75
    assert any(line.startswith(b" ") for line in physical), "the long description folds"
    for line in physical:
        line.decode("utf-8")  # every physical line is whole UTF-8
    assert fold("x" * 75) == "x" * 75
    assert fold("x" * 76) == "x" * 75 + "\r\n x"


def test_text_is_escaped_and_reads_back():
    found = fields(make())
    assert found["SUMMARY"] == "业主大会\\; 电梯\\, 加装"
    assert unescape(found["SUMMARY"]) == "业主大会; 电梯, 加装"
    assert unescape(found["DESCRIPTION"]).startswith("议程:\n1. 电梯\\维修\n2. 停车位")
    assert unescape(found["LOCATION"]) == "3号楼 会议室"
    assert escape("a\r\nb") == "a\\nb"


def test_the_announcement_carries_the_calendar_file():
    params = {"meeting_id": 7, "topic": "Lift", "place": None, "timezone": "Asia/Shanghai",
              "agenda": [["#3 Broken lift", "case"], ["Parking", "text"]],
              "starts_at": START.isoformat(), "announced_at": "2026-12-02T01:00:00+00:00",
              "sequence": 5, "changed": False}
    rendered = render(I18N, "meeting_scheduled", params, "en")
    assert "Dec 3, 2026, 19:00" in rendered.text
    name, content = rendered.document
    found = fields(content)
    assert name == "meeting.ics"
    assert (found["SUMMARY"], found["SEQUENCE"], found["DTSTART"]) == ("Lift", "5",
                                                                        "20261203T110000Z")
    assert found["DTEND"] == "20261203T130000Z", "a post queued without a duration: 2 hours"
    assert "#3 Broken lift" in unescape(found["DESCRIPTION"])
    assert "LOCATION" not in found
    assert "📍" not in rendered.text


def test_the_announcement_and_its_file_give_the_place_and_the_duration():
    params = {"meeting_id": 7, "topic": "Lift", "place": "3号楼一楼活动室; 东侧",
              "duration_minutes": 90, "timezone": "Asia/Shanghai", "agenda": [],
              "starts_at": START.isoformat(), "announced_at": "2026-12-02T01:00:00+00:00",
              "sequence": 1, "changed": False}
    rendered = render(I18N, "meeting_scheduled", params, "en")
    assert rendered.text.split("\n")[1:3] == ["📍 Place: 3号楼一楼活动室; 东侧",
                                              "⏱ Duration: 1.5 hours"]
    found = fields(rendered.document[1])
    assert (found["DTSTART"], found["DTEND"]) == ("20261203T110000Z", "20261203T123000Z")
    assert unescape(found["LOCATION"]) == "3号楼一楼活动室; 东侧"
    assert "1.5小时" in render(I18N, "meeting_scheduled", params, "zh_CN").text
    hour = fields(render(I18N, "meeting_scheduled", {**params, "duration_minutes": 60},
                         "en").document[1])
    assert hour["DTEND"] == "20261203T120000Z"
