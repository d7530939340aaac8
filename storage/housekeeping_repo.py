"""Deleting what is no longer needed: old inbox records, sent outbox rows, idle flows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from storage.db import Database
from storage.models import FlowState, InboxEntry, OutboxMessage


async def purge(db: Database, *, inbox_before: datetime, outbox_before: datetime,
                flows_before: datetime) -> dict[str, int]:
    async with db.writing() as session:
        inbox = await session.execute(
            delete(InboxEntry).where(InboxEntry.handled_at < inbox_before))
        outbox = await session.execute(delete(OutboxMessage).where(
            OutboxMessage.status == "sent", OutboxMessage.sent_at < outbox_before))
        flows = await session.execute(
            delete(FlowState).where(FlowState.updated_at < flows_before))
        await session.commit()
    return {"inbox": inbox.rowcount or 0, "outbox": outbox.rowcount or 0,
            "flows": flows.rowcount or 0}
