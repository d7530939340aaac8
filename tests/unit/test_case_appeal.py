"""Rejecting and appealing, on a real database: once a case has climbed the chain, only the
body it reached (or an admin) may reject it; the reporter may appeal a rejection once, to
the next body up, which gets the case with fresh deadlines; an admin acts for the body the
case is with, and Accept is refused once a body has answered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.cases import Status
from bot.services.case_access import check_actor
from bot.services.case_actions import act_on_case
from bot.services.case_appeal import appeal_case
from bot.services.case_sweep import sweep_cases
from bot.services.errors import InvalidInput, NotPermitted
from storage import UnitOfWork, cases_repo
from tests.unit.test_reports import (
    ADMIN,
    COMMITTEE_CHAT,
    NEIGHBOUR,
    OWNERS,
    REPORTER,
    STAFF,
    make_estate,
    outbox,
    report,
)


@pytest.fixture
async def estate(db, clock):
    return await make_estate(db, clock)


async def bodies_of(db, community_id: int) -> dict[str, int]:
    async with db.reading() as session:
        return {b.key: b.id for b in await cases_repo.bodies(session, community_id)}


async def last_notice(db) -> dict:
    return (await outbox(db, "case_update"))[-1].params


async def test_an_escalated_case_is_rejected_only_where_it_climbed(db, clock, estate):
    view = await report(db, clock, estate)
    clock.advance(timedelta(hours=4, minutes=1))  # past the accept deadline
    await sweep_cases(UnitOfWork(db, clock), clock.now(), 100)
    uow = UnitOfWork(db, clock)
    with pytest.raises(NotPermitted, match="reject_level") as refused:
        await act_on_case(uow, user_id=STAFF, case_id=view.id, action="reject", note="不管")
    assert refused.value.details["body"] == ["owners_committee", None]
    with pytest.raises(NotPermitted, match="reject_level"):
        await check_actor(uow, STAFF, view.id, "reject")
    # Property may still do everything else.
    assert (await check_actor(uow, STAFF, view.id, "resolve")).id == view.id
    rejected = await act_on_case(uow, user_id=OWNERS, case_id=view.id, action="reject",
                                 note="这是住户自己的事")
    assert rejected.status is Status.REJECTED
    notice = await last_notice(db)
    assert (notice["event"], notice["by"], notice["appeal_to"]) == (
        "rejected", ["owners_committee", None], ["residents_committee", None])


async def test_the_reporter_appeals_once_to_the_next_body(db, clock, estate):
    view = await report(db, clock, estate)
    uow = UnitOfWork(db, clock)
    await act_on_case(uow, user_id=STAFF, case_id=view.id, action="reject", note="不归物业管")
    assert (await last_notice(db))["appeal_to"] == ["owners_committee", None]
    with pytest.raises(NotPermitted, match="not_reporter"):
        await appeal_case(uow, user_id=NEIGHBOUR, case_id=view.id)
    clock.advance(timedelta(hours=1))
    appealed = await appeal_case(uow, user_id=REPORTER, case_id=view.id)
    assert (appealed.status, appealed.body.key, appealed.level) == (
        Status.NEW, "owners_committee", 2)
    assert (appealed.ack_due, appealed.acked_at) == (clock.now() + timedelta(hours=4), None)
    assert appealed.timeline[-1].kind == "appealed"
    assert appealed.next_escalation == appealed.ack_due, "the sweeper watches it again"
    [card] = [c for c in await outbox(db, "case_card") if c.params.get("appealed")]
    assert (card.chat_id, card.params["appealed"]) == (COMMITTEE_CHAT, ["property", None])
    with pytest.raises(InvalidInput, match="not_rejected"):
        await appeal_case(uow, user_id=REPORTER, case_id=view.id)
    with pytest.raises(NotPermitted):  # property is not responsible any more
        await act_on_case(uow, user_id=STAFF, case_id=view.id, action="accept")
    # The owners' committee rejects it too: that stands.
    again = await act_on_case(uow, user_id=OWNERS, case_id=view.id, action="reject",
                              note="确实不归我们")
    assert again.appeal_to is None
    assert (await last_notice(db))["appeal_to"] is None
    with pytest.raises(InvalidInput, match="already_appealed"):
        await appeal_case(uow, user_id=REPORTER, case_id=view.id)


async def test_nobody_is_above_the_top_of_the_chain(db, clock, estate):
    view = await report(db, clock, estate)
    uow = UnitOfWork(db, clock)
    admins = (await bodies_of(db, estate.community_id))["admins"]
    await act_on_case(uow, user_id=STAFF, case_id=view.id, action="reassign", body_id=admins)
    rejected = await act_on_case(uow, user_id=ADMIN, case_id=view.id, action="reject",
                                 note="重复报事")
    assert rejected.appeal_to is None
    with pytest.raises(InvalidInput, match="no_appeal"):
        await appeal_case(uow, user_id=REPORTER, case_id=view.id)


async def test_an_admin_acts_for_the_body_the_case_is_with(db, clock, estate):
    view = await report(db, clock, estate)
    uow = UnitOfWork(db, clock)
    committee = (await bodies_of(db, estate.community_id))["residents_committee"]
    await act_on_case(uow, user_id=STAFF, case_id=view.id, action="reassign",
                      body_id=committee)
    await act_on_case(uow, user_id=ADMIN, case_id=view.id, action="accept")
    notice = await last_notice(db)
    assert (notice["event"], notice["by"]) == ("accepted", ["residents_committee", None])


async def test_accept_is_refused_once_a_body_has_answered(db, clock, estate):
    uow = UnitOfWork(db, clock)
    asked_first = await report(db, clock, estate)
    await act_on_case(uow, user_id=STAFF, case_id=asked_first.id, action="ask", note="几楼？")
    accepted_first = await report(db, clock, estate)
    await act_on_case(uow, user_id=STAFF, case_id=accepted_first.id, action="accept")
    await act_on_case(uow, user_id=STAFF, case_id=accepted_first.id, action="ask",
                      note="几楼？")
    for case in (asked_first, accepted_first):
        with pytest.raises(InvalidInput, match="already_accepted"):
            await act_on_case(uow, user_id=STAFF, case_id=case.id, action="accept")
