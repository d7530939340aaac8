"""What a survey's creator may choose: communities where they organize, and the scope —
the whole community for community-wide roles, else the units their roles are on."""

from __future__ import annotations

import pytest

from bot.services.errors import NotFound, NotPermitted
from bot.services.roles_admin import grant_role
from bot.services.survey_drafting import organizer_communities, scope_choices, scope_unit
from storage import UnitOfWork
from tests.builders import make_roster, make_user

ADMIN, LEAD, CONTACT, NOBODY = 1, 2, 3, 4


@pytest.fixture
async def roster(db, clock):
    roster = await make_roster(db, clock, admin_id=ADMIN, floors=3)
    for user_id in (LEAD, CONTACT, NOBODY):
        await make_user(db, clock, user_id, f"u{user_id}")
    uow = UnitOfWork(db, clock)
    await grant_role(uow, actor_id=ADMIN, community_id=roster.community_id, user_id=CONTACT,
                     role="floor_contact", unit_id=roster.floors["2"])
    await grant_role(uow, actor_id=ADMIN, community_id=roster.community_id, user_id=LEAD,
                     role="building_lead", unit_id=roster.building_id)
    return roster


async def test_organizer_communities_are_those_with_an_organizer_role(db, clock, roster):
    uow = UnitOfWork(db, clock)
    for user_id in (ADMIN, LEAD, CONTACT):
        found = await organizer_communities(uow, user_id)
        assert [(c.id, c.timezone) for c in found] == [(roster.community_id, "Asia/Shanghai")]
    assert await organizer_communities(uow, NOBODY) == []


async def test_a_community_wide_role_may_choose_the_whole_community(db, clock, roster):
    choices = await scope_choices(UnitOfWork(db, clock), ADMIN, roster.community_id)
    assert choices.whole
    assert choices.roots == ()


async def test_unit_roles_offer_their_units_and_skip_those_inside_them(db, clock, roster):
    uow = UnitOfWork(db, clock)
    contact = await scope_choices(uow, CONTACT, roster.community_id)
    assert not contact.whole
    assert [u.label for u in contact.roots] == ["幸福小区 1号楼 2"]
    # a floor contact of a floor in the building they lead: the building covers it
    await grant_role(uow, actor_id=ADMIN, community_id=roster.community_id, user_id=LEAD,
                     role="floor_contact", unit_id=roster.floors["3"])
    lead = await scope_choices(uow, LEAD, roster.community_id)
    assert [(u.id, u.label) for u in lead.roots] == [(roster.building_id, "幸福小区 1号楼")]
    nobody = await scope_choices(uow, NOBODY, roster.community_id)
    assert (nobody.whole, nobody.roots) == (False, ())


async def test_a_unit_is_checked_against_the_roles(db, clock, roster):
    uow = UnitOfWork(db, clock)
    floor = await scope_unit(uow, CONTACT, roster.community_id, roster.floors["2"])
    assert floor.label == "幸福小区 1号楼 2"
    with pytest.raises(NotPermitted):
        await scope_unit(uow, CONTACT, roster.community_id, roster.floors["1"])
    assert (await scope_unit(uow, LEAD, roster.community_id, roster.floors["1"])).kind == "floor"
    with pytest.raises(NotFound):
        await scope_unit(uow, ADMIN, roster.community_id, 99999)
