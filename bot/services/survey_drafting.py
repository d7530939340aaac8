"""What someone drafting a survey or poll may choose: the communities where they organize,
and the scope they may address there. Read-only; publish_survey checks everything again."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.roles import ORGANIZERS
from bot.services.communities import CommunityInfo
from bot.services.errors import NotPermitted
from bot.services.permissions import has_role
from bot.services.units import UnitInfo, info
from storage import UnitOfWork, communities_repo, roster_repo


@dataclass(frozen=True)
class ScopeChoices:
    """`whole`: the user may address the whole community (and so any unit of it);
    otherwise `roots` are the units their roles are on, each with everything below it."""

    community_id: int
    whole: bool
    roots: tuple[UnitInfo, ...]


async def organizer_communities(uow: UnitOfWork, user_id: int) -> list[CommunityInfo]:
    """Communities where the user holds an organizer role (committee, admin, building lead
    or floor contact) on any unit."""
    async with uow(readonly=True):
        rows = await communities_repo.managed_by(uow.session, user_id,
                                                 [str(r) for r in ORGANIZERS])
    return [CommunityInfo(c.id, c.name, c.timezone, c.locale) for c in rows]


async def scope_choices(uow: UnitOfWork, user_id: int, community_id: int) -> ScopeChoices:
    """The whole community for a community-wide organizer, else the units their organizer
    roles are on (a unit below another one they hold is left out: it is reachable)."""
    async with uow(readonly=True):
        session = uow.session
        if await has_role(session, user_id, community_id, None, ORGANIZERS):
            return ScopeChoices(community_id, True, ())
        wanted = {str(r) for r in ORGANIZERS}
        paths = sorted({path for role, path in await roster_repo.roles_with_paths(
            session, user_id, community_id) if role in wanted and path is not None})
        tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
        roots = []
        for path in tops:
            unit = await roster_repo.get_unit(session, int(path.strip("/").split("/")[-1]))
            if unit is not None:
                roots.append(await info(session, unit))
    return ScopeChoices(community_id, False, tuple(sorted(roots, key=lambda u: u.label)))


async def scope_unit(uow: UnitOfWork, user_id: int, community_id: int, unit_id: int,
                     ) -> UnitInfo:
    """A unit the user may address (with its full label), or NotPermitted / NotFound: a
    pressed button names the unit, and button data is client input."""
    async with uow(readonly=True):
        session = uow.session
        if not await has_role(session, user_id, community_id, unit_id, ORGANIZERS):
            raise NotPermitted("no_role_on_scope")
        # has_role raised NotFound already for a unit that is not of this community
        return await info(session, await roster_repo.get_unit(session, unit_id))
