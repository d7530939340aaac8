"""The floor contact's list: each home of their floors, who is verified, who is waiting."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.units import info
from storage import UnitOfWork, membership_repo, roster_repo


@dataclass(frozen=True)
class HomeStatus:
    room: str
    verified: tuple[str, ...]
    pending: tuple[str, ...]


@dataclass(frozen=True)
class FloorRoster:
    label: str
    homes: tuple[HomeStatus, ...]

    @property
    def verified_households(self) -> int:
        return sum(1 for h in self.homes if h.verified)


async def floor_rosters(uow: UnitOfWork, user_id: int) -> list[FloorRoster]:
    """Floors where the user is floor contact, or below a building they lead."""
    async with uow(readonly=True):
        session = uow.session
        result = []
        for floor in await roster_repo.floors_looked_after(session, user_id):
            homes = []
            for household, people in await membership_repo.floor_statuses(session, floor.id):
                names = {"verified": [], "pending": []}
                for resident, user in people:
                    names[resident.status].append(
                        (user.first_name if user else None) or "?")
                homes.append(HomeStatus(household.room, tuple(names["verified"]),
                                        tuple(names["pending"])))
            result.append(FloorRoster((await info(session, floor)).label, tuple(homes)))
    return result
