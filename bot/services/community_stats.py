"""Whose case statistics a user may see — the communities where they are a community admin
or a committee member, community-wide — and the figures of the one they chose (/stats)."""

from __future__ import annotations

from bot.domain.roles import MANAGERS
from bot.services.case_stats import CaseStats, compute_stats
from bot.services.communities import CommunityInfo
from bot.services.errors import NotPermitted
from bot.services.permissions import has_role
from storage import UnitOfWork, communities_repo
from storage.models import Community


async def stats_communities(uow: UnitOfWork, user_id: int) -> list[CommunityInfo]:
    """The communities whose statistics the user may see, in the order they were created."""
    async with uow(readonly=True):
        session = uow.session
        rows = await communities_repo.managed_by(session, user_id, [str(r) for r in MANAGERS])
        return [CommunityInfo(c.id, c.name, c.timezone, c.locale) for c in rows
                if await has_role(session, user_id, c.id, None, MANAGERS)]


async def community_stats(uow: UnitOfWork, user_id: int, community_id: int) -> CaseStats:
    """The figures of one community; NotPermitted unless the user may see them (the id
    comes from a button, so it is client input)."""
    async with uow(readonly=True):
        session = uow.session
        if not await has_role(session, user_id, community_id, None, MANAGERS):
            raise NotPermitted("not_manager")
        community = await session.get(Community, community_id)
        return await compute_stats(session, community, uow.now())
