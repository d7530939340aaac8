"""Joining: a resident asks to be linked to a household; the floor contact (else the
building lead, else the committee) approves or rejects; the resident hears the result."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from bot.domain.roles import COMMITTEE, Role
from bot.services.binding import Purpose
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.permissions import has_role
from bot.services.units import UnitInfo, info
from storage import UnitOfWork, groups_repo, membership_repo, outbox_repo, roster_repo
from storage.models import (
    AuditEntry,
    ChatGroup,
    Community,
    Household,
    Resident,
    RoleAssignment,
    Unit,
    User,
)
from storage.users_repo import touch_user


class Relation(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"
    FAMILY = "family"


REVIEWERS = (Role.FLOOR_CONTACT, Role.BUILDING_LEAD, Role.ADMIN, *COMMITTEE)


@dataclass(frozen=True)
class RoomInfo:
    household_id: int
    room: str


@dataclass(frozen=True)
class JoinStart:
    group_id: int
    community_id: int
    unit: UnitInfo
    floors: tuple[UnitInfo, ...]


@dataclass(frozen=True)
class JoinRequest:
    resident_id: int
    household_label: str
    status: str
    reviewers: int
    already: bool


@dataclass(frozen=True)
class JoinDecision:
    resident_id: int
    user_id: int
    household_label: str
    status: str
    changed: bool


async def join_start(uow: UnitOfWork, group_id: int) -> JoinStart:
    """What a resident arriving from a group's Join button can choose from."""
    async with uow(readonly=True):
        session = uow.session
        group = await session.get(ChatGroup, group_id)
        if (group is None or not group.active or group.purpose != Purpose.RESIDENTS
                or group.unit_id is None):
            raise NotFound("join_link")
        unit = await roster_repo.get_unit(session, group.unit_id)
        floors = ([unit] if unit.kind == "floor"
                  else await roster_repo.descendants(session, unit, kind="floor"))
        floor_infos = tuple([await info(session, f) for f in floors])
        return JoinStart(group.id, group.community_id, await info(session, unit), floor_infos)


async def rooms_of_floor(uow: UnitOfWork, floor_id: int) -> list[RoomInfo]:
    async with uow(readonly=True):
        households = await roster_repo.households_of_floor(uow.session, floor_id)
    return [RoomInfo(h.id, h.room) for h in households]


async def household_label(session: object, household: Household) -> str:
    floor = await roster_repo.get_unit(session, household.floor_id)
    return f"{(await info(session, floor)).label} {household.room}"


async def request_join(
    uow: UnitOfWork, *, user_id: int, first_name: str | None, username: str | None,
    language_code: str | None, household_id: int, relation: str,
) -> JoinRequest:
    """Records the request (or says it exists) and sends it to the reviewers."""
    try:
        relation = Relation(relation)
    except ValueError:
        raise InvalidInput("bad_relation") from None
    async with uow:
        session, now = uow.session, uow.now()
        household = await session.get(Household, household_id)
        if household is None:
            raise NotFound("household")
        await touch_user(session, user_id, first_name=first_name, username=username,
                         language_code=language_code, now=now)
        label = await household_label(session, household)
        existing = await membership_repo.find(session, user_id, household_id)
        if existing is not None and existing.status in ("pending", "verified"):
            return JoinRequest(existing.id, label, existing.status, 0, already=True)
        if existing is None:
            existing = Resident(user_id=user_id, household_id=household_id,
                                relation=str(relation), status="pending", requested_at=now)
            session.add(existing)
        else:
            existing.relation, existing.status = str(relation), "pending"
            existing.requested_at, existing.decided_by, existing.decided_at = now, None, None
        await session.flush()
        targets = await _reviewer_chats(session, household)
        params = {"resident_id": existing.id, "name": first_name or "", "username": username,
                  "household": label, "relation": str(relation)}
        for chat_id in targets:
            outbox_repo.enqueue(session, chat_id=chat_id, kind="join_request", params=params,
                                now=now, priority=1)
        await uow.commit()
        return JoinRequest(existing.id, label, "pending", len(targets), already=False)


