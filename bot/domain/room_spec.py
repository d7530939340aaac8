"""Parsing what an admin types when building the roster by hand."""

from __future__ import annotations

import re

MAX_ROOMS = 60
MAX_FLOORS = 99
_RANGE = re.compile(r"^([A-Za-z]*)(\d+)\s*[-–~～至]\s*\1?(\d+)$")


class SpecError(ValueError):
    """The text cannot be read; `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_rooms(text: str) -> list[str]:
    """Reads "301-304", "301, 302 305" or "A1-A3" into room numbers, in order, once each."""
    rooms: list[str] = []
    for part in re.split(r"[,，、;；\s]+", text.strip()):
        if not part:
            continue
        found = _RANGE.match(part)
        if found:
            prefix, start, end = found.group(1), int(found.group(2)), int(found.group(3))
            if end < start or end - start >= MAX_ROOMS:
                raise SpecError("bad_range")
            width = len(found.group(2))
            rooms += [f"{prefix}{n:0{width}d}" for n in range(start, end + 1)]
        elif re.fullmatch(r"[\w-]{1,16}", part):
            rooms.append(part)
        else:
            raise SpecError("bad_room")
    unique = list(dict.fromkeys(rooms))
    if not unique:
        raise SpecError("no_rooms")
    if len(unique) > MAX_ROOMS:
        raise SpecError("too_many_rooms")
    return unique


def parse_floor_count(text: str) -> int:
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_FLOORS:
        raise SpecError("bad_floor_count")
    return int(text)


def parse_area(text: str) -> float:
    """Reads a floor area in m² such as "89.5" or "89,5 m²"."""
    cleaned = text.strip().lower().replace(",", ".").removesuffix("m²").removesuffix("m2")
    cleaned = cleaned.removesuffix("平方米").removesuffix("平米").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise SpecError("bad_area") from None
    if not 0 < value < 10_000:
        raise SpecError("bad_area")
    return round(value, 2)


_AREA = re.compile(r"^\d+(?:[.,]\d+)?\s*(?:m²|m2|㎡|平米|平方米)$|^\d+[.,]\d+$", re.IGNORECASE)


def split_area(text: str) -> tuple[str, float | None]:
    """Splits "301-304 89.5m²" into the rooms and the area. An area is recognized by its
    unit or its decimal point, so "301 302" stays two rooms."""
    head, _sep, tail = text.strip().rpartition(" ")
    if head and _AREA.match(tail.strip()):
        return head, parse_area(tail)
    return text, None
