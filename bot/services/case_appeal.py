"""The reporter's appeal against a rejection: the next body up the chain reviews the case.

One appeal per case. The case is given to the body above the level where it was rejected,
with fresh deadlines, as if newly assigned to it: that body gets the card and may accept,
resolve, or reject it in its turn — a second rejection stands. At the top of the chain
there is nobody to appeal to.
"""

from __future__ import annotations

from bot.domain.cases import Status
from bot.services.case_actions import hand_over, reporters_case
from bot.services.case_sweep import schedule
from bot.services.case_views import CaseView, case_view, queue_card_refresh
from bot.services.errors import InvalidInput
from bot.services.reports import dispatch
from storage import UnitOfWork, cases_repo


async def appeal_case(uow: UnitOfWork, *, user_id: int, case_id: int) -> CaseView:
    """Reopens the reporter's rejected case at the next level; returns it as now
    assigned."""
    async with uow:
        session, now = uow.session, uow.now()
        case = await reporters_case(session, user_id, case_id)
        if case.status != Status.REJECTED:
            raise InvalidInput("not_rejected", number=case.number)
        before = await case_view(session, case)
        if any(e.kind == "appealed" for e in before.timeline):
            raise InvalidInput("already_appealed", number=case.number)
        target = next((b for b in await cases_repo.bodies(session, case.community_id)
                       if b.level == case.level + 1), None)
        if target is None:
            raise InvalidInput("no_appeal", number=case.number)
        from_level = case.level
        hand_over(case, target, now)
        case.closed_at = None
        schedule(case, now)
        cases_repo.add_event(session, case, "appealed", now, user_id, from_level=from_level,
                             to_body=target.id)
        await session.flush()
        view = await case_view(session, case)
        await queue_card_refresh(session, view, now)
        await dispatch(session, case, view, target, now, appealed=before.level_body.json())
        await uow.commit()
    return view
