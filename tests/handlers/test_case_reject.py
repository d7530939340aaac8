"""Handler tier: a rejection is confirmed before it is final; once the case has climbed, the
body below is told who may reject it; the reporter appeals from the notice's button; an
invalid link keeps the step in progress; the relayed answer carries no buttons; and
/mycases tells someone not yet verified how to join."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.services.case_sweep import sweep_cases
from bot.services.roles_admin import grant_role
from bot.ui.case_callbacks import CaseCB, MyCaseCB
from bot.ui.i18n import make_i18n
from bot.ui.render import render
from storage import Database, UnitOfWork
from storage.case_models import Case, CaseEvent
from tests.builders import make_group, make_user
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person
from tests.handlers.chat import Chat
from tests.handlers.test_report_flow import (
    ALICE,
    BOB,
    STAFF,
    STRANGER,
    make_world,
    posts,
    report_stairs_light,
)


@pytest.fixture
async def world(sqlite_db: Database, clock: FrozenClock):
    return await make_world(sqlite_db, clock)

GRACE = Person(402, "Grace", "en")  # owners' committee
COMMITTEE = -2003
I18N = make_i18n("zh_CN")


@pytest.fixture
async def committee(world, sqlite_db: Database, clock: FrozenClock):
    await make_user(sqlite_db, clock, GRACE.id, GRACE.first_name)
    await grant_role(UnitOfWork(sqlite_db, clock), actor_id=ADMIN_ID,
                     community_id=world.community_id, user_id=GRACE.id,
                     role="owners_committee", unit_id=None)
    await make_group(sqlite_db, clock, world.community_id, None, COMMITTEE,
                     purpose="committee", locale="en")
    return world


async def case_of(db: Database) -> Case:
    async with db.reading() as session:
        return await session.get(Case, 1)


async def test_a_rejection_waits_for_confirmation(app: App, fake_session: FakeSession,
                                                  committee, sqlite_db: Database):
    await report_stairs_light(Chat(app, fake_session, ALICE))
    staff = Chat(app, fake_session, STAFF)
    await staff.send("/start cx_1")
    confirm = (await staff.send("Not ours"))[0]
    assert confirm == ("🚫 Reject case #1 with this reason?\n“Not ours”\nThe reporter will "
                       "read it.")
    assert staff.labels() == ["🚫 Reject", "⬅️ Back"]
    assert (await case_of(sqlite_db)).status == "new", "nothing is rejected yet"
    assert "why is it rejected?" in (await staff.press("⬅️ Back"))[0]
    await staff.send("Residents park their bikes there")
    # A button of another case is refused, not applied to this one.
    await staff.press_data(CaseCB(action="reject", case=2).pack())
    assert "expired" in staff.alerts[0]
    assert "case #1 is rejected" in (await staff.press("🚫 Reject"))[0]
    case = await case_of(sqlite_db)
    assert case.status == "rejected"
    [notice] = await posts(sqlite_db, "case_update")
    assert notice.params["note"] == "Residents park their bikes there"
    assert notice.params["appeal_to"] == ["owners_committee", None]


async def test_the_body_below_is_told_who_may_reject_an_escalated_case(
        app: App, fake_session: FakeSession, committee, sqlite_db: Database,
        clock: FrozenClock):
    await report_stairs_light(Chat(app, fake_session, ALICE))
    clock.advance(timedelta(hours=4, minutes=1))
    await sweep_cases(UnitOfWork(sqlite_db, clock), clock.now(), 100)
    staff = Chat(app, fake_session, STAFF)
    refusal = (await staff.send("/start cx_1"))[0]
    assert refusal == ("Case #1 has gone up to Owners' committee, so only Owners' committee "
                       "or the community admins can reject it now. You can still resolve it.")
    assert "what was done?" in (await staff.send("/start cr_1"))[0]
    grace = Chat(app, fake_session, GRACE)
    await grace.send("/start cx_1")
    await grace.send("A dispute between neighbours")
    assert "case #1 is rejected" in (await grace.press("🚫 Reject"))[0]


async def test_the_reporter_appeals_from_the_rejection(app: App, fake_session: FakeSession,
                                                       committee, sqlite_db: Database):
    await report_stairs_light(Chat(app, fake_session, ALICE))
    staff = Chat(app, fake_session, STAFF)
    await staff.send("/start cx_1")
    await staff.send("Not ours")
    await staff.press("🚫 Reject")
    appeal = MyCaseCB(action="appeal", case=1).pack()
    # The status card offers the appeal too.
    alice = Chat(app, fake_session, ALICE)
    await alice.press_data(MyCaseCB(action="view", case=1).pack())
    assert alice.labels() == ["🙋 Ask Owners' committee to review it"]
    bob = Chat(app, fake_session, BOB)
    await bob.press_data(appeal)
    assert "Only the person who reported" in bob.alerts[0]
    answer = (await alice.press_data(appeal))[0]
    assert answer.startswith("🙋 Case #1 is open again: Owners' committee will review it")
    case = await case_of(sqlite_db)
    assert (case.status, case.level) == ("new", 2)
    [card] = [c for c in await posts(sqlite_db, "case_card") if c.params.get("appealed")]
    assert card.chat_id == COMMITTEE
    await alice.press_data(appeal)
    assert "not rejected" in alice.alerts[0]
    # The reporter's status card offers no appeal any more.
    await alice.press_data(MyCaseCB(action="view", case=1).pack())
    status = fake_session.calls[-1]
    assert status.method == "sendMessage"
    assert "reply_markup" not in status.params


async def test_an_invalid_link_keeps_the_step_in_progress(app: App,
                                                         fake_session: FakeSession, world,
                                                         sqlite_db: Database):
    await report_stairs_light(Chat(app, fake_session, ALICE))
    staff = Chat(app, fake_session, STAFF)
    await staff.send("/start cx_1")
    assert "still open" in (await staff.send("/start cx_abc"))[0]
    assert "Reject case #1 with this reason?" in (await staff.send("Not ours"))[0]
    # Without a step in progress, the old answer.
    assert "/help" in (await Chat(app, fake_session, BOB).send("/start cx_abc"))[0]


async def test_the_relayed_answer_has_no_buttons(app: App, fake_session: FakeSession, world,
                                                 sqlite_db: Database):
    await report_stairs_light(Chat(app, fake_session, ALICE))
    staff = Chat(app, fake_session, STAFF)
    await staff.send("/start cq_1")
    await staff.send("Which floor exactly?")
    alice = Chat(app, fake_session, ALICE)
    await alice.press_data(MyCaseCB(action="answer", case=1).pack())
    assert "passed on" in (await alice.send("The first floor"))[0]
    [relayed] = await posts(sqlite_db, "case_info_given")
    assert render(I18N, relayed.kind, relayed.params, "en").reply_markup is None
    async with sqlite_db.reading() as session:
        kinds = list((await session.execute(select(CaseEvent.kind).where(
            CaseEvent.case_id == 1).order_by(CaseEvent.id))).scalars())
    assert kinds == ["submitted", "info_asked", "info_given"]


async def test_mycases_tells_someone_not_verified_how_to_join(app: App,
                                                             fake_session: FakeSession,
                                                             world):
    answer = (await Chat(app, fake_session, STRANGER).send("/mycases"))[0]
    assert "/report" not in answer
    assert answer.startswith("You have not reported anything yet.\nReports are for verified "
                             "residents")
    assert "press “Join” in your building's group" in answer
    assert "/report reports a problem" in (await Chat(app, fake_session, BOB).send(
        "/mycases"))[0]
