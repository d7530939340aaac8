"""The roster file's rules: its columns, each row checked into a household, and the counts
an admin sees before confirming. Pure: rows of text in, rows and errors out.

A file's rows are numbered as a spreadsheet shows them (the header is row 1), so an admin
can find a reported row; blank rows count but are skipped. An export's `floor_id` column
names the registered floor a row is on, so a re-import can tell a renamed building or
floor from a new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

COLUMNS = ("compound", "building", "entrance", "floor", "room", "area", "owner_key",
           "floor_id")
OPTIONAL = frozenset({"entrance", "owner_key", "floor_id"})
REQUIRED = tuple(c for c in COLUMNS if c not in OPTIONAL)
CHINESE = {"compound": "小区", "building": "楼栋", "entrance": "单元", "floor": "楼层",
           "room": "房号", "area": "面积", "owner_key": "业主编号", "floor_id": "楼层ID"}
# The widths of the columns these values land in (units.name, households.room/owner_key).
LENGTHS = {"compound": 64, "building": 64, "entrance": 64, "floor": 64, "room": 32,
           "owner_key": 64}
MAX_ROWS = 20_000
MAX_AREA = Decimal(100_000)
CENT = Decimal("0.01")
UNNUMBERED = 10_000  # sorts names without a number after the numbered ones

_AREA_UNITS = re.compile(r"\s*(m²|m2|㎡|平方米|平米)\s*$", re.IGNORECASE)
_FLOOR = re.compile(r"^(?P<below>b|-|负|地下)?\s*(?P<n>\d+)\s*(f|/f|层|楼)?$", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_ID = re.compile(r"[0-9]{1,18}")


class RosterFileError(ValueError):
    """The file as a whole cannot be read: `code` says why, `details` carry names."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class RosterRow:
    """One household as the file describes it; `entrance`, `owner_key` and `floor_id` may
    be "". `number` is the row's number in the file (0 once saved in a draft)."""

    compound: str
    building: str
    entrance: str
    floor: str
    room: str
    area: Decimal
    owner_key: str = ""
    floor_id: str = ""
    number: int = field(default=0, compare=False)

    @property
    def floor_key(self) -> tuple[str, str, str, str]:
        return (self.compound, self.building, self.entrance, self.floor)

    def to_cells(self) -> list[str]:
        """The row as text in COLUMNS order (for drafts and files)."""
        return [self.compound, self.building, self.entrance, self.floor, self.room,
                str(self.area), self.owner_key, self.floor_id]

    @classmethod
    def from_cells(cls, cells: Sequence[str]) -> RosterRow:
        # Drafts saved before the floor_id column have seven cells.
        compound, building, entrance, floor, room, area, *keys = cells
        return cls(compound, building, entrance, floor, room, Decimal(area), *keys)


@dataclass(frozen=True)
class RowError:
    """A bad row: its number in the file, why (`code`), and the offending value."""

    row_number: int
    code: str
    column: str = ""
    value: str = ""
    other_row: int = 0  # for duplicate_room: where the room first appeared


@dataclass(frozen=True)
class RosterSummary:
    compounds: int
    buildings: int
    entrances: int
    floors: int
    households: int
    area: Decimal


def column_of(header: str) -> str | None:
    """Which column a header names: English or Chinese, ignoring case, spaces and _/-."""
    name = re.sub(r"[\s_\-]+", "", header).lower()
    for column in COLUMNS:
        if name in (column.replace("_", ""), CHINESE[column].lower()):
            return column
    return None


def clean(value: object) -> str:
    """Trims and collapses whitespace, full-width spaces included."""
    return " ".join(str(value).split()) if value is not None else ""


def parse_area(text: str) -> Decimal | None:
    """An area in m² ("89.5", "89.5㎡", "89.5 平方米"), or None when it is not one."""
    try:
        area = Decimal(_AREA_UNITS.sub("", text))
    except InvalidOperation:
        return None
    if not area.is_finite() or not 0 < area < MAX_AREA:
        return None
    return area.quantize(CENT, rounding=ROUND_HALF_UP)


