"""Refreshing the cards of a case on a real database: once another body handles the case
(reassigned, appealed), the cards in the groups of the body it left are edited read-only,
saying who handles it now; a card that already shows the case's state is not edited again
(the neighbours' card when only the body changed, any card refreshed twice). A rejection
after an appeal tells the reporter it was reviewed: it is final."""

from __future__ import annotations

import pytest

from bot.services.case_actions import act_on_case
from bot.services.case_appeal import appeal_case
from bot.services.case_views import case_view, load_case, queue_card_refresh
from bot.ui.i18n import make_i18n
from bot.ui.render import render
from storage import UnitOfWork, cases_repo
from tests.unit.test_reports import (
    BUILDING_CHAT,
    COMMITTEE_CHAT,
    OWNERS,
    PROPERTY_CHAT,
    REPORTER,
    STAFF,
    make_estate,
    outbox,
    report,
)

I18N = make_i18n("en")


@pytest.fixture
async def estate(db, clock):
    return await make_estate(db, clock)


async def edits(db) -> dict[int, list]:
    """The edits queued, by chat."""
    found: dict[int, list] = {}
    for row in await outbox(db):
        if row.edit_of is not None:
            found.setdefault(row.chat_id, []).append(row)
    return found


async def owners_id(db, community_id: int) -> int:
    async with db.reading() as session:
        return next(b.id for b in await cases_repo.bodies(session, community_id)
                    if b.key == "owners_committee")


async def test_the_body_a_case_left_gets_a_read_only_card(db, clock, estate):
    view = await report(db, clock, estate, shared=True)
    await act_on_case(UnitOfWork(db, clock), user_id=STAFF, case_id=view.id,
                      action="reassign", body_id=await owners_id(db, estate.community_id))
    queued = await edits(db)
    [left] = queued[PROPERTY_CHAT]
    assert left.params["read_only"] is True
    shown = render(I18N, left.kind, left.params, "en")
    assert shown.reply_markup is None
    assert "🔒 Owners' committee handles this case now: nothing more to do here." in shown.text
    assert BUILDING_CHAT not in queued, "the neighbours' card shows nothing that changed"
    [posted] = [c for c in await outbox(db, "case_card") if c.chat_id == COMMITTEE_CHAT]
    assert render(I18N, posted.kind, posted.params, "en").reply_markup is not None

    await act_on_case(UnitOfWork(db, clock), user_id=OWNERS, case_id=view.id, action="accept")
    queued = await edits(db)
    [left] = queued[PROPERTY_CHAT]
    assert left.params["read_only"] is True, "its waiting edit got the new state, still read-only"
    assert [e.params["status"] for e in queued[BUILDING_CHAT]] == ["accepted"]
    [live] = queued[COMMITTEE_CHAT]
    assert "read_only" not in live.params
    assert render(I18N, live.kind, live.params, "en").reply_markup is not None

    rows = len(await outbox(db))
    async with UnitOfWork(db, clock) as uow:
        case = await load_case(uow.session, view.id)
        await queue_card_refresh(uow.session, await case_view(uow.session, case), clock.now())
        await uow.commit()
    assert len(await outbox(db)) == rows, "nothing changed: no edit"


async def test_after_an_appeal_the_rejecting_body_card_is_read_only(db, clock, estate):
    view = await report(db, clock, estate)
    await act_on_case(UnitOfWork(db, clock), user_id=STAFF, case_id=view.id, action="reject",
                      note="不归物业管")
    [rejected] = (await edits(db))[PROPERTY_CHAT]
    assert "read_only" not in rejected.params, "still the body's case, closed"
    await appeal_case(UnitOfWork(db, clock), user_id=REPORTER, case_id=view.id)
    [left] = (await edits(db))[PROPERTY_CHAT]
    assert left.params["read_only"] is True
    assert left.params["status"] == "new"
    assert render(I18N, left.kind, left.params, "en").reply_markup is None
    await act_on_case(UnitOfWork(db, clock), user_id=OWNERS, case_id=view.id, action="reject",
                      note="住户自己的事")
    notice = (await outbox(db, "case_update"))[-1].params
    assert (notice["event"], notice["appeal_to"], notice["reviewed"]) == ("rejected", None, True)
    first = [n.params for n in await outbox(db, "case_update") if n.params["event"] == "rejected"]
    assert first[0]["reviewed"] is False
