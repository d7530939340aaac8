"""The outbox table: services enqueue in their transaction; the sender claims and settles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.db import Database
from storage.models import OutboxMessage

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


@dataclass(frozen=True)
class Outgoing:
    id: int
    chat_id: int
    thread_id: int
    kind: str
    params: dict[str, Any]
    attempts: int
    priority: int
    edit_of: int | None = None


def enqueue(
    session: AsyncSession, *, chat_id: int, kind: str, params: dict[str, Any], now: datetime,
    thread_id: int = 0, priority: int = 0, not_before: datetime | None = None,
    ref: str | None = None, edit_of: int | None = None,
) -> OutboxMessage:
    """Adds a message to the session's transaction; it is sent only if that commits."""
    row = OutboxMessage(
        chat_id=chat_id, thread_id=thread_id, kind=kind, params=params, priority=priority,
        status=PENDING, attempts=0, not_before=not_before or now, created_at=now, ref=ref,
        edit_of=edit_of,
    )
    session.add(row)
    return row


def row(
    *, chat_id: int, kind: str, params: dict[str, Any], now: datetime, thread_id: int = 0,
    priority: int = 0, not_before: datetime | None = None, ref: str | None = None,
    edit_of: int | None = None,
) -> dict[str, Any]:
    """The values of a row `enqueue` would add, for `enqueue_many`."""
    return {"chat_id": chat_id, "thread_id": thread_id, "kind": kind, "params": params,
            "priority": priority, "status": PENDING, "attempts": 0,
            "not_before": not_before or now, "created_at": now, "claimed_at": None,
            "edit_of": edit_of, "ref": ref, "sent_at": None, "message_id": None,
            "error": None}


# Built once (see storage/uow.py); the table, not the mapped class: ORM bulk mode would
# split the rows by which columns are None and insert them one at a time.
_table = OutboxMessage.__table__
_INSERT = insert(_table)
_SET_PARAMS = (update(_table).where(_table.c.id == bindparam("row_id"))
               .values(params=bindparam("new_params")))
_SET_PARAMS_DUE = _SET_PARAMS.values(not_before=bindparam("due"))


async def enqueue_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Adds rows made by `row` to the session's transaction in one statement, at once
    (the ids follow the order of `rows`). They are sent only if the transaction commits."""
    if rows:
        await session.execute(_INSERT, rows)


async def set_params(session: AsyncSession, changes: list[tuple[int, dict[str, Any]]],
                     *, not_before: datetime | None = None) -> None:
    """Gives rows (by id) new parameters — edits still waiting — in one statement; and,
    given `not_before`, a new time to go (a final edit goes at once)."""
    if not changes:
        return
    values = [{"row_id": row_id, "new_params": params} for row_id, params in changes]
    if not_before is None:
        await session.execute(_SET_PARAMS, values)
    else:
        await session.execute(_SET_PARAMS_DUE, [{**v, "due": not_before} for v in values])


# By ref alone, the rest filtered in Python: given `edit_of IS NULL` too, SQLite walks the
# edit_of index over nearly every row of the outbox; given `status = 'pending'`, it picks the
# due index and walks every pending row instead of looking up these few edits.
# ORM columns, not the table's: reading them flushes rows the session holds, so an edit
# is queued after the post it edits even within one transaction.
_POSTS = (select(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.thread_id,
                 OutboxMessage.kind, OutboxMessage.ref, OutboxMessage.edit_of)
          .where(OutboxMessage.ref.in_(bindparam("refs", expanding=True)))
          .order_by(OutboxMessage.id))
_WAITING = (select(OutboxMessage.id, OutboxMessage.edit_of, OutboxMessage.status)
            .where(OutboxMessage.edit_of.in_(bindparam("ids", expanding=True)))
            .order_by(OutboxMessage.id))
# The parameters of each post's newest row, itself or an edit of it: what its message
# shows, or will once the edit waiting is sent.
_post_of = func.coalesce(OutboxMessage.edit_of, OutboxMessage.id)
_SHOWN = (select(_post_of, OutboxMessage.params)
          .where(OutboxMessage.id.in_(
              select(func.max(OutboxMessage.id))
              .where(OutboxMessage.id.in_(bindparam("ids", expanding=True))
                     | OutboxMessage.edit_of.in_(bindparam("ids", expanding=True)))
              .group_by(_post_of))))


async def posted(session: AsyncSession, refs: list[str], kinds: tuple[str, ...],
                 ) -> tuple[dict[str, list[Any]], dict[int, int]]:
    """The posts (not edits) of `kinds` about each ref, oldest first — rows of (id,
    chat_id, thread_id, kind, ref, edit_of) — and the id of the edit of each post still
    waiting to be sent: two queries for any number of refs."""
    found: dict[str, list[Any]] = {r: [] for r in refs}
    if not refs:
        return found, {}
    ids = []
    for post in await session.execute(_POSTS, {"refs": refs}):
        if post.kind in kinds and post.edit_of is None:
            found[post.ref].append(post)
            ids.append(post.id)
    waiting: dict[int, int] = {}
    if ids:
        for row_id, edit_of, status in await session.execute(_WAITING, {"ids": ids}):
            if status == PENDING:
                waiting.setdefault(edit_of, row_id)
    return found, waiting


async def shown_params(session: AsyncSession, posts: list[Any]) -> dict[int, Any]:
    """The parameters each post (a row of `posted`) shows, or will once its waiting edit
    is sent: its newest edit's, else its own; one query."""
    if not posts:
        return {}
    return dict((await session.execute(_SHOWN, {"ids": [post.id for post in posts]})).all())


