"""Roster files as bytes: CSV and XLSX read into rows of text, and written from them.

Reading stops after the header and MAX_ROWS + 1 non-blank rows: enough to report "too
many rows" without holding a huge file in memory.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from types import ModuleType

from bot.domain.roster import MAX_ROWS, RosterFileError


def openpyxl() -> ModuleType:
    """openpyxl, imported on first use: it costs every process ~20 MB otherwise."""
    import openpyxl as module

    return module


def invalid_file_error() -> type[Exception]:
    from openpyxl.utils.exceptions import InvalidFileException

    return InvalidFileException

Rows = list[list[str]]


def _take(rows: Iterable[list[str]]) -> Rows:
    taken: Rows = []
    filled = 0
    for cells in rows:
        taken.append(cells)
        filled += any(c.strip() for c in cells)
        if filled > MAX_ROWS + 1:
            break
    return taken


def _decode(data: bytes) -> str:
    # Excel and WPS on Chinese Windows save "CSV" in GB18030 (GBK), elsewhere UTF-8, often
    # with a BOM; GB18030 is a superset of GBK and GB2312.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RosterFileError("unreadable_file") from None


def parse_csv(data: bytes) -> Rows:
    """Rows of a CSV file: comma-separated, or tab/semicolon when the header uses those."""
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first:
        delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
    try:
        return _take(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise RosterFileError("unreadable_file") from None


def _text(value: object) -> str:
    """A cell as the admin typed it: 12.0 (Excel stores numbers as floats) becomes "12"."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def parse_xlsx(data: bytes) -> Rows:
    """Rows of the first sheet of an XLSX workbook (values, not formulas)."""
    try:
        book = openpyxl().load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, invalid_file_error(), KeyError, OSError, ValueError):
        raise RosterFileError("unreadable_file") from None
    try:
        sheet = book.worksheets[0]
        return _take([_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise RosterFileError("unreadable_file") from None
    finally:
        book.close()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file in UTF-8 with a BOM, so Excel on Chinese Windows shows the characters."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]],
               title: str = "roster") -> bytes:
    """An XLSX workbook with one sheet; numbers stay numbers so Excel can sum them."""
    book = openpyxl().Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
