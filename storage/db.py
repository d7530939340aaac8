"""Engine and session factory, with SQLite tuned for one writer at a time.

SQLite: WAL journal, a busy timeout, and every writing transaction opened with
`BEGIN IMMEDIATE` behind an in-process lock, so a read-then-write never upgrades a shared
lock into "database is locked". PostgreSQL: asyncpg, ordinary transactions.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Row, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.base import Executable

from storage import sqlite_driver

BUSY_TIMEOUT_MS = 10_000


class Database:
    """Owns the engine; `write_lock` serializes writers on SQLite within this process."""

    def __init__(self, url: str, *, echo: bool = False,
                 connect_args: dict[str, Any] | None = None) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.is_postgres = self.url.get_backend_name() == "postgresql"
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            database = self.url.database or ""
            if database in ("", ":memory:"):
                kwargs["poolclass"] = StaticPool
            else:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["async_creator"] = self._connect_sqlite
        elif connect_args:
            kwargs["connect_args"] = connect_args
        if not self.is_sqlite:
            kwargs["pool_pre_ping"] = True
            kwargs["pool_size"] = 10
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            _tune_sqlite(self.engine)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.write_lock = asyncio.Lock()
        self._reader: AsyncConnection | None = None
        self._reader_lock = asyncio.Lock()

    async def _connect_sqlite(self) -> Any:
        """SQLAlchemy's own connect arguments for this URL, on a one-trip connection."""
        args, params = self.engine.dialect.create_connect_args(self.url)
        return await sqlite_driver.connect(*args, **{**params, "timeout": BUSY_TIMEOUT_MS / 1000})

    def session(self) -> AsyncSession:
        return self.sessionmaker()

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A session for a short write outside a unit of work; the caller commits."""
        async with (
            self.write_lock if self.is_sqlite else nullcontext(),
            self.sessionmaker() as session,
        ):
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only: a deferred transaction, ended when the session
        closes (which leaves the loaded objects readable)."""
        async with self.sessionmaker() as session:
            await session.connection(execution_options={"sqlite_begin": "DEFERRED"})
            yield session

    async def read_row(self, stmt: Executable,
                       params: dict[str, Any] | None = None) -> Row[Any] | None:
        """One row of a small read done before every update (inbox check, language, flow
        state). On SQLite it goes through one connection kept open for the purpose: taking
        a pooled connection costs more than the query when a hundred updates arrive at once.
        """
        if not self.is_sqlite:
            async with self.engine.connect() as conn:
                row = (await conn.execute(stmt, params)).first()
                await conn.rollback()
                return row
        async with self._reader_lock:
            if self._reader is None:
                conn = await self.engine.connect()
                # No BEGIN: the driver runs each SELECT in its own implicit transaction, so
                # it always sees what was committed and never holds a snapshot open.
                self._reader = await conn.execution_options(sqlite_begin="AUTOCOMMIT")
            try:
                row = (await self._reader.execute(stmt, params)).first()
            except BaseException:
                await self._reader.close()
                self._reader = None
                raise
            return row

    async def dispose(self) -> None:
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        await self.engine.dispose()


def _tune_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode == "AUTOCOMMIT":
            return  # each statement is its own transaction (see Database.read_row)
        connection.exec_driver_sql("BEGIN" if mode == "DEFERRED" else "BEGIN IMMEDIATE")
