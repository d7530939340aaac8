"""Reads and writes conversation state rows (used by the aiogram storage adapter)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.db import Database
from storage.models import FlowState
from storage.upsert import upsert


async def load(db: Database, key: str) -> tuple[str | None, dict[str, Any]]:
    row = await db.read_row(select(FlowState.state, FlowState.data).where(FlowState.key == key))
    return (None, {}) if row is None else (row.state, dict(row.data or {}))


async def save(db: Database, key: str, now: datetime, **values: Any) -> None:
    """Writes `state` and/or `data` of one key, creating the row when needed."""
    row = {"key": key, "state": None, "data": {}, "updated_at": now, **values}
    async with db.writing() as session:
        await upsert(session, FlowState, row, ["key"], [*values, "updated_at"])
        await session.commit()

