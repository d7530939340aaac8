"""Who may act on a case for a body, and for which body they act.

The bodies responsible for a case are the one it is assigned to and every body up to where
it has climbed; a community admin may act for any of them. Rejecting is stricter: once a
case has climbed the chain, the body it climbed away from may no longer close it alone —
only the body it reached, or an admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import OPEN
from bot.domain.roles import Role
from bot.services.case_views import CaseView, Label, case_view, load_case
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.permissions import has_role
from storage import UnitOfWork, cases_repo
from storage.case_models import Body, Case


@dataclass(frozen=True)
class BodyOption:
    id: int
    label: Label


async def responsible(session: AsyncSession, case: Case) -> list[Body]:
    """Every body from the one assigned up to where the case has climbed, bottom up."""
    assigned = await session.get(Body, case.body_id)
    return [b for b in await cases_repo.bodies(session, case.community_id)
            if assigned.level <= b.level <= case.level]


def _entitled(bodies: list[Body], action: str) -> list[Body]:
    """The responsible bodies that may take `action`: for a rejection, only the one the
    case has climbed to (the last, the chain being bottom up)."""
    return bodies[-1:] if action == "reject" else bodies


async def _holds(session: AsyncSession, user_id: int, case: Case, bodies: list[Body]) -> bool:
    """Whether the user holds the role of one of `bodies` (on the community or on the
    case's building) or is a community admin."""
    roles = {Role(b.role) for b in bodies} | {Role.ADMIN}
    return await has_role(session, user_id, case.community_id, case.building_id, roles)


async def load_for_body(session: AsyncSession, user_id: int, case_id: int,
                        action: str = "") -> Case:
    """The case, if the user may take `action` on it now for a body."""
    case = await load_case(session, case_id)
    bodies = await responsible(session, case)
    if not await _holds(session, user_id, case, bodies):
        raise NotPermitted("not_case_body")
    if case.status not in OPEN:
        raise InvalidInput("case_closed", number=case.number)
    if action == "reject" and not await _holds(session, user_id, case, _entitled(bodies, action)):
        top = bodies[-1]
        raise NotPermitted("reject_level", number=case.number, body=[top.key, top.name])
    return case


async def check_actor(uow: UnitOfWork, user_id: int, case_id: int,
                      action: str = "") -> CaseView:
    """The case, if this user may take `action` on it now (before asking them for a note)."""
    async with uow(readonly=True):
        case = await load_for_body(uow.session, user_id, case_id, action)
        return await case_view(uow.session, case)


async def reassign_options(uow: UnitOfWork, user_id: int, case_id: int) -> list[BodyOption]:
    async with uow(readonly=True):
        case = await load_for_body(uow.session, user_id, case_id)
        return [BodyOption(b.id, Label(b.key, b.name))
                for b in await cases_repo.bodies(uow.session, case.community_id)
                if b.id != case.body_id]


async def acting_body(session: AsyncSession, user_id: int, case: Case, action: str) -> Label:
    """The body the user acted for: the lowest entitled one whose role they hold (an
    escalated case may be resolved by the body it was assigned to, or by one above);
    an admin who holds none acts for the body the case has climbed to."""
    bodies = await responsible(session, case)
    for body in _entitled(bodies, action):
        if await has_role(session, user_id, case.community_id, case.building_id,
                          [Role(body.role)]):
            return Label(body.key, body.name)
    return Label(bodies[-1].key, bodies[-1].name)
