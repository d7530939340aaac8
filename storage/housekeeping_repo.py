"""Deleting what is no longer needed: old inbox records, sent outbox rows, idle flows and
roster import drafts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from storage.db import Database
from storage.models import FlowState, InboxEntry, OutboxMessage, RosterImport


async def purge(db: Database, *, inbox_before: datetime, outbox_before: datetime,
                flows_before: datetime, import_drafts_before: datetime) -> dict[str, int]:
    async with db.writing() as session:
        inbox = await session.execute(
            delete(InboxEntry).where(InboxEntry.handled_at < inbox_before))
        outbox = await session.execute(delete(OutboxMessage).where(
            OutboxMessage.status == "sent", OutboxMessage.sent_at < outbox_before))
        flows = await session.execute(
            delete(FlowState).where(FlowState.updated_at < flows_before))
        # Applied, cancelled and replaced drafts go too: only the audit log needs what an
        # import did. The newest row stays, because SQLite numbers a new row after the
        # highest id left: an old preview's button must never name a newer draft.
        drafts = await session.execute(delete(RosterImport).where(
            RosterImport.created_at < import_drafts_before,
            RosterImport.id < select(func.max(RosterImport.id)).scalar_subquery()))
        await session.commit()
    return {"inbox": inbox.rowcount or 0, "outbox": outbox.rowcount or 0,
            "flows": flows.rowcount or 0, "import_drafts": drafts.rowcount or 0}
