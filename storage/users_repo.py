"""Users, roles and the settings that decide a reader's language."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import flow_repo
from storage.db import Database
from storage.models import (
    ChatGroup,
    Community,
    Household,
    InboxEntry,
    Resident,
    RoleAssignment,
    User,
)
from storage.upsert import upsert


async def touch_user(
    session: AsyncSession, user_id: int, *, first_name: str | None, username: str | None,
    language_code: str | None, now: datetime,
) -> None:
    values = {"id": user_id, "first_name": first_name, "username": username,
              "language_code": language_code, "created_at": now, "updated_at": now}
    await upsert(session, User, values, ["id"],
                 ["first_name", "username", "language_code", "updated_at"])


def community_locale_of(user_id: Any) -> Any:
    """The default language of a user's community: through a role, else through a home."""
    by_role = (select(RoleAssignment.community_id).where(RoleAssignment.user_id == user_id)
               .order_by(RoleAssignment.id).limit(1).scalar_subquery())
    by_home = (select(Household.community_id)
               .join(Resident, Resident.household_id == Household.id)
               .where(Resident.user_id == user_id).order_by(Resident.id).limit(1)
               .scalar_subquery())
    return (select(Community.locale).where(Community.id == func.coalesce(by_role, by_home))
            .scalar_subquery())


async def user_locale_inputs(
    session: AsyncSession, user_id: int,
) -> tuple[str | None, str | None, str | None]:
    """Returns (chosen locale, stored language_code, community default) of a user."""
    row = (await session.execute(
        select(User.locale, User.language_code).where(User.id == user_id)
    )).first()
    community = await session.scalar(select(community_locale_of(user_id)))
    return (row.locale if row else None, row.language_code if row else None, community)


async def group_locale_inputs(
    session: AsyncSession, chat_ids: Iterable[int],
) -> dict[int, tuple[str | None, str | None]]:
    """Returns chat id → (group's own locale, its community's default)."""
    rows = await session.execute(
        select(ChatGroup.chat_id, ChatGroup.locale, Community.locale)
        .outerjoin(Community, Community.id == ChatGroup.community_id)
        .where(ChatGroup.chat_id.in_(list(chat_ids)))
        .order_by(ChatGroup.thread_id)
    )
    result: dict[int, tuple[str | None, str | None]] = {}
    for chat_id, own, community in rows:
        result.setdefault(chat_id, (own, community))
    return result


async def private_locale_inputs(
    session: AsyncSession, user_ids: Iterable[int],
) -> dict[int, tuple[str | None, str | None]]:
    """Returns user id → (chosen locale, Telegram language_code)."""
    rows = await session.execute(
        select(User.id, User.locale, User.language_code).where(User.id.in_(list(user_ids)))
    )
    return {user_id: (locale, code) for user_id, locale, code in rows}


async def roles_of(session: AsyncSession, user_id: int) -> list[RoleAssignment]:
    return list((await session.execute(
        select(RoleAssignment).where(RoleAssignment.user_id == user_id)
    )).scalars())


class UpdateInputs(NamedTuple):
    """What decides an update's languages: the reader's (the group's, in a group) and the
    sender's own, for what only the sender sees (a button's alert in a group)."""

    seen: bool
    own: str | None
    community: str | None
    sender_own: str | None
    sender_community: str | None
    flow: tuple[str | None, dict[str, Any]] | None


async def update_inputs(
    db: Database, *, update_id: int, user_id: int | None, group_chat_id: int | None,
    flow_key: str | None = None,
) -> UpdateInputs:
    """In one statement: whether the update was handled already, the reader's own
    locale setting and community default (of the group for a group chat, else of the
    user: their community through a role, else through a household), in a group also the
    sender's, and, when `flow_key` is given, that conversation's (state, data)."""
    reader = "group" if group_chat_id is not None else "user" if user_id is not None else ""
    stmt = _update_inputs_statement(reader, flow_key is not None)
    row = await db.read_row(stmt, {"update_id": update_id, "user_id": user_id,
                                   "chat_id": group_chat_id, "flow_key": flow_key})
    assert row is not None  # a SELECT without FROM returns one row
    sender = (row[3], row[4]) if reader == "group" else (row[1], row[2])
    flow_at = 5 if reader == "group" else 3
    flow = flow_repo.loaded(row[flow_at], row[flow_at + 1]) if flow_key is not None else None
    return UpdateInputs(bool(row[0]), row[1], row[2], *sender, flow)


@functools.cache
def _update_inputs_statement(reader: str, with_flow: bool) -> Select[Any]:
    """Built once per shape with bound parameters: building and hashing this statement
    cost more than running it (it is read before every update)."""
    seen = select(InboxEntry.update_id).where(InboxEntry.update_id == bindparam("update_id"))
    user_own = select(User.locale).where(User.id == bindparam("user_id")).scalar_subquery()
    user_community = community_locale_of(bindparam("user_id"))
    if reader == "group":
        group = (select(ChatGroup.locale, ChatGroup.community_id)
                 .where(ChatGroup.chat_id == bindparam("chat_id"))
                 .order_by(ChatGroup.thread_id).limit(1)).subquery()
        own = select(group.c.locale).scalar_subquery()
        community = (select(Community.locale)
                     .where(Community.id == select(group.c.community_id).scalar_subquery())
                     .scalar_subquery())
    elif reader == "user":
        own, community = user_own, user_community
    else:
        own = community = literal(None)
    columns = [seen.exists(), own, community]
    if reader == "group":  # the sender's too, for what only they see
        columns += [user_own, user_community]
    if with_flow:
        columns += flow_repo.columns_of(bindparam("flow_key"))
    return select(*columns)
