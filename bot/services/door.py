"""Door to door: which open surveys a floor contact or building lead can collect answers
for — those whose scope covers at least one floor they look after — and how many homes of
those floors nobody has answered for yet. Read-only; recording is in `answering`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.domain.roles import Role
from bot.services.errors import NotPermitted
from storage import UnitOfWork, surveys_repo
from storage.models import Community, RoleAssignment, Survey, Unit

CONTACT_ROLES = (str(Role.FLOOR_CONTACT), str(Role.BUILDING_LEAD))


@dataclass(frozen=True)
class DoorSurvey:
    id: int
    title: str
    deadline: datetime
    timezone: str
    missing: int  # homes of the contact's floors nobody has answered for


async def door_surveys(uow: UnitOfWork, contact_id: int) -> list[DoorSurvey]:
    """Open surveys covering the contact's floors, soonest deadline first; NotPermitted
    when the user is no floor contact or building lead anywhere."""
    async with uow(readonly=True):
        session, now = uow.session, uow.now()
        roles = (await session.execute(
            select(RoleAssignment.community_id, Unit.path)
            .join(Unit, Unit.id == RoleAssignment.unit_id)
            .where(RoleAssignment.user_id == contact_id,
                   RoleAssignment.role.in_(CONTACT_ROLES)))).all()
        if not roles:
            raise NotPermitted("not_floor_contact")
        floors: dict[int, set[int]] = {}
        for community_id, path in roles:
            floors.setdefault(community_id, set()).update(
                await surveys_repo.floors_under(session, path))
        rows = (await session.execute(
            select(Survey, Community.timezone).join(Community, Community.id
                                                    == Survey.community_id)
            .where(Survey.community_id.in_(list(floors)), Survey.status == "open",
                   Survey.deadline > now)
            .order_by(Survey.deadline, Survey.id))).all()
        found = []
        for survey, timezone in rows:
            paths = await surveys_repo.scope_paths(session, survey.id)
            covered = floors[survey.community_id] & set(
                await surveys_repo.scope_floors(session, survey.community_id, paths))
            if covered:
                missing = await surveys_repo.missing_households(session, survey, paths,
                                                                sorted(covered))
                found.append(DoorSurvey(survey.id, survey.title, survey.deadline, timezone,
                                        len(missing)))
    return found
