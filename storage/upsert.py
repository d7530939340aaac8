"""Dialect-aware INSERT ... ON CONFLICT, for the two databases we support."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_of(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def insert_for(session: AsyncSession, table: Any) -> Any:
    """Returns an INSERT construct with `on_conflict_*` for the session's dialect."""
    return (pg_insert if dialect_of(session) == "postgresql" else sqlite_insert)(table)


async def upsert(
    session: AsyncSession, table: Any, values: dict[str, Any], keys: list[str],
    update: list[str],
) -> None:
    """Inserts one row of plain values (keyed by column name), or on a conflict over `keys`
    updates the `update` columns to the new values (or leaves the row as it is)."""
    stmt = _statement(dialect_of(session), getattr(table, "__table__", table), tuple(keys),
                      tuple(update))
    await session.execute(stmt, values)


@functools.cache
def _statement(dialect: str, table: Any, keys: tuple[str, ...],
               update: tuple[str, ...]) -> Any:
    """Built once per call site, the values passed as parameters: building and hashing a
    new statement for every row cost more than running it (users are upserted on every
    /start). A Core table insert also skips the ORM's bulk-insert bookkeeping."""
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    if update:
        return stmt.on_conflict_do_update(
            index_elements=list(keys), set_={name: stmt.excluded[name] for name in update}
        )
    return stmt.on_conflict_do_nothing(index_elements=list(keys))
