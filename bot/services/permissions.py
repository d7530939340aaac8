"""Role checks on a scope: every service that changes something asks here first."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role, covers
from bot.services.errors import NotFound, NotPermitted
from storage import roster_repo


async def unit_path(session: AsyncSession, community_id: int, unit_id: int | None) -> str | None:
    """The path of a unit of this community (None for the community itself)."""
    if unit_id is None:
        return None
    unit = await roster_repo.get_unit(session, unit_id)
    if unit is None or unit.community_id != community_id:
        raise NotFound("unit")
    return unit.path


async def has_role(session: AsyncSession, user_id: int, community_id: int,
                   unit_id: int | None, roles: Iterable[Role]) -> bool:
    """Whether the user holds one of `roles` on the unit or on a unit above it."""
    wanted = {str(r) for r in roles}
    target = await unit_path(session, community_id, unit_id)
    for role, path in await roster_repo.roles_with_paths(session, user_id, community_id):
        if role in wanted and (covers(path, target) if target is not None else path is None):
            return True
    return False


async def require_role(session: AsyncSession, user_id: int, community_id: int,
                       unit_id: int | None, roles: Iterable[Role]) -> None:
    """Raises NotPermitted unless the user holds one of `roles` on that scope or above."""
    if not await has_role(session, user_id, community_id, unit_id, roles):
        raise NotPermitted("no_role_on_scope")