async def _reviewer_chats(session: object, household: Household) -> list[int]:
    """Floor contacts of the floor; else building leads of the building (or entrance);
    else the committee group(s); else committee members and admins in private."""
    floor = await roster_repo.get_unit(session, household.floor_id)
    ancestors = _ancestor_paths(floor.path)
    contacts = await membership_repo.reviewers(session, household.community_id,
                                               Role.FLOOR_CONTACT, [floor.path])
    if contacts:
        return contacts
    leads = await membership_repo.reviewers(session, household.community_id,
                                            Role.BUILDING_LEAD, ancestors)
    if leads:
        return leads
    groups = await groups_repo.active_chats(session, household.community_id, "committee")
    if groups:
        return groups
    return await membership_repo.community_role_holders(
        session, household.community_id, [str(r) for r in (*COMMITTEE, Role.ADMIN)])


def _ancestor_paths(path: str) -> list[str]:
    ids = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(ids[:i]) + "/" for i in range(1, len(ids) + 1)]


async def decide_join(uow: UnitOfWork, *, reviewer_id: int, resident_id: int,
                      approve: bool) -> JoinDecision:
    """Approves or rejects once; a second press reports the decision already taken."""
    async with uow:
        session, now = uow.session, uow.now()
        resident = await session.get(Resident, resident_id)
        if resident is None:
            raise NotFound("join_request")
        household = await session.get(Household, resident.household_id)
        if resident.user_id == reviewer_id:
            raise NotPermitted("own_request")
        if not await has_role(session, reviewer_id, household.community_id,
                              household.floor_id, REVIEWERS):
            raise NotPermitted("not_reviewer")
        label = await household_label(session, household)
        if resident.status != "pending":
            return JoinDecision(resident.id, resident.user_id, label, resident.status, False)
        resident.status = "verified" if approve else "rejected"
        resident.decided_by, resident.decided_at = reviewer_id, now
        session.add(AuditEntry(community_id=household.community_id, actor_id=reviewer_id,
                               action="join_" + resident.status,
                               details={"resident_id": resident.id,
                                        "household_id": household.id}, at=now))
        outbox_repo.enqueue(session, chat_id=resident.user_id, kind="join_decided", now=now,
                            priority=1, params={"household": label,
                                                "approved": approve})
        await uow.commit()
        return JoinDecision(resident.id, resident.user_id, label, resident.status, True)


@dataclass(frozen=True)
class Membership:
    household_label: str
    relation: str
    status: str


@dataclass(frozen=True)
class RoleInfo:
    role: str
    community: str
    scope: str | None


@dataclass(frozen=True)
class Profile:
    user_id: int
    first_name: str | None
    username: str | None
    locale: str | None
    memberships: tuple[Membership, ...]
    roles: tuple[RoleInfo, ...]


async def profile(uow: UnitOfWork, user_id: int) -> Profile:
    """Everything Zhongyi knows about a user (for /me and /mydata)."""
    async with uow(readonly=True):
        session = uow.session
        user = await session.get(User, user_id)
        memberships = []
        for resident, household in await membership_repo.of_user(session, user_id):
            memberships.append(Membership(await household_label(session, household),
                                          resident.relation, resident.status))
        roles = []
        rows = await session.execute(
            select(RoleAssignment, Community.name, Unit)
            .join(Community, Community.id == RoleAssignment.community_id)
            .outerjoin(Unit, Unit.id == RoleAssignment.unit_id)
            .where(RoleAssignment.user_id == user_id).order_by(RoleAssignment.id))
        for assignment, community_name, unit in rows:
            scope = (await info(session, unit)).label if unit is not None else None
            roles.append(RoleInfo(assignment.role, community_name, scope))
    return Profile(user_id, user.first_name if user else None,
                   user.username if user else None, user.locale if user else None,
                   tuple(memberships), tuple(roles))

