"""Granting and revoking roles on units, with an audit entry for every change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from bot.domain.roles import MANAGERS, Role
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.permissions import has_role, unit_path
from bot.services.units import info
from storage import UnitOfWork, groups_repo, outbox_repo, roster_repo
from storage.models import AuditEntry, Household, Resident, RoleAssignment, Unit, User

# Roles that make sense on the whole community, and those that need a unit.
COMMUNITY_WIDE = frozenset({Role.ADMIN, Role.OWNERS_COMMITTEE, Role.RESIDENTS_COMMITTEE,
                            Role.PROPERTY})
UNIT_ROLES = frozenset({Role.BUILDING_LEAD, Role.FLOOR_CONTACT, Role.PROPERTY})
GRANTABLE = (Role.OWNERS_COMMITTEE, Role.RESIDENTS_COMMITTEE, Role.PROPERTY,
             Role.BUILDING_LEAD, Role.FLOOR_CONTACT, Role.ADMIN)


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str


@dataclass(frozen=True)
class Assignment:
    id: int
    user_id: int
    name: str
    role: str
    scope: str | None


def check_role_scope(role: Role, unit_kind: str | None) -> None:
    """Building leads sit on a building or entrance, floor contacts on a floor; the
    committees and admins on the community; property staff on either."""
    if unit_kind is None and role not in COMMUNITY_WIDE:
        raise InvalidInput("role_needs_unit")
    if role is Role.FLOOR_CONTACT and unit_kind != "floor":
        raise InvalidInput("floor_contact_on_floor")
    if role is Role.BUILDING_LEAD and unit_kind not in ("building", "entrance"):
        raise InvalidInput("lead_on_building")
    if unit_kind is not None and role in (Role.ADMIN, Role.OWNERS_COMMITTEE,
                                          Role.RESIDENTS_COMMITTEE):
        raise InvalidInput("role_is_community_wide")


async def _require_manager(session: object, actor_id: int, community_id: int) -> None:
    if not await has_role(session, actor_id, community_id, None, MANAGERS):
        raise NotPermitted("not_manager")


async def find_person(uow: UnitOfWork, text: str) -> Person:
    """A user who has talked to the bot, by @username or numeric id."""
    text = text.strip()
    async with uow(readonly=True):
        if text.lstrip("-").isdigit():
            user = await uow.session.get(User, int(text))
        else:
            user = await uow.session.scalar(select(User).where(
                func.lower(User.username) == text.lstrip("@").lower()))
    if user is None:
        raise NotFound("person_unknown", text=text)
    return Person(user.id, user.first_name or str(user.id))


async def verified_residents(uow: UnitOfWork, community_id: int, unit_id: int | None,
                             limit: int = 24) -> list[Person]:
    """Verified residents living in the unit, to pick from when granting a role."""
    async with uow(readonly=True):
        path = await unit_path(uow.session, community_id, unit_id)
        stmt = (select(User.id, User.first_name)
                .join(Resident, Resident.user_id == User.id)
                .join(Household, Household.id == Resident.household_id)
                .join(Unit, Unit.id == Household.floor_id)
                .where(Resident.status == "verified", Household.community_id == community_id))
        if path is not None:
            stmt = stmt.where(Unit.path.startswith(path))
        rows = await uow.session.execute(stmt.distinct().order_by(User.id).limit(limit))
    return [Person(uid, name or str(uid)) for uid, name in rows]


async def grant_role(uow: UnitOfWork, *, actor_id: int, community_id: int, user_id: int,
                     role: str, unit_id: int | None) -> Assignment:
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput("bad_role") from None
    if role is Role.RESIDENT:
        raise InvalidInput("bad_role")
    async with uow:
        session, now = uow.session, uow.now()
        await _require_manager(session, actor_id, community_id)
        unit = None
        if unit_id is not None:
            unit = await roster_repo.get_unit(session, unit_id)
            if unit is None or unit.community_id != community_id:
                raise NotFound("unit")
        check_role_scope(role, unit.kind if unit else None)
        user = await session.get(User, user_id)
        if user is None:
            raise NotFound("person_unknown", text=str(user_id))
        existing = await session.scalar(select(RoleAssignment).where(
            RoleAssignment.user_id == user_id, RoleAssignment.community_id == community_id,
            RoleAssignment.role == str(role),
            RoleAssignment.unit_id.is_(None) if unit_id is None
            else RoleAssignment.unit_id == unit_id))
        created = existing is None
        if created:
            existing = RoleAssignment(user_id=user_id, community_id=community_id,
                                      role=str(role), unit_id=unit_id, granted_by=actor_id,
                                      granted_at=now)
            session.add(existing)
            session.add(AuditEntry(community_id=community_id, actor_id=actor_id,
                                   action="grant_role",
                                   details={"user_id": user_id, "role": str(role),
                                            "unit_id": unit_id}, at=now))
            await session.flush()
        scope = (await info(session, unit)).label if unit else None
        if created and user_id != actor_id:
            # Told in private what the role is and the commands it brings; someone who
            # never started the bot can't be written to (403): that row just fails.
            community = await groups_repo.community_of(session, community_id)
            outbox_repo.enqueue(session, chat_id=user_id, kind="role_granted", now=now,
                                priority=1, params={"role": str(role), "scope": scope,
                                                    "community": community.name})
        await uow.commit()
    return Assignment(existing.id, user_id, user.first_name or str(user_id), str(role), scope)


async def list_assignments(uow: UnitOfWork, *, actor_id: int, community_id: int,
                           ) -> list[Assignment]:
    async with uow(readonly=True):
        session = uow.session
        await _require_manager(session, actor_id, community_id)
        rows = await session.execute(
            select(RoleAssignment, User.first_name, Unit)
            .outerjoin(User, User.id == RoleAssignment.user_id)
            .outerjoin(Unit, Unit.id == RoleAssignment.unit_id)
            .where(RoleAssignment.community_id == community_id).order_by(RoleAssignment.id))
        result = []
        for assignment, name, unit in rows:
            scope = (await info(session, unit)).label if unit is not None else None
            result.append(Assignment(assignment.id, assignment.user_id,
                                     name or str(assignment.user_id), assignment.role, scope))
    return result


async def revoke_role(uow: UnitOfWork, *, actor_id: int, assignment_id: int) -> Assignment:
    """Removes a role; the last admin of a community cannot be removed."""
    async with uow:
        session, now = uow.session, uow.now()
        assignment = await session.get(RoleAssignment, assignment_id)
        if assignment is None:
            raise NotFound("assignment")
        await _require_manager(session, actor_id, assignment.community_id)
        if assignment.role == Role.ADMIN:
            admins = await session.scalar(select(func.count()).select_from(RoleAssignment)
                                          .where(RoleAssignment.community_id
                                                 == assignment.community_id,
                                                 RoleAssignment.role == str(Role.ADMIN)))
            if admins <= 1:
                raise InvalidInput("last_admin")
        user = await session.get(User, assignment.user_id)
        unit = (await roster_repo.get_unit(session, assignment.unit_id)
                if assignment.unit_id else None)
        result = Assignment(assignment.id, assignment.user_id,
                            (user.first_name if user else None) or str(assignment.user_id),
                            assignment.role, (await info(session, unit)).label if unit else None)
        session.add(AuditEntry(community_id=assignment.community_id, actor_id=actor_id,
                               action="revoke_role",
                               details={"user_id": assignment.user_id,
                                        "role": assignment.role,
                                        "unit_id": assignment.unit_id}, at=now))
        await session.delete(assignment)
        await uow.commit()
    return result
