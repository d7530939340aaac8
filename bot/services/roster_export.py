"""Roster files going out: the import template and the export of a community's roster.

Headers are the documented column names, in Chinese for a Chinese reader (the importer
accepts both). An export can be imported again unchanged: its residents column is ignored,
and its floor_id column lets an edited copy rename buildings and floors. The template has
no floor_id column: only the roster knows the ids. An export holds no personal data, only
how many verified residents each household has.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.domain.roles import MANAGERS
from bot.domain.roster import CHINESE, COLUMNS, row_order
from bot.domain.roster_files import write_csv, write_xlsx
from bot.services.errors import InvalidInput
from bot.services.permissions import require_role
from storage import UnitOfWork, roster_export_repo

RESIDENTS_COLUMN = ("verified_residents", "已认证居民")
TEMPLATE_COLUMNS = tuple(c for c in COLUMNS if c != "floor_id")
EXAMPLES = {
    False: (("Sunny Garden", "Building 1", "Entrance 1", "3", "301", "89.5", "OWNER-0001"),
            ("Sunny Garden", "Building 2", "", "12", "1202", "120", "OWNER-0001")),
    True: (("幸福小区", "1号楼", "1单元", "3", "301", "89.5", "A0001"),
           ("幸福小区", "2号楼", "", "12", "1202", "120", "A0001")),
}


def header(chinese: bool, columns: Sequence[str], *extra: tuple[str, str]) -> list[str]:
    names = [(c, CHINESE[c]) for c in columns] + list(extra)
    return [zh if chinese else en for en, zh in names]


def with_numbers(rows: Sequence[Sequence[str]], area: int = 5) -> list[list[object]]:
    """Rows for a spreadsheet: the area cell as a number so Excel can sum it."""
    return [[*row[:area], float(Decimal(row[area])) if row[area] else None, *row[area + 1:]]
            for row in rows]


def template_csv(chinese: bool = False) -> bytes:
    """A CSV template: the documented columns and two example rows (the second without
    an entrance, sharing the first's owner key)."""
    return write_csv(header(chinese, TEMPLATE_COLUMNS), EXAMPLES[chinese])


def template_xlsx(chinese: bool = False) -> bytes:
    return write_xlsx(header(chinese, TEMPLATE_COLUMNS), with_numbers(EXAMPLES[chinese]))


async def export_roster(uow: UnitOfWork, user_id: int, community_id: int, fmt: str,
                        chinese: bool = False) -> tuple[str, bytes]:
    """The community's roster as (file name, bytes), for its admins and committee."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("unsupported_file", filename=fmt)
    async with uow(readonly=True):
        await require_role(uow.session, user_id, community_id, None, MANAGERS)
        found = await roster_export_repo.export_rows(uow.session, community_id)
        day = uow.now().strftime("%Y%m%d")
    found.sort(key=lambda r: row_order(r.cells))
    rows = [[*r.cells, r.verified_residents] for r in found]
    names = header(chinese, COLUMNS, RESIDENTS_COLUMN)
    data = write_csv(names, rows) if fmt == "csv" else write_xlsx(names, with_numbers(rows))
    return f"roster-{community_id}-{day}.{fmt}", data
