"""Reads and writes conversation state rows (used by the aiogram storage adapter)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.db import Database
from storage.models import FlowState
from storage.upsert import upsert


def columns_of(key: Any) -> tuple[Any, Any]:
    """The state and data of one key as two scalar subqueries, for a caller that reads them
    with other things in one statement (NULL, NULL when the key has no row)."""
    where = FlowState.key == key
    return (select(FlowState.state).where(where).scalar_subquery(),
            select(FlowState.data).where(where).scalar_subquery())


def loaded(state: str | None, data: dict[str, Any] | None) -> tuple[str | None, dict[str, Any]]:
    return state, dict(data or {})


async def load(db: Database, key: str) -> tuple[str | None, dict[str, Any]]:
    row = await db.read_row(select(FlowState.state, FlowState.data).where(FlowState.key == key))
    return (None, {}) if row is None else loaded(row.state, row.data)


async def save(db: Database, key: str, now: datetime, **values: Any) -> None:
    """Writes `state` and/or `data` of one key, creating the row when needed."""
    row = {"key": key, "state": None, "data": {}, "updated_at": now, **values}
    async with db.writing() as session:
        await upsert(session, FlowState, row, ["key"], [*values, "updated_at"])
        await session.commit()

