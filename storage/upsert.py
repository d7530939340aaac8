"""Dialect-aware INSERT ... ON CONFLICT, for the two databases we support."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """Returns an INSERT construct with `on_conflict_*` for the session's dialect."""
    name = session.bind.dialect.name if session.bind is not None else "sqlite"
    return (pg_insert if name == "postgresql" else sqlite_insert)(table)


async def upsert(
    session: AsyncSession, table: Any, values: dict[str, Any], keys: list[str],
    update: list[str],
) -> None:
    stmt = insert_for(session, table).values(**values)
    if update:
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={name: stmt.excluded[name] for name in update}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    await session.execute(stmt)
