"""Importing a community's roster from a CSV or XLSX file, in two steps.

`stage_import` reads and checks the file and, when every row is good, saves it as a draft
and returns the preview: the households it adds and updates, and the buildings and floors
it renames (by the export's floor ids), adds or leaves out. `apply_import` applies the
draft in one transaction when its admin confirms, within IMPORT_DRAFT_KEEP. Nothing touches
the roster before that, and a failed apply changes nothing.
Templates and exports live in `roster_export` and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import MANAGERS
from bot.domain.roster import RosterFileError, RosterRow, RosterSummary, RowError, summarize
from bot.domain.roster import validate as validate_rows
from bot.domain.roster_files import parse_csv, parse_xlsx
from bot.domain.roster_units import Rename
from bot.services.errors import InvalidInput, NotFound
from bot.services.housekeeping import IMPORT_DRAFT_KEEP
from bot.services.join_posts import refresh_join_posts
from bot.services.permissions import require_role
from bot.services.roster_export import export_roster, template_csv, template_xlsx
from storage import UnitOfWork, roster_import_repo
from storage.models import Community, RosterImport

MAX_FILE_BYTES = 5 * 1024 * 1024
PARSERS = {"csv": parse_csv, "xlsx": parse_xlsx}

__all__ = ["MAX_FILE_BYTES", "ImportPreview", "ImportResult", "apply_import", "check_file",
           "discard_import", "export_roster", "stage_import", "template_csv",
           "template_xlsx"]


@dataclass(frozen=True)
class ImportPreview:
    """What the file holds; `import_id` is None when `errors` forbid applying it."""

    community_id: int
    community_name: str
    filename: str
    summary: RosterSummary
    errors: tuple[RowError, ...] = ()
    import_id: int | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # registered households the file does not list (they stay)
    renames: tuple[Rename, ...] = ()
    new_buildings: tuple[str, ...] = ()  # added to a roster that has buildings already
    left_out: tuple[str, ...] = ()  # registered buildings the file does not list (they stay)


@dataclass(frozen=True)
class ImportResult:
    community_id: int
    community_name: str
    import_id: int
    units_created: int
    new: int
    updated: int
    unchanged: int
    units_renamed: int = 0


def check_file(filename: str | None, size: int | None) -> str:
    """Returns the roster format ("csv" or "xlsx") a file name says, or raises
    InvalidInput; handlers call it before downloading anything."""
    name = filename or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in PARSERS:
        raise InvalidInput("unsupported_file", filename=name)
    if size is not None and size > MAX_FILE_BYTES:
        raise InvalidInput("file_too_large", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    return extension


def read_roster(fmt: str, data: bytes) -> tuple[list[RosterRow], list[RowError]]:
    """Parses and checks the file (no database needed)."""
    try:
        return validate_rows(PARSERS[fmt](data))
    except RosterFileError as exc:
        raise InvalidInput(exc.code, **exc.details) from None


async def managed_community(session: AsyncSession, user_id: int,
                            community_id: int) -> Community:
    """The community, if the user is its admin or committee member (community-wide)."""
    await require_role(session, user_id, community_id, None, MANAGERS)
    community = await session.get(Community, community_id)
    if community is None:
        raise NotFound("community")
    return community


async def stage_import(uow: UnitOfWork, admin_id: int, community_id: int, filename: str,
                       data: bytes) -> ImportPreview:
    """Checks a roster file; saves it as a draft when every row is good. Returns the
    preview: the counts, the changes it would make, or the bad rows."""
    fmt = check_file(filename, len(data))
    async with uow(readonly=True):
        name = (await managed_community(uow.session, admin_id, community_id)).name
    # Parsed outside any transaction: a large file must not hold SQLite's write lock.
    rows, errors = read_roster(fmt, data)
    summary = summarize(rows)
    if errors:
        return ImportPreview(community_id, name, filename, summary, tuple(errors))
    async with uow:
        changes = await roster_import_repo.plan(uow.session, community_id, rows)
        if changes.units.errors:
            return ImportPreview(community_id, name, filename, summary, changes.units.errors)
        import_id = await roster_import_repo.save_draft(uow.session, community_id, admin_id,
                                                        rows, uow.now())
        await uow.commit()
    units = changes.units
    return ImportPreview(community_id, name, filename, summary, (), import_id,
                         len(changes.new), len(changes.updated), changes.unchanged,
                         changes.kept, units.renames, units.new_buildings, units.left_out)


async def own_draft(uow: UnitOfWork, admin_id: int, import_id: int) -> RosterImport:
    """The admin's own draft; someone else's id (a forged button) is as good as none, and
    so is an expired draft, whether or not housekeeping has deleted it yet."""
    draft = await roster_import_repo.get_draft(uow.session, import_id)
    if (draft is None or draft.admin_id != admin_id
            or draft.created_at < uow.now() - IMPORT_DRAFT_KEEP):
        raise NotFound("import_not_found")
    return draft


def closed(status: str) -> InvalidInput:
    if status == "applied":
        return InvalidInput("import_already_applied")
    return InvalidInput("import_not_pending")


async def apply_import(uow: UnitOfWork, admin_id: int, import_id: int) -> ImportResult:
    """Applies the admin's draft in one transaction, with the edits of the pinned Join
    posts that name a renamed unit, and records it in the audit log."""
    async with uow:
        session = uow.session
        draft = await own_draft(uow, admin_id, import_id)
        community = await managed_community(session, admin_id, draft.community_id)
        if draft.status != "draft":
            raise closed(draft.status)
        if not await roster_import_repo.close_draft(session, import_id, "applied"):
            raise closed("applied")  # a concurrent press applied it first
        rows = roster_import_repo.draft_rows(draft)
        await roster_import_repo.lock_community(session, community.id)
        changes = await roster_import_repo.plan(session, community.id, rows)
        if changes.units.errors:
            # The units changed since the preview so that its floor ids no longer fit:
            # the admin must see a new preview before anything is renamed.
            raise InvalidInput("roster_changed")
        created = await roster_import_repo.apply_rows(session, community.id, rows, changes)
        renames = changes.units.renames
        await refresh_join_posts(session, community.id, [r.unit_id for r in renames],
                                 uow.now())
        result = ImportResult(community.id, community.name, import_id, created,
                              len(changes.new), len(changes.updated), changes.unchanged,
                              len(renames))
        roster_import_repo.audit(session, community.id, admin_id, "roster_import", {
            "import_id": import_id, "rows": len(rows), "units_created": created,
            "units_renamed": [[r.old_label, r.new_label] for r in renames],
            "households_new": result.new, "households_updated": result.updated,
            "households_unchanged": result.unchanged}, uow.now())
        await uow.commit()
    return result


async def discard_import(uow: UnitOfWork, admin_id: int, import_id: int) -> None:
    """Drops the admin's draft; the roster stays as it was."""
    async with uow:
        draft = await own_draft(uow, admin_id, import_id)
        if draft.status != "draft":
            raise closed(draft.status)
        if not await roster_import_repo.close_draft(uow.session, import_id, "discarded"):
            raise closed("applied")
        await uow.commit()
