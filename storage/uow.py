"""The unit of work: one transaction per service call, rollback unless committed.

A unit of work created for an incoming update carries its `update_id`; its first commit
also records the update in the inbox, so the effects and the record land together and a
redelivered update conflicts instead of acting twice.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import Clock
from storage.db import Database
from storage.models import InboxEntry
from storage.upsert import upsert

# Built once: the values are parameters (see storage.upsert for why).
RECORD_UPDATE = insert(InboxEntry.__table__)


class DuplicateUpdate(Exception):
    """The update was already handled; this delivery must have no effect."""


class UnitOfWork:
    """`async with uow:` opens a transaction; `await uow.commit()` ends it; else rollback.

    The same object can be entered again for the next service call of the same update.
    `readonly=True` opens a deferred transaction on SQLite, which takes no write lock.
    """

    def __init__(self, db: Database, clock: Clock, *, update_id: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self.update_id = update_id
        self.inbox_recorded = False
        self._session: AsyncSession | None = None
        self._locked = False
        self._readonly = False

    def __call__(self, *, readonly: bool = False) -> UnitOfWork:
        self._readonly = readonly
        return self

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._session

    def now(self) -> datetime:
        return self.clock.now()

    async def __aenter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("unit of work entered twice")
        readonly, self._readonly = self._readonly, False
        if self.db.is_sqlite and not readonly:
            await self.db.write_lock.acquire()
            self._locked = True
        self._session = self.db.session()
        mode = "DEFERRED" if readonly else "IMMEDIATE"
        try:
            await self._session.connection(execution_options={"sqlite_begin": mode})
        except BaseException as exc:
            # No `async with` body will run, so release the session and the write lock here.
            await self.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        try:
            if session is not None:
                if exc_type is not None:
                    await session.rollback()
                # Closing rolls back whatever was not committed, and leaves the loaded
                # objects readable (a rollback would expire them).
                await session.close()
        finally:
            if self._locked:
                self._locked = False
                self.db.write_lock.release()

    async def commit(self) -> None:
        session = self.session
        if self.update_id is not None and not self.inbox_recorded:
            try:
                await session.execute(RECORD_UPDATE, {"update_id": self.update_id,
                                                      "handled_at": self.now()})
            except IntegrityError:
                await session.rollback()
                raise DuplicateUpdate(self.update_id) from None
            self.inbox_recorded = True
        await session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


async def seen_in(session: AsyncSession, update_id: int) -> bool:
    """Tells whether an update was handled already (a cheap check before any work)."""
    found = await session.scalar(
        select(InboxEntry.update_id).where(InboxEntry.update_id == update_id))
    return found is not None



async def record_update(db: Database, update_id: int, now: datetime) -> None:
    """Records an update that no service call recorded (it changed nothing else)."""
    async with db.writing() as session:
        await upsert(session, InboxEntry, {"update_id": update_id, "handled_at": now},
                     ["update_id"], [])
        await session.commit()
