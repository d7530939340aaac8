"""A resident's own data: a copy on request, and deletion of the personal part."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.domain.roles import Role
from bot.services.errors import InvalidInput
from bot.services.membership import profile
from storage import UnitOfWork
from storage.models import FlowState, Resident, RoleAssignment, User


async def my_data(uow: UnitOfWork, user_id: int) -> dict[str, Any]:
    """Everything stored about the user, as plain JSON-ready values."""
    found = await profile(uow, user_id)
    return {"telegram_user_id": found.user_id, "first_name": found.first_name,
            "username": found.username, "language": found.locale,
            "households": [asdict(m) for m in found.memberships],
            "roles": [asdict(r) for r in found.roles]}


async def delete_me(uow: UnitOfWork, user_id: int) -> None:
    """Forgets the user's name, username, language, household links, roles and unfinished
    conversations. Counts already published are messages in groups and stay as they were;
    the audit log keeps only numeric ids."""
    async with uow:
        session = uow.session
        administered = (await session.execute(select(RoleAssignment.community_id).where(
            RoleAssignment.user_id == user_id, RoleAssignment.role == str(Role.ADMIN)))).scalars()
        for community_id in set(administered):
            admins = await session.scalar(select(func.count(func.distinct(
                RoleAssignment.user_id))).where(RoleAssignment.community_id == community_id,
                                                RoleAssignment.role == str(Role.ADMIN)))
            if admins <= 1:
                # A community must keep an admin: hand the role over first.
                raise InvalidInput("last_admin")
        await session.execute(delete(Resident).where(Resident.user_id == user_id))
        await session.execute(delete(RoleAssignment).where(RoleAssignment.user_id == user_id))
        await session.execute(update(User).where(User.id == user_id).values(
            first_name=None, username=None, language_code=None, locale=None))
        # Private-chat flows: the key is fsm:<bot>:<chat>:<user>:<destiny>, chat == user.
        await session.execute(delete(FlowState).where(
            FlowState.key.like(f"fsm:%:{user_id}:{user_id}:%")))
        await uow.commit()