def edits(posts: list[Any], waiting: dict[int, int], *, kind: str, params: dict[str, Any],
          now: datetime, not_before: datetime | None = None,
          shown: dict[int, Any] | None = None,
          ) -> tuple[list[dict[str, Any]], list[tuple[int, dict[str, Any]]]]:
    """The rows that edit each post of `kind` to `params`, and — for a post whose edit is
    still waiting — that edit to get `params` instead: (new rows, (waiting row, params)).
    Given what each post `shown` (`shown_params`), a post showing `params` already is left
    alone: Telegram refuses an edit that changes nothing."""
    stored = json.loads(json.dumps(params)) if shown else None
    rows, changes = [], []
    for post in posts:
        if post.kind != kind or (shown and shown.get(post.id) == stored):
            continue
        if post.id in waiting:
            changes.append((waiting[post.id], params))
        else:
            rows.append(row(chat_id=post.chat_id, thread_id=post.thread_id, kind=kind,
                            params=params, now=now, ref=post.ref, edit_of=post.id,
                            not_before=not_before))
    return rows, changes


async def message_of(db: Database, row_id: int) -> tuple[str, int | None]:
    """(status, sent message id) of a row, for an edit of what it sent."""
    async with db.reading() as session:
        row = (await session.execute(select(OutboxMessage.status, OutboxMessage.message_id)
                                     .where(OutboxMessage.id == row_id))).one_or_none()
    return (row[0], row[1]) if row else (FAILED, None)


async def claim(db: Database, now: datetime, limit: int, busy_chats: set[int]) -> list[Outgoing]:
    """Marks up to `limit` due rows as being sent — at most one per chat, oldest first,
    skipping chats that are busy or have a row in flight (so a chat's messages keep their
    order across processes) — and returns them."""
    in_flight = aliased(OutboxMessage)
    async with db.writing() as session:
        candidates = (await session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.status == PENDING, OutboxMessage.not_before <= now,
                   ~select(in_flight.id).where(in_flight.chat_id == OutboxMessage.chat_id,
                                               in_flight.status == SENDING).exists())
            .order_by(OutboxMessage.priority.desc(), OutboxMessage.id)
            .limit(limit * 8)
            .with_for_update(skip_locked=True)
        )).scalars().all()
        taken: list[OutboxMessage] = []
        seen = set(busy_chats)
        for row in candidates:
            if row.chat_id in seen:
                continue
            seen.add(row.chat_id)
            taken.append(row)
            if len(taken) == limit:
                break
        if taken:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([row.id for row in taken]))
                .values(status=SENDING, claimed_at=now)
            )
        result = [
            Outgoing(r.id, r.chat_id, r.thread_id, r.kind, dict(r.params), r.attempts, r.priority,
                     r.edit_of)
            for r in taken
        ]
        await session.commit()
    return result


async def _settle(db: Database, row_id: int, **values: Any) -> None:
    async with db.writing() as session:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values)
        )
        await session.commit()


async def mark_sent(db: Database, row_id: int, message_id: int | None, now: datetime) -> None:
    await _settle(db, row_id, status=SENT, message_id=message_id, sent_at=now, error=None)


async def mark_retry(
    db: Database, row_id: int, not_before: datetime, error: str, *, count_attempt: bool = True,
) -> None:
    attempts = OutboxMessage.attempts + (1 if count_attempt else 0)
    await _settle(db, row_id, status=PENDING, not_before=not_before, error=error,
                  attempts=attempts)


async def mark_failed(db: Database, row_id: int, error: str) -> None:
    await _settle(db, row_id, status=FAILED, error=error, attempts=OutboxMessage.attempts + 1)


async def fail_pending_for_chat(session: AsyncSession, chat_id: int, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status == PENDING)
        .values(status=FAILED, error=error)
    )


async def retarget_chat(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == old_chat_id, OutboxMessage.status.in_([PENDING, SENDING]))
        .values(chat_id=new_chat_id, status=PENDING)
    )


async def recover_interrupted(db: Database, claimed_before: datetime) -> int:
    """Settles rows a stopped process left half-sent. Telegram has no idempotency key, so a
    row that may have reached the chat is not sent again: it is marked failed for review."""
    async with db.writing() as session:
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < claimed_before)
            .values(status=FAILED, error="interrupted while sending; not resent")
        )
        await session.commit()
    return result.rowcount or 0


async def next_due(db: Database) -> datetime | None:
    async with db.reading() as session:
        return await session.scalar(
            select(func.min(OutboxMessage.not_before)).where(OutboxMessage.status == PENDING)
        )


async def counts(db: Database) -> dict[str, int]:
    async with db.reading() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {status: n for status, n in rows}


async def refresh_posts(session: AsyncSession, *, ref: str, kind: str, params: dict[str, Any],
                        now: datetime, delay: timedelta = timedelta(0),
                        final: bool = False) -> None:
    """Edits every post of `kind` about `ref` to `params` (a poll's live counts, a case's
    new status). An edit still waiting is updated instead of queueing another, so a burst of
    votes costs one edit per post every `delay`; a `final` edit goes out at once."""
    found, waiting = await posted(session, [ref], (kind,))
    rows, changes = edits(found[ref], waiting, kind=kind, params=params, now=now,
                          not_before=now if final else now + delay)
    await enqueue_many(session, rows)
    await set_params(session, changes, not_before=now if final else None)
