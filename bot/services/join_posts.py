"""Keeping each residents' group's pinned Join post in step with its unit's name.

The post names the building or floor the group is bound to ("Residents of 幸福花园 1号楼…").
When a rename changes that name, the post of every group bound to the renamed unit or to a
unit below it is edited through the outbox, in the rename's own transaction.

The /bind handler sends and pins the post itself, and the binding keeps its message id;
the outbox edits only messages its rows sent. So the first edit of a post records it as a
row already sent, with that message id, and edits that row. (Sent rows are purged after a
month; the binding's message id is what lasts, so a later rename records it again.)
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.binding import Purpose
from storage import outbox_repo, roster_repo
from storage.models import ChatGroup, OutboxMessage, Unit

KIND = "join_post"


def join_ref(group_id: int, message_id: int) -> str:
    """One post of one binding: a group bound again gets a new post, with a new ref."""
    return f"join:{group_id}:{message_id}"


async def refresh_join_posts(session: AsyncSession, community_id: int,
                             renamed: Collection[int], now: datetime) -> int:
    """Queues an edit of the Join post of each active residents' group bound to a unit in
    `renamed` or below one, to its unit's full name as the session now has it (call it
    after the rename, before the commit). An edit still waiting gets the new name instead.
    Returns how many posts are edited."""
    if not renamed:
        return 0
    ids = {str(unit_id) for unit_id in renamed}
    groups = [group for group in (await session.execute(
        select(ChatGroup.id, ChatGroup.chat_id, ChatGroup.thread_id,
               ChatGroup.join_message_id, ChatGroup.unit_id, Unit.path)
        .join(Unit, Unit.id == ChatGroup.unit_id)
        .where(ChatGroup.community_id == community_id,
               ChatGroup.purpose == str(Purpose.RESIDENTS), ChatGroup.active.is_(True),
               ChatGroup.join_message_id.is_not(None))))
        if ids & set(group.path.strip("/").split("/"))]
    if not groups:
        return 0
    by_ref = {join_ref(group.id, group.join_message_id): group for group in groups}
    found, waiting = await outbox_repo.posted(session, list(by_ref), (KIND,))
    for ref, group in by_ref.items():
        if not found[ref]:
            found[ref] = [_record_post(session, group, ref, now)]
    await session.flush()
    labels = await roster_repo.labels(session, community_id)
    rows, changes = [], []
    for ref, group in by_ref.items():
        params = {"group_id": group.id, "unit": labels[group.unit_id]}
        new, updated = outbox_repo.edits(found[ref], waiting, kind=KIND, params=params,
                                         now=now)
        rows += new
        changes += updated
    await outbox_repo.enqueue_many(session, rows)
    await outbox_repo.set_params(session, changes)
    return len(groups)


def _record_post(session: AsyncSession, group: Row[Any], ref: str,
                 now: datetime) -> OutboxMessage:
    """The Join post the /bind handler sent, as a row already sent, for edits to name.
    What it said is not known here, and not needed: an edit replaces all of it."""
    values = outbox_repo.row(chat_id=group.chat_id, thread_id=group.thread_id, kind=KIND,
                             params={"group_id": group.id}, now=now, ref=ref)
    post = OutboxMessage(**{**values, "status": outbox_repo.SENT, "sent_at": now,
                            "message_id": group.join_message_id})
    session.add(post)
    return post
