"""Texts and keyboards of the roster import and export, in the reader's locale: the bad
rows of a file, the preview with its Confirm / Cancel buttons, the result, and the
community picker."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.domain.roster import LENGTHS, MAX_AREA, RowError
from bot.services.communities import CommunityInfo
from bot.services.roster_import import ImportPreview, ImportResult
from bot.ui.fmt import number
from bot.ui.roster_callbacks import ImportCB, RosterPickCB

MAX_ERROR_LINES = 30
MAX_LISTED = 10  # renames and building names shown in a preview
# Telegram allows 4096 characters; leave room for the header and the "and N more" line.
ERROR_BUDGET = 3500


def column_label(column: str) -> str:
    labels = {"compound": _("compound"), "building": _("building"),
              "entrance": _("entrance"), "floor": _("floor"), "room": _("room"),
              "area": _("area"), "owner_key": _("owner key")}
    return labels.get(column, column)


def row_error(error: RowError, locale: str) -> str:
    """One bad row, saying where and why."""
    row = number(error.row_number, locale)
    if error.code == "missing_value":
        return _("Row {row}: “{column}” is empty.").format(
            row=row, column=column_label(error.column))
    if error.code == "too_long":
        return _("Row {row}: “{column}” is longer than {limit} characters.").format(
            row=row, column=column_label(error.column), limit=LENGTHS.get(error.column, 0))
    if error.code == "bad_area":
        return _("Row {row}: the area “{value}” is not a number of m² above 0 and below "
                 "{limit}.").format(row=row, value=error.value,
                                    limit=number(MAX_AREA, locale))
    if error.code == "duplicate_room":
        return _("Row {row}: room {room} is listed twice on the same floor (first in row "
                 "{first}).").format(row=row, room=error.value,
                                     first=number(error.other_row, locale))
    if error.code == "unknown_floor_id":
        return _("Row {row}: this community has no floor with the floor_id “{value}”. Leave "
                 "floor_id empty for a new floor.").format(row=row, value=error.value)
    if error.code == "moved_floor":
        return _("Row {row}: the entrance does not match floor_id {value}. A file can rename "
                 "an entrance but not add or remove one; leave floor_id empty for a new "
                 "floor.").format(row=row, value=error.value)
    if error.code == "renamed_twice":
        return _("Row {row}: by its floor_id this {column} is the one of row {other}, but "
                 "the rows name it differently (“{value}” here). Please use one name.").format(
                     row=row, column=column_label(error.column),
                     other=number(error.other_row, locale), value=error.value)
    if error.code == "name_taken":
        return _("Row {row}: cannot rename this {column} to “{value}”: another {column} "
                 "there has that name already.").format(
                     row=row, column=column_label(error.column), value=error.value)
    if error.code == "too_many_rows":
        return _("Row {row}: a file may hold at most {limit} households. Please split "
                 "it.").format(row=row, limit=number(int(error.value), locale))
    return _("Row {row}: this row cannot be imported.").format(row=row)


def errors_text(preview: ImportPreview, locale: str) -> str:
    """The bad rows (at most 30 lines, within Telegram's length limit), then how many
    more there are."""
    rows = len({e.row_number for e in preview.errors})
    lines = [_("“{file}” has problems in {count} rows, so nothing was imported. Please fix "
               "them and send the file again, or /cancel.").format(
                   file=preview.filename, count=number(rows, locale)), ""]
    used = 0
    for shown, error in enumerate(preview.errors):
        line = row_error(error, locale)
        used += len(line) + 1
        if shown == MAX_ERROR_LINES or used > ERROR_BUDGET:
            lines.append(_("…and {count} more.").format(
                count=number(len(preview.errors) - shown, locale)))
            break
        lines.append(line)
    return "\n".join(lines)


def preview_text(preview: ImportPreview, locale: str) -> str:
    """The counts of a good file and what applying it would change."""
    s = preview.summary
    lines = [_("Roster file “{file}” for {community}:").format(
                 file=preview.filename, community=preview.community_name),
             _("Compounds: {count}").format(count=number(s.compounds, locale)),
             _("Buildings: {count}").format(count=number(s.buildings, locale))]
    if s.entrances:
        lines.append(_("Entrances: {count}").format(count=number(s.entrances, locale)))
    lines += [_("Floors: {count}").format(count=number(s.floors, locale)),
              _("Households: {count}").format(count=number(s.households, locale)),
              _("Total area: {area} m²").format(area=number(s.area, locale)),
              "",
              _("New households: {count}").format(count=number(preview.new, locale)),
              _("Updated households: {count}").format(count=number(preview.updated, locale)),
              _("Unchanged households: {count}").format(
                  count=number(preview.unchanged, locale))]
    if preview.kept:
        lines.append(_("Registered households missing from this file (they are kept): "
                       "{count}").format(count=number(preview.kept, locale)))
    lines += unit_lines(preview, locale)
    lines += ["", _("Nothing changes until you press Confirm.")]
    return "\n".join(lines)


def capped(items: Sequence[str], locale: str) -> list[str]:
    """At most MAX_LISTED items, then how many more there are."""
    shown = list(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        shown.append(_("and {count} more").format(
            count=number(len(items) - MAX_LISTED, locale)))
    return shown


def unit_lines(preview: ImportPreview, locale: str) -> list[str]:
    """The buildings and floors the file renames (by floor id), adds to the roster, or
    leaves out — so a name fixed in a file without floor ids cannot silently add a second
    building next to the first."""
    lines: list[str] = []
    if preview.renames:
        lines += ["", _("Renamed (matched by floor_id): {count}").format(
            count=number(len(preview.renames), locale))]
        lines += capped([f"{r.old_label} → {r.new_label}" for r in preview.renames], locale)
    if preview.new_buildings or preview.left_out:
        lines.append("")
    if preview.new_buildings:
        lines.append(_("New buildings: {names}").format(
            names=", ".join(capped(preview.new_buildings, locale))))
    if preview.left_out:
        lines.append(_("Registered buildings not in this file (they are kept as they are): "
                       "{names}").format(names=", ".join(capped(preview.left_out, locale))))
    if preview.new_buildings and preview.left_out:
        lines.append(_("If one of the new buildings is a registered one with its name "
                       "corrected, press Cancel, send /export, correct the name in that file "
                       "and import it: its floor_id column lets me rename the building "
                       "instead of adding a second one."))
    return lines


def result_text(result: ImportResult, locale: str) -> str:
    lines = [
        _("The roster of {community} is imported.").format(community=result.community_name),
        _("Households added: {count}").format(count=number(result.new, locale)),
        _("Households updated: {count}").format(count=number(result.updated, locale)),
        _("Households unchanged: {count}").format(count=number(result.unchanged, locale)),
        _("New compounds, buildings, entrances and floors: {count}").format(
            count=number(result.units_created, locale)),
    ]
    if result.units_renamed:
        lines.append(_("Renamed compounds, buildings, entrances and floors: {count}").format(
            count=number(result.units_renamed, locale)))
    return "\n".join(lines)


def preview_keyboard(import_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Confirm"), callback_data=ImportCB(action="ok",
                                                               import_id=import_id))
    builder.button(text=_("✖️ Cancel"), callback_data=ImportCB(action="no",
                                                              import_id=import_id))
    return builder.as_markup()


def communities_keyboard(communities: list[CommunityInfo], purpose: str,
                         ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for community in communities:
        builder.button(text=community.name,
                       callback_data=RosterPickCB(purpose=purpose, community_id=community.id))
    builder.adjust(1)
    return builder.as_markup()
