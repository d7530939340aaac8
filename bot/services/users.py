"""Users: who they are to the bot, their language and their roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from bot.domain.locales import SUPPORTED
from bot.domain.roles import Audience, Role, audiences_for
from bot.services.errors import InvalidInput
from storage import UnitOfWork, users_repo
from storage.models import RoleAssignment, User


@dataclass(frozen=True)
class UserAccess:
    user_id: int
    roles: frozenset[Role]
    audiences: frozenset[Audience]


async def register_user(
    uow: UnitOfWork, user_id: int, first_name: str | None, username: str | None,
    language_code: str | None,
) -> None:
    """Records (or refreshes) a user who talked to the bot in private."""
    async with uow:
        await users_repo.touch_user(uow.session, user_id, first_name=first_name,
                                    username=username, language_code=language_code,
                                    now=uow.now())
        await uow.commit()


async def set_user_locale(
    uow: UnitOfWork, user_id: int, locale: str, *, first_name: str | None = None,
    language_code: str | None = None,
) -> str:
    """Stores the user's language choice and returns it."""
    if locale not in SUPPORTED:
        raise InvalidInput("unsupported_locale", locale=locale)
    async with uow:
        await users_repo.touch_user(uow.session, user_id, first_name=first_name, username=None,
                                    language_code=language_code, now=uow.now())
        await uow.session.execute(update(User).where(User.id == user_id).values(locale=locale))
        await uow.commit()
    return locale


async def user_access(
    uow: UnitOfWork, user_id: int, bootstrap_admins: frozenset[int],
) -> UserAccess:
    """Returns the user's roles (in any community) and the command audiences they open."""
    async with uow(readonly=True):
        assignments = await users_repo.roles_of(uow.session, user_id)
    roles = frozenset(Role(a.role) for a in assignments)
    return UserAccess(user_id, roles,
                      audiences_for(roles, bootstrap_admin=user_id in bootstrap_admins))


async def menu_users(uow: UnitOfWork, bootstrap_admins: frozenset[int]) -> list[UserAccess]:
    """The users whose command menu holds more than everyone's: the deployment admins and
    whoever holds a role other than resident, with what their roles open."""
    async with uow(readonly=True):
        rows = await uow.session.execute(
            select(RoleAssignment.user_id, RoleAssignment.role).distinct()
            .where(RoleAssignment.role != str(Role.RESIDENT)))
    roles: dict[int, set[Role]] = {user_id: set() for user_id in bootstrap_admins}
    for user_id, role in rows:
        roles.setdefault(user_id, set()).add(Role(role))
    return [UserAccess(user_id, frozenset(held),
                       audiences_for(frozenset(held), bootstrap_admin=user_id in bootstrap_admins))
            for user_id, held in sorted(roles.items())]