def floor_order(name: str) -> int:
    """Numbered floors in numeric order ("3" < "12"), basements ("B1", "-1", "地下1")
    below them, and named floors ("roof") after them."""
    found = _FLOOR.match(name)
    if found is None:
        return UNNUMBERED
    number = min(int(found["n"]), UNNUMBERED - 1)
    return -number if found["below"] else number


def natural_order(name: str) -> int:
    """The first number in a name ("12号楼" → 12), so buildings and rooms sort naturally."""
    found = _NUMBER.search(name)
    return min(int(found.group()), UNNUMBERED - 1) if found else UNNUMBERED


def sort_key(kind: str, name: str) -> int:
    return floor_order(name) if kind == "floor" else natural_order(name)


def row_order(cells: Sequence[str]) -> tuple[object, ...]:
    """Orders rows (in COLUMNS order) by compound, building, entrance, floor and room."""
    compound, building, entrance, floor, room = cells[:5]
    return (natural_order(compound), compound, natural_order(building), building,
            natural_order(entrance), entrance, floor_order(floor), floor,
            natural_order(room), room)


def _header(rows: Sequence[Sequence[str]]) -> tuple[int, dict[str, int]]:
    """Finds the header (the first non-blank row) and where each column is."""
    index = next((i for i, cells in enumerate(rows) if any(clean(c) for c in cells)), None)
    if index is None:
        raise RosterFileError("empty_file")
    positions: dict[str, int] = {}
    repeated: list[str] = []
    for position, header in enumerate(rows[index]):
        column = column_of(clean(header))
        if column in positions:
            repeated.append(column)
        elif column is not None:
            positions[column] = position
    if repeated:
        raise RosterFileError("duplicate_columns", columns=tuple(repeated))
    missing = tuple(c for c in REQUIRED if c not in positions)
    if missing:
        raise RosterFileError("missing_columns", columns=missing)
    return index, positions


def _check(number: int, values: dict[str, str]) -> tuple[RosterRow | None, list[RowError]]:
    errors = [RowError(number, "missing_value", column)
              for column in REQUIRED if not values[column]]
    errors += [RowError(number, "too_long", column, values[column][:40])
               for column, limit in LENGTHS.items() if len(values[column]) > limit]
    area = parse_area(values["area"]) if values["area"] else None
    if values["area"] and area is None:
        errors.append(RowError(number, "bad_area", "area", values["area"][:40]))
    if values["floor_id"] and not _ID.fullmatch(values["floor_id"]):
        errors.append(RowError(number, "unknown_floor_id", "floor_id", values["floor_id"][:40]))
    if errors or area is None:
        return None, errors
    return RosterRow(values["compound"], values["building"], values["entrance"],
                     values["floor"], values["room"], area, values["owner_key"],
                     values["floor_id"], number), []


def validate(rows: Sequence[Sequence[str]]) -> tuple[list[RosterRow], list[RowError]]:
    """Checks every row; returns the good rows and every problem with its row number.
    Raises RosterFileError when the header is missing columns or the file has no rows."""
    start, positions = _header(rows)
    good: list[RosterRow] = []
    errors: list[RowError] = []
    first_seen: dict[tuple[str, ...], int] = {}
    count = 0
    for number, cells in enumerate(rows[start + 1:], start=start + 2):
        if not any(clean(c) for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            errors.append(RowError(number, "too_many_rows", value=str(MAX_ROWS)))
            break
        values = {c: clean(cells[positions[c]]) if c in positions and positions[c] < len(cells)
                  else "" for c in COLUMNS}
        row, problems = _check(number, values)
        errors += problems
        if row is None:
            continue
        key = (*row.floor_key, row.room)
        if key in first_seen:
            errors.append(RowError(number, "duplicate_room", "room", row.room, first_seen[key]))
            continue
        first_seen[key] = number
        good.append(row)
    if not good and not errors:
        raise RosterFileError("no_rows")
    return good, errors


def summarize(rows: Sequence[RosterRow]) -> RosterSummary:
    """The counts shown in the preview."""
    return RosterSummary(
        compounds=len({r.compound for r in rows}),
        buildings=len({(r.compound, r.building) for r in rows}),
        entrances=len({(r.compound, r.building, r.entrance) for r in rows if r.entrance}),
        floors=len({r.floor_key for r in rows}),
        households=len(rows),
        area=sum((r.area for r in rows), Decimal(0)),
    )
