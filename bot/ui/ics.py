"""An iCalendar file (RFC 5545) with one event, for a meeting's announcement: phones and
desktop calendars add it with one tap.

Times are written in UTC (`…Z`), so no VTIMEZONE is needed; text values are escaped
(backslash, `;`, `,`, newlines) and lines are folded at 75 octets without splitting a
UTF-8 character; lines end with CRLF.
"""

from __future__ import annotations

from datetime import UTC, datetime

FOLD_AT = 75  # octets per line, CRLF not counted
PRODID = "-//Zhongyi//Meetings//EN"


def escape(text: str) -> str:
    """A TEXT value: backslash first, then `;` and `,`, and every newline as `\\n`."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Splits a content line into lines of at most 75 octets; each continuation starts
    with one space (which counts towards its 75)."""
    parts: list[str] = []
    current, size, limit = [], 0, FOLD_AT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [" "], 1, FOLD_AT
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n".join(parts)


def calendar(*, uid: str, stamp: datetime, start: datetime, end: datetime, summary: str,
             description: str = "", location: str | None = None,
             sequence: int = 0) -> bytes:
    """The .ics file of one event, as UTF-8 bytes."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{utc(stamp)}",
             f"DTSTART:{utc(start)}", f"DTEND:{utc(end)}", f"SEQUENCE:{sequence}",
             f"SUMMARY:{escape(summary)}"]
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
