"""Test builders (`make_*`): a community with a small roster, written through the real
services and storage API."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.clock import Clock
from bot.services.communities import create_community
from storage import Database, UnitOfWork, roster_repo
from storage.models import Household
from storage.users_repo import touch_user


@dataclass
class Roster:
    community_id: int
    compound_id: int
    building_id: int
    floors: dict[str, int] = field(default_factory=dict)  # floor name → unit id
    homes: dict[str, int] = field(default_factory=dict)  # room → household id


async def make_roster(db: Database, clock: Clock, *, admin_id: int, name: str = "幸福里",
                      floors: int = 3, rooms: int = 2, area: float = 90.0,
                      locale: str = "zh_CN") -> Roster:
    """One compound, building 1号楼, floors 1..n with rooms n01..n0m."""
    info = await create_community(UnitOfWork(db, clock), creator_id=admin_id,
                                  bootstrap_admins=frozenset({admin_id}), name=name,
                                  timezone="Asia/Shanghai", locale=locale, daily_time="08:00")
    async with UnitOfWork(db, clock) as uow:
        session = uow.session
        compound = await roster_repo.add_unit(session, info.id, None, "compound", "幸福小区")
        building = await roster_repo.add_unit(session, info.id, compound, "building", "1号楼")
        roster = Roster(info.id, compound.id, building.id)
        for f in range(1, floors + 1):
            floor = await roster_repo.add_unit(session, info.id, building, "floor", str(f), f)
            roster.floors[str(f)] = floor.id
            for r in range(1, rooms + 1):
                home = Household(community_id=info.id, floor_id=floor.id,
                                 building_id=building.id, room=f"{f}0{r}", area=area,
                                 owner_key=f"O{f}{r}")
                session.add(home)
                await session.flush()
                roster.homes[home.room] = home.id
        await uow.commit()
    return roster


async def make_user(db: Database, clock: Clock, user_id: int, name: str,
                    username: str | None = None, language_code: str = "zh-hans") -> None:
    async with UnitOfWork(db, clock) as uow:
        await touch_user(uow.session, user_id, first_name=name, username=username,
                         language_code=language_code, now=clock.now())
        await uow.commit()


async def make_resident(db: Database, clock: Clock, user_id: int, household_id: int,
                        relation: str = "owner", name: str | None = None) -> None:
    """A verified resident of a household (as if a floor contact had approved them)."""
    from storage.models import Resident

    await make_user(db, clock, user_id, name or f"r{user_id}")
    async with UnitOfWork(db, clock) as uow:
        uow.session.add(Resident(user_id=user_id, household_id=household_id,
                                 relation=relation, status="verified",
                                 requested_at=clock.now(), decided_by=0,
                                 decided_at=clock.now()))
        await uow.commit()


async def make_group(db: Database, clock: Clock, community_id: int, unit_id: int | None,
                     chat_id: int, purpose: str = "residents", locale: str | None = None,
                     ) -> int:
    from storage.models import ChatGroup

    async with UnitOfWork(db, clock) as uow:
        group = ChatGroup(chat_id=chat_id, thread_id=0, title=f"g{chat_id}",
                          community_id=community_id, unit_id=unit_id, purpose=purpose,
                          locale=locale, active=True, created_at=clock.now(),
                          updated_at=clock.now())
        uow.session.add(group)
        await uow.commit()
        return group.id


async def make_role(db: Database, clock: Clock, community_id: int, user_id: int, role: str,
                    unit_id: int | None = None) -> None:
    """Grants a role (as the community's first admin would)."""
    from storage import communities_repo

    await make_user(db, clock, user_id, f"staff{user_id}")
    async with UnitOfWork(db, clock) as uow:
        await communities_repo.grant(uow.session, user_id=user_id, community_id=community_id,
                                     role=role, granted_by=0, now=clock.now(), unit_id=unit_id)
        await uow.commit()
