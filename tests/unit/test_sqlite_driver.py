"""The one-trip aiosqlite connection behaves like aiosqlite under SQLAlchemy: rows, row
counts, generated ids, many-row inserts, constraint errors and rollback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage import Database


@pytest.fixture
async def scratch(tmp_path: object) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/driver.sqlite3")
    async with db.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield db
    await db.dispose()


async def test_rows_counts_and_ids(scratch: Database):
    async with scratch.engine.begin() as conn:
        first = await conn.execute(text("INSERT INTO t (name) VALUES ('a')"))
        assert first.lastrowid == 1
        many = await conn.execute(text("INSERT INTO t (name) VALUES (:n)"),
                                  [{"n": f"n{i}"} for i in range(50)])
        assert many.rowcount == 50
        changed = await conn.execute(text("UPDATE t SET name = name || '!' WHERE id > 40"))
        assert changed.rowcount == 11
    async with scratch.engine.connect() as conn:
        names = (await conn.execute(text("SELECT name FROM t ORDER BY id"))).scalars().all()
        assert names[:2] == ["a", "n0"]
        assert names[-1] == "n49!"
        assert (await conn.execute(text("SELECT name FROM t WHERE id = 0"))).first() is None
        streamed = await conn.stream(text("SELECT id FROM t ORDER BY id"))
        assert [row.id async for row in streamed] == list(range(1, 52))


async def test_constraint_error_and_rollback(scratch: Database):
    async with scratch.engine.connect() as conn:
        await conn.execute(text("INSERT INTO t (name) VALUES ('x')"))
        with pytest.raises(IntegrityError):
            await conn.execute(text("INSERT INTO t (name) VALUES ('x')"))
        await conn.rollback()
    async with scratch.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 0
