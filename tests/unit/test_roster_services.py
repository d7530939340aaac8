"""Roster services: binding groups, joining households with approval routing, roles on
units with their audit trail, /roster statuses and the resident's own data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.domain.clock import FrozenClock
from bot.services.binding import bind_group, unbind_group
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.floor_roster import floor_rosters
from bot.services.membership import decide_join, join_start, profile, request_join
from bot.services.privacy import delete_me, my_data
from bot.services.roles_admin import grant_role, list_assignments, revoke_role
from storage import Database, UnitOfWork
from storage.models import AuditEntry, OutboxMessage, Resident, User
from tests.builders import make_roster, make_user

ADMIN, CONTACT, LEAD, ALICE, BOB = 1, 2, 3, 10, 11


async def outbox(db: Database, kind: str) -> list[tuple[int, dict]]:
    async with db.reading() as session:
        rows = await session.execute(select(OutboxMessage.chat_id, OutboxMessage.params)
                                     .where(OutboxMessage.kind == kind)
                                     .order_by(OutboxMessage.id))
        return [(c, p) for c, p in rows]


async def join(db, clock, user_id, home_id, relation="owner"):
    return await request_join(UnitOfWork(db, clock), user_id=user_id, first_name=f"u{user_id}",
                              username=None, language_code="zh-hans", household_id=home_id,
                              relation=relation)


@pytest.fixture
async def roster(db: Database, clock: FrozenClock):
    found = await make_roster(db, clock, admin_id=ADMIN)
    for uid, name in ((CONTACT, "Contact"), (LEAD, "Lead"), (ALICE, "Alice"), (BOB, "Bob")):
        await make_user(db, clock, uid, name, username=name.lower())
    return found


async def test_bind_requires_a_manager_and_a_unit(db, clock, roster):
    uow = UnitOfWork(db, clock)
    with pytest.raises(NotPermitted):
        await bind_group(uow, user_id=ALICE, community_id=roster.community_id, chat_id=-1,
                         thread_id=0, title="g", purpose="residents",
                         unit_id=roster.building_id)
    with pytest.raises(InvalidInput):
        await bind_group(uow, user_id=ADMIN, community_id=roster.community_id, chat_id=-1,
                         thread_id=0, title="g", purpose="residents", unit_id=None)
    bound = await bind_group(uow, user_id=ADMIN, community_id=roster.community_id,
                             chat_id=-1, thread_id=0, title="g", purpose="residents",
                             unit_id=roster.building_id)
    assert bound.unit_label == "幸福小区 1号楼"
    start = await join_start(UnitOfWork(db, clock), bound.group_id)
    assert [f.name for f in start.floors] == ["1", "2", "3"]
    topic = await bind_group(uow, user_id=ADMIN, community_id=roster.community_id,
                             chat_id=-1, thread_id=77, title="g", purpose="residents",
                             unit_id=roster.floors["2"])
    assert [f.name for f in (await join_start(uow, topic.group_id)).floors] == ["2"]
    await unbind_group(uow, user_id=ADMIN, chat_id=-1, thread_id=0)
    with pytest.raises(NotFound):
        await join_start(uow, bound.group_id)


async def test_forged_unit_of_another_community_is_refused(db, clock, roster):
    other = await make_roster(db, clock, admin_id=99, name="Other")
    with pytest.raises(NotPermitted):
        await bind_group(UnitOfWork(db, clock), user_id=ADMIN,
                         community_id=other.community_id, chat_id=-5, thread_id=0,
                         title="g", purpose="residents", unit_id=other.building_id)
    with pytest.raises(NotFound):
        await bind_group(UnitOfWork(db, clock), user_id=ADMIN,
                         community_id=roster.community_id, chat_id=-5, thread_id=0,
                         title="g", purpose="residents", unit_id=other.building_id)


async def test_join_goes_to_floor_contact_else_lead_else_committee(db, clock, roster):
    uow = UnitOfWork(db, clock)
    await join(db, clock, ALICE, roster.homes["101"])
    assert [c for c, _ in await outbox(db, "join_request")] == [ADMIN]
    await grant_role(uow, actor_id=ADMIN, community_id=roster.community_id, user_id=LEAD,
                     role="building_lead", unit_id=roster.building_id)
    await join(db, clock, ALICE, roster.homes["201"])
    assert (await outbox(db, "join_request"))[-1][0] == LEAD
    await grant_role(uow, actor_id=ADMIN, community_id=roster.community_id, user_id=CONTACT,
                     role="floor_contact", unit_id=roster.floors["3"])
    await join(db, clock, BOB, roster.homes["301"], "tenant")
    chat, params = (await outbox(db, "join_request"))[-1]
    assert chat == CONTACT
    assert params["household"] == "幸福小区 1号楼 3 301"
    assert params["relation"] == "tenant"


async def test_decisions_are_checked_and_idempotent(db, clock, roster):
    uow = UnitOfWork(db, clock)
    await grant_role(uow, actor_id=ADMIN, community_id=roster.community_id, user_id=CONTACT,
                     role="floor_contact", unit_id=roster.floors["1"])
    alice = await join(db, clock, ALICE, roster.homes["101"])
    bob = await join(db, clock, BOB, roster.homes["102"])
    with pytest.raises(NotPermitted):
        await decide_join(uow, reviewer_id=ALICE, resident_id=alice.resident_id, approve=True)
    with pytest.raises(NotPermitted):
        await decide_join(uow, reviewer_id=BOB, resident_id=alice.resident_id, approve=True)
    first = await decide_join(uow, reviewer_id=CONTACT, resident_id=alice.resident_id,
                              approve=True)
    again = await decide_join(uow, reviewer_id=CONTACT, resident_id=alice.resident_id,
                              approve=False)
    assert (first.status, first.changed) == ("verified", True)
    assert (again.status, again.changed) == ("verified", False)
    await decide_join(uow, reviewer_id=CONTACT, resident_id=bob.resident_id, approve=False)
    assert [p["approved"] for _, p in await outbox(db, "join_decided")] == [True, False]
    with pytest.raises(NotFound):
        await decide_join(uow, reviewer_id=CONTACT, resident_id=9999, approve=True)
    repeat = await join(db, clock, ALICE, roster.homes["101"])
    assert (repeat.already, repeat.status) == (True, "verified")
    rows = await floor_rosters(uow, CONTACT)
    assert [(h.room, h.verified, h.pending) for h in rows[0].homes] == [
        ("101", ("u10",), ()), ("102", (), ())]
    me = await profile(uow, ALICE)
    assert [(m.household_label, m.status) for m in me.memberships] == [
        ("幸福小区 1号楼 1 101", "verified")]


async def test_roles_are_scoped_and_audited(db, clock, roster):
    uow = UnitOfWork(db, clock)
    with pytest.raises(InvalidInput):
        await grant_role(uow, actor_id=ADMIN, community_id=roster.community_id,
                         user_id=CONTACT, role="floor_contact", unit_id=roster.building_id)
    with pytest.raises(NotPermitted):
        await grant_role(uow, actor_id=ALICE, community_id=roster.community_id,
                         user_id=ALICE, role="admin", unit_id=None)
    granted = await grant_role(uow, actor_id=ADMIN, community_id=roster.community_id,
                               user_id=CONTACT, role="floor_contact",
                               unit_id=roster.floors["2"])
    assert granted.scope == "幸福小区 1号楼 2"
    # The new floor contact is told in private, once: granting it again changes nothing.
    await grant_role(uow, actor_id=ADMIN, community_id=roster.community_id,
                     user_id=CONTACT, role="floor_contact", unit_id=roster.floors["2"])
    await make_user(db, clock, ADMIN, "Admin")  # granting oneself a role tells nobody
    await grant_role(uow, actor_id=ADMIN, community_id=roster.community_id,
                     user_id=ADMIN, role="owners_committee", unit_id=None)
    assert await outbox(db, "role_granted") == [(CONTACT, {
        "role": "floor_contact", "scope": "幸福小区 1号楼 2", "community": "幸福里"})]
    found = await list_assignments(uow, actor_id=ADMIN, community_id=roster.community_id)
    assert {(a.role, a.user_id) for a in found} == {("admin", ADMIN),
                                                   ("owners_committee", ADMIN),
                                                   ("floor_contact", CONTACT)}
    admin_row = next(a for a in found if a.role == "admin")
    with pytest.raises(InvalidInput):
        await revoke_role(uow, actor_id=ADMIN, assignment_id=admin_row.id)
    await revoke_role(uow, actor_id=ADMIN, assignment_id=granted.id)
    async with db.reading() as session:
        actions = list((await session.execute(select(AuditEntry.action, AuditEntry.actor_id)
                                              .order_by(AuditEntry.id))).all())
    assert actions == [("grant_role", ADMIN), ("grant_role", ADMIN), ("revoke_role", ADMIN)]


async def test_delete_me_keeps_counts_but_forgets_the_person(db, clock, roster):
    uow = UnitOfWork(db, clock)
    await join(db, clock, ALICE, roster.homes["101"])
    data = await my_data(uow, ALICE)
    assert data["first_name"] == "u10"
    assert data["households"][0]["status"] == "pending"
    await delete_me(uow, ALICE)
    async with db.reading() as session:
        user = await session.get(User, ALICE)
        links = await session.scalar(select(func.count()).select_from(Resident)
                                     .where(Resident.user_id == ALICE))
    assert (user.first_name, user.username, links) == (None, None, 0)
    with pytest.raises(InvalidInput):
        await delete_me(uow, ADMIN)  # the only admin must hand over first
