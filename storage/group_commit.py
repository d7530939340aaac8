"""Group commit: calls of one kind that arrive while a transaction is busy share the next one.

A unit of work per call costs a BEGIN, a statement per table and a COMMIT (an fsync on
PostgreSQL) for every call. When many residents submit at once, `GroupCommit.run` queues
each call and one task works through the queue: every call waiting at that moment goes into
one transaction, as one list, so the work can read and insert for all of them with a few
statements. Alone, a call still gets its own transaction at once — nothing waits for a batch
to fill.

What each call is promised stays the same as with its own unit of work:

* its effects and its update's inbox row commit together (the caller's `UnitOfWork` carries
  the update id; it is marked recorded once the shared transaction commits);
* a call the work refuses (an `Exception` in its place of the outcomes) writes nothing, and
  its caller gets that exception;
* if the shared transaction fails as a whole — a redelivered update, a number taken by
  another process, anything unexpected — each call is run again in a transaction of its own,
  so one call's problem is only that call's; a conflict (IntegrityError) there is retried;
* a caller that stops waiting (its task cancelled) before its batch starts is left out.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import Clock
from storage.db import Database
from storage.uow import RECORD_UPDATE, UnitOfWork

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")
#: Does the calls' work in the transaction given: one outcome per item, in order — a result,
#: or the exception refusing that item (then nothing of that item may have been written).
Work = Callable[[AsyncSession, datetime, list[Item]], Awaitable[Sequence[Result | Exception]]]

@dataclass
class _Call(Generic[Item, Result]):
    uow: UnitOfWork
    item: Item
    future: asyncio.Future[Result]


class GroupCommit(Generic[Item, Result]):
    """Runs `work` for concurrent calls in shared transactions of at most `max_batch`
    calls; see the module's description for what each call is promised."""

    def __init__(self, db: Database, clock: Clock, work: Work[Item, Result], *,
                 max_batch: int = 200, attempts: int = 3) -> None:
        self.db = db
        self.clock = clock
        self.work = work
        self.max_batch = max_batch
        self.attempts = attempts
        self.sizes: Counter[int] = Counter()  # transactions by how many calls they held
        self._queue: list[_Call[Item, Result]] = []
        self._worker: asyncio.Task[None] | None = None

    async def run(self, uow: UnitOfWork, item: Item) -> Result:
        """The outcome of `item`, committed with the inbox row of `uow`'s update."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append(_Call(uow, item, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain(), name="group-commit")
        return await future

    async def _drain(self) -> None:
        while self._queue:
            batch = [c for c in self._queue[:self.max_batch] if not c.future.done()]
            del self._queue[:self.max_batch]
            try:
                await self._commit(batch)
            except BaseException as exc:  # cancelled with the process: nobody waits forever
                for call in batch + self._queue:
                    if not call.future.done():
                        call.future.set_exception(exc)
                self._queue.clear()
                raise

    async def _commit(self, batch: list[_Call[Item, Result]]) -> None:
        if len(batch) > 1:
            try:
                self._settle(batch, await self._together(batch))
                return
            except Exception:
                log.warning("a shared transaction of %d calls failed; each runs alone",
                            len(batch), exc_info=True)
        for call in batch:
            await self._alone(call)

    async def _together(self, batch: list[_Call[Item, Result]],
                        ) -> Sequence[Result | Exception]:
        async with UnitOfWork(self.db, self.clock) as uow:
            now = uow.now()
            outcomes = await self.work(uow.session, now, [c.item for c in batch])
            recorded = [c.uow for c, outcome in zip(batch, outcomes, strict=True)
                        if not isinstance(outcome, Exception)
                        and c.uow.update_id is not None and not c.uow.inbox_recorded]
            if recorded:
                await uow.session.execute(RECORD_UPDATE, [
                    {"update_id": u.update_id, "handled_at": now} for u in recorded])
            await uow.commit()
        for caller in recorded:
            caller.inbox_recorded = True
        self.sizes[len(batch)] += 1
        return outcomes

    async def _alone(self, call: _Call[Item, Result]) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                async with call.uow as uow:
                    [outcome] = await self.work(uow.session, uow.now(), [call.item])
                    if not isinstance(outcome, Exception):
                        await uow.commit()
            except IntegrityError as exc:
                if attempt < self.attempts:
                    continue
                outcome = exc
            except Exception as exc:  # the caller's to handle, as with its own unit of work
                outcome = exc
            self.sizes[1] += 1
            self._settle([call], [outcome])
            return

    @staticmethod
    def _settle(batch: list[_Call[Item, Result]],
                outcomes: Sequence[Result | Exception]) -> None:
        for call, outcome in zip(batch, outcomes, strict=True):
            if call.future.done():
                continue
            if isinstance(outcome, Exception):
                call.future.set_exception(outcome)
            else:
                call.future.set_result(outcome)
