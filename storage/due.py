"""Claiming due rows for the sweeper: each row is taken by exactly one worker.

PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several processes split the work. SQLite: the
unit of work's `BEGIN IMMEDIATE` makes the whole claim-and-act one writer at a time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession


async def claim(session: AsyncSession, stmt: Select[Any], limit: int) -> list[Any]:
    """Returns up to `limit` ORM rows of `stmt`, locked for this transaction."""
    rows = await session.execute(stmt.limit(limit).with_for_update(skip_locked=True))
    return list(rows.scalars())
