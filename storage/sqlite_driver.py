"""An aiosqlite connection whose cursors make one trip to its thread per statement.

aiosqlite runs every sqlite3 call on its own thread, and SQLAlchemy's adapter makes three or
four such calls per statement (create the cursor, execute, fetch the rows, close). Each trip
is a queue hand-off and a wake-up of the event loop, which costs more than a small statement
itself. Here `cursor()` returns an object that does nothing until `execute`, which creates
the sqlite3 cursor, runs the statement, fetches every row and closes it in a single trip;
the rows, description, rowcount and lastrowid are then plain attributes.

It is plugged in through `create_async_engine(async_creator=...)` (see `storage.db`), so
SQLAlchemy's own aiosqlite dialect is unchanged. Every row is fetched at once, as SQLAlchemy
already does for the non-streaming cursors we use.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any

import aiosqlite


class OneTripCursor:
    """The subset of aiosqlite's Cursor that SQLAlchemy's adapter uses."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    # SQLAlchemy awaits `connection.cursor()` (2.0) or enters it (2.1): both cost nothing.
    def __await__(self) -> Generator[Any, None, OneTripCursor]:
        return self
        yield  # pragma: no cover - makes this a generator

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> OneTripCursor:
        self._take(await self._connection.in_thread(_execute, sql, parameters or ()))
        return self

    async def executemany(self, sql: str,
                          parameters: Iterable[Iterable[Any]]) -> OneTripCursor:
        self._take(await self._connection.in_thread(_execute_many, sql, parameters))
        return self

    def _take(self, outcome: tuple[list[Any], Any, int, int | None]) -> None:
        self._rows, self.description, self.rowcount, self.lastrowid = outcome

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = size or self.arraysize
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *sizes: Any) -> None:
        return None

    async def close(self) -> None:
        self._rows = []


def _execute(conn: sqlite3.Connection, sql: str,
             parameters: Sequence[Any]) -> tuple[list[Any], Any, int, int | None]:
    cursor = conn.execute(sql, parameters)
    try:
        rows = cursor.fetchall() if cursor.description else []
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _execute_many(conn: sqlite3.Connection, sql: str,
                  parameters: Iterable[Iterable[Any]]) -> tuple[list[Any], Any, int, int | None]:
    cursor = conn.executemany(sql, parameters)
    try:
        return [], cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripConnection(aiosqlite.Connection):
    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Runs fn(sqlite3 connection, *args) on the connection's thread, in one trip."""
        conn = self._conn
        return await self._execute(fn, conn, *args)


async def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """Like `aiosqlite.connect`, with one-trip cursors."""

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, **kwargs)

    connection = OneTripConnection(connector, 64)
    # As SQLAlchemy does for aiosqlite: a connection never closed must not keep the
    # interpreter from exiting.
    connection._thread.daemon = True
    return await connection
