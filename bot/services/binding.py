"""Binding a Telegram group (or a forum topic) to a unit and a purpose."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from bot.domain.roles import MANAGERS
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.permissions import has_role
from bot.services.units import info
from storage import UnitOfWork, roster_repo
from storage.models import AuditEntry, ChatGroup, Community
from storage.upsert import upsert


class Purpose(StrEnum):
    RESIDENTS = "residents"
    COMMITTEE = "committee"
    PROPERTY = "property"


@dataclass(frozen=True)
class Binding:
    group_id: int
    chat_id: int
    thread_id: int
    community_id: int
    community_name: str
    purpose: Purpose
    unit_id: int | None
    unit_label: str | None
    # The group's language from now on: its own setting, else its community's default.
    locale: str


async def bind_group(
    uow: UnitOfWork, *, user_id: int, community_id: int, chat_id: int, thread_id: int,
    title: str | None, purpose: str, unit_id: int | None,
) -> Binding:
    """Binds the chat (topic) after re-checking the user manages that scope. A residents'
    group needs a unit; a committee or property group belongs to the whole community."""
    try:
        purpose = Purpose(purpose)
    except ValueError:
        raise InvalidInput("bad_purpose") from None
    if purpose is Purpose.RESIDENTS and unit_id is None:
        raise InvalidInput("unit_required")
    if purpose is not Purpose.RESIDENTS:
        unit_id = None
    async with uow:
        session, now = uow.session, uow.now()
        if not await has_role(session, user_id, community_id, unit_id, MANAGERS):
            raise NotPermitted("not_manager")
        unit_label = None
        if unit_id is not None:
            unit = await roster_repo.get_unit(session, unit_id)
            if unit is None or unit.community_id != community_id:
                raise NotFound("unit")
            unit_label = (await info(session, unit)).label
        values = {"chat_id": chat_id, "thread_id": thread_id, "title": title,
                  "community_id": community_id, "unit_id": unit_id, "purpose": str(purpose),
                  "active": True, "bound_by": user_id, "created_at": now, "updated_at": now}
        await upsert(session, ChatGroup, values, ["chat_id", "thread_id"],
                     ["title", "community_id", "unit_id", "purpose", "active", "bound_by",
                      "updated_at"])
        group = await session.scalar(select(ChatGroup).where(
            ChatGroup.chat_id == chat_id, ChatGroup.thread_id == thread_id))
        session.add(AuditEntry(community_id=community_id, actor_id=user_id, action="bind",
                               details={"chat_id": chat_id, "thread_id": thread_id,
                                        "purpose": str(purpose), "unit_id": unit_id},
                               at=now))
        community = await session.get(Community, community_id)
        await uow.commit()
    return Binding(group.id, chat_id, thread_id, community_id, community.name, purpose,
                   unit_id, unit_label, group.locale or community.locale)


async def unbind_group(uow: UnitOfWork, *, user_id: int, chat_id: int, thread_id: int) -> None:
    async with uow:
        session = uow.session
        group = await session.scalar(select(ChatGroup).where(
            ChatGroup.chat_id == chat_id, ChatGroup.thread_id == thread_id))
        if group is None or group.community_id is None:
            raise NotFound("not_bound")
        if not await has_role(session, user_id, group.community_id, group.unit_id, MANAGERS):
            raise NotPermitted("not_manager")
        session.add(AuditEntry(community_id=group.community_id, actor_id=user_id,
                               action="unbind", details={"chat_id": chat_id,
                                                         "thread_id": thread_id},
                               at=uow.now()))
        group.community_id = None
        group.unit_id = None
        group.purpose = None
        group.join_message_id = None
        group.updated_at = uow.now()
        await uow.commit()


async def set_join_message(uow: UnitOfWork, group_id: int, message_id: int) -> None:
    async with uow:
        group = await uow.session.get(ChatGroup, group_id)
        if group is not None:
            group.join_message_id = message_id
        await uow.commit()


@dataclass(frozen=True)
class GroupBinding:
    group_id: int
    community_id: int
    purpose: str
    unit_id: int | None
    active: bool


async def binding_of(uow: UnitOfWork, group_id: int) -> GroupBinding | None:
    async with uow(readonly=True):
        group = await uow.session.get(ChatGroup, group_id)
    if group is None or group.community_id is None or group.purpose is None:
        return None
    return GroupBinding(group.id, group.community_id, group.purpose, group.unit_id,
                        group.active)
