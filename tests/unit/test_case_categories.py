"""Editing report categories and bodies as services on a real database: only managers of the
community may; deadlines come from the offered choices, an urgent one is never longer than
the normal one and acknowledging never longer than resolving; one category stays shown; a
body's cases go where the admin chose — which a resident's next report shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.clock import FrozenClock
from bot.services.case_categories import (
    add_category,
    allowed_hours,
    body_detail,
    category_detail,
    change_body_group,
    change_category_body,
    change_deadline,
    list_bodies,
    list_categories,
    rename_body,
    rename_category,
    show_category,
)
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.report_filing import submit_report
from bot.services.reports import ReportDraft, start_report
from storage import Database, UnitOfWork
from storage.models import AuditEntry, OutboxMessage
from tests.builders import make_group, make_resident, make_role, make_roster

ADMIN, COMMITTEE, STAFF, RESIDENT, OTHER_ADMIN = 9001, 202, 201, 101, 9002
PROPERTY_CHAT, COMMITTEE_CHAT, BUILDING_CHAT, GONE_CHAT = -1001, -1002, -1003, -1004


@pytest.fixture
async def estate(db: Database, clock: FrozenClock):
    roster = await make_roster(db, clock, admin_id=ADMIN)
    await make_resident(db, clock, RESIDENT, roster.homes["101"])
    await make_role(db, clock, roster.community_id, COMMITTEE, "residents_committee")
    await make_role(db, clock, roster.community_id, STAFF, "property")
    roster.groups = {
        "property": await make_group(db, clock, roster.community_id, None, PROPERTY_CHAT,
                                     purpose="property"),
        "committee": await make_group(db, clock, roster.community_id, None, COMMITTEE_CHAT,
                                      purpose="committee"),
        "residents": await make_group(db, clock, roster.community_id, roster.building_id,
                                      BUILDING_CHAT),
    }
    return roster


def uow(db: Database, clock: FrozenClock) -> UnitOfWork:
    return UnitOfWork(db, clock)


async def category(db, clock, estate, key: str, actor: int = ADMIN):
    found = await list_categories(uow(db, clock), actor_id=actor,
                                  community_id=estate.community_id)
    return next(c for c in found if c.label.key == key)


async def body(db, clock, estate, key: str):
    found = await list_bodies(uow(db, clock), actor_id=ADMIN, community_id=estate.community_id)
    return next(b for b in found if b.label.key == key)


async def test_only_managers_of_the_community_edit(db, clock, estate):
    listed = await list_categories(uow(db, clock), actor_id=COMMITTEE,
                                   community_id=estate.community_id)
    assert [c.label.key for c in listed][:3] == ["repairs", "sanitation", "safety"]
    repairs = listed[0]
    assert (repairs.body.key, repairs.ack_hours, repairs.urgent_resolve_hours) == (
        "property", 4, 24)
    other = await make_roster(db, clock, admin_id=OTHER_ADMIN, name="别的小区")
    for actor in (RESIDENT, STAFF, OTHER_ADMIN):
        with pytest.raises(NotPermitted, match="not_manager"):
            await list_categories(uow(db, clock), actor_id=actor,
                                  community_id=estate.community_id)
        with pytest.raises(NotPermitted):
            await change_deadline(uow(db, clock), actor_id=actor, category_id=repairs.id,
                                  deadline="ack", hours=8)
        with pytest.raises(NotPermitted):
            await rename_body(uow(db, clock), actor_id=actor, body_id=repairs.body_id,
                              name="物业")
    with pytest.raises(NotPermitted):
        await add_category(uow(db, clock), actor_id=ADMIN, community_id=other.community_id,
                           name="跨小区")
    with pytest.raises(NotFound):
        await category_detail(uow(db, clock), actor_id=ADMIN, category_id=99999)
    assert (await category_detail(uow(db, clock), actor_id=ADMIN,
                                  category_id=repairs.id)).ack_hours == 4


async def test_deadlines_are_choices_and_urgent_is_never_longer(db, clock, estate):
    repairs = await category(db, clock, estate, "repairs")  # 4 h / 72 h, urgent 1 h / 24 h
    done = await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                                 deadline="ack", hours=8)
    assert (done.ack_hours, done.urgent_ack_hours) == (8, 1)
    done = await change_deadline(uow(db, clock), actor_id=COMMITTEE, category_id=repairs.id,
                                 deadline="urgent_ack", hours=8)
    assert done.urgent_ack_hours == 8, "as long as the normal one is allowed"
    with pytest.raises(InvalidInput, match="urgent_longer") as refused:
        await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                              deadline="urgent_resolve", hours=168)
    assert refused.value.details == {"deadline": "urgent_resolve", "hours": 168, "limit": 72}
    with pytest.raises(InvalidInput, match="normal_shorter") as refused:
        await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                              deadline="ack", hours=0.5)
    assert refused.value.details["limit"] == 8
    for deadline, hours in (("ack", 5), ("ack", -1), ("ack", float("nan")), ("close", 4)):
        with pytest.raises(InvalidInput, match="bad_hours"):
            await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                                  deadline=deadline, hours=hours)
    after = await category_detail(uow(db, clock), actor_id=ADMIN, category_id=repairs.id)
    assert (after.ack_hours, after.resolve_hours, after.urgent_ack_hours,
            after.urgent_resolve_hours) == (8, 72, 8, 24)
    async with db.reading() as session:
        audited = await session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "category_deadline"))
    assert audited == 2


async def test_acknowledging_never_gets_longer_than_resolving(db, clock, estate):
    repairs = await category(db, clock, estate, "repairs")  # 4 h / 72 h, urgent 1 h / 24 h
    assert allowed_hours(repairs, "ack") == (1, 2, 4, 8, 12, 24, 48, 72)
    assert allowed_hours(repairs, "resolve") == (24, 48, 72, 168, 336)
    assert allowed_hours(repairs, "urgent_ack") == (0.5, 1, 2, 4)
    assert allowed_hours(repairs, "urgent_resolve") == (1, 2, 4, 8, 12, 24, 48, 72)
    with pytest.raises(InvalidInput, match="ack_longer") as refused:
        await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                              deadline="ack", hours=168)
    assert refused.value.details == {"deadline": "ack", "hours": 168, "limit": 72}
    with pytest.raises(InvalidInput, match="resolve_shorter"):
        await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                              deadline="urgent_resolve", hours=0.5)
    await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                          deadline="urgent_resolve", hours=2)
    with pytest.raises(InvalidInput, match="resolve_shorter") as refused:
        await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                              deadline="resolve", hours=2)
    assert refused.value.details == {"deadline": "resolve", "hours": 2, "limit": 4}
    done = await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                                 deadline="ack", hours=72)
    assert done.ack_hours == done.resolve_hours == 72, "equal is allowed"
    with pytest.raises(InvalidInput, match="ack_longer") as refused:
        await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                              deadline="urgent_ack", hours=4)
    assert refused.value.details == {"deadline": "urgent_ack", "hours": 4, "limit": 2}
    after = await category_detail(uow(db, clock), actor_id=ADMIN, category_id=repairs.id)
    assert (after.ack_hours, after.resolve_hours, after.urgent_ack_hours,
            after.urgent_resolve_hours) == (72, 72, 1, 2)
    assert allowed_hours(after, "urgent_ack") == (0.5, 1, 2)


async def test_names_are_one_to_forty_characters(db, clock, estate):
    repairs = await category(db, clock, estate, "repairs")
    for name, code in (("   ", "name_empty"), (None, "name_empty"), ("修" * 41, "name_too_long")):
        with pytest.raises(InvalidInput, match=code):
            await rename_category(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                                  name=name)
    renamed = await rename_category(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                                    name="  公共  维修 ")
    assert (renamed.label.key, renamed.label.name) == ("repairs", "公共 维修")
    assert (await rename_category(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                                  name="修" * 40)).label.name == "修" * 40
    with pytest.raises(InvalidInput, match="name_too_long") as refused:
        await rename_body(uow(db, clock), actor_id=ADMIN, body_id=repairs.body_id,
                          name="x" * 45)
    assert refused.value.details == {"length": 45, "limit": 40}


async def test_a_new_category_goes_to_the_residents_committee_and_is_offered(db, clock, estate):
    with pytest.raises(InvalidInput, match="name_empty"):
        await add_category(uow(db, clock), actor_id=ADMIN, community_id=estate.community_id,
                           name="")
    made = await add_category(uow(db, clock), actor_id=ADMIN, community_id=estate.community_id,
                              name="快递柜")
    assert (made.body.key, made.active) == ("residents_committee", True)
    assert (made.label.key, made.label.name) == (None, "快递柜")
    assert (made.ack_hours, made.resolve_hours, made.urgent_ack_hours,
            made.urgent_resolve_hours) == (24, 168, 4, 48)
    listed = await list_categories(uow(db, clock), actor_id=ADMIN,
                                   community_id=estate.community_id)
    assert listed[-1].id == made.id
    assert len(listed) == 9
    start = await start_report(uow(db, clock), RESIDENT)
    assert start.categories[-1].label.name == "快递柜"


async def test_hidden_categories_are_not_offered_and_one_stays_shown(db, clock, estate):
    listed = await list_categories(uow(db, clock), actor_id=ADMIN,
                                   community_id=estate.community_id)
    for c in listed[1:]:
        hidden = await show_category(uow(db, clock), actor_id=ADMIN, category_id=c.id,
                                     shown=False)
        assert hidden.active is False
    with pytest.raises(InvalidInput, match="last_category"):
        await show_category(uow(db, clock), actor_id=ADMIN, category_id=listed[0].id,
                            shown=False)
    start = await start_report(uow(db, clock), RESIDENT)
    assert [c.label.key for c in start.categories] == ["repairs"]
    again = await list_categories(uow(db, clock), actor_id=ADMIN,
                                  community_id=estate.community_id)
    assert [c.active for c in again] == [True] + [False] * 7, "the editor lists hidden ones"
    draft = ReportDraft(category_id=listed[1].id, description="垃圾没人收",
                        household_id=estate.homes["101"], place="home")
    with pytest.raises(NotFound):
        await submit_report(uow(db, clock), RESIDENT, draft)
    await show_category(uow(db, clock), actor_id=ADMIN, category_id=listed[1].id, shown=True)
    assert len((await start_report(uow(db, clock), RESIDENT)).categories) == 2


async def test_bodies_show_where_cases_go_and_take_a_group(db, clock, estate):
    bodies = await list_bodies(uow(db, clock), actor_id=ADMIN, community_id=estate.community_id)
    where = {b.label.key: ([g.chat_id for g in b.targets], b.group_id) for b in bodies}
    assert where == {"property": ([PROPERTY_CHAT], None),
                     "owners_committee": ([COMMITTEE_CHAT], None),
                     "residents_committee": ([COMMITTEE_CHAT], None),
                     "admins": ([], None)}
    admins = next(b for b in bodies if b.label.key == "admins")
    choice = await body_detail(uow(db, clock), actor_id=ADMIN, body_id=admins.id)
    assert sorted(g.purpose for g in choice.groups) == ["committee", "property"], \
        "residents' groups are not offered"
    chosen = await change_body_group(uow(db, clock), actor_id=ADMIN, body_id=admins.id,
                                     group_id=estate.groups["committee"])
    assert [g.chat_id for g in chosen.targets] == [COMMITTEE_CHAT]
    other = await make_roster(db, clock, admin_id=OTHER_ADMIN, name="别的小区")
    foreign = await make_group(db, clock, other.community_id, None, GONE_CHAT,
                               purpose="committee")
    for group_id in (estate.groups["residents"], foreign, 99999):
        with pytest.raises(NotFound, match="group"):
            await change_body_group(uow(db, clock), actor_id=ADMIN, body_id=admins.id,
                                    group_id=group_id)
    back = await change_body_group(uow(db, clock), actor_id=ADMIN, body_id=admins.id,
                                   group_id=None)
    assert (back.group_id, back.targets) == (None, ())
    renamed = await rename_body(uow(db, clock), actor_id=ADMIN, body_id=admins.id,
                                name="社区两委")
    assert (renamed.label.key, renamed.label.name) == ("admins", "社区两委")
    with pytest.raises(NotFound, match="body"):
        await body_detail(uow(db, clock), actor_id=ADMIN, body_id=99999)


async def test_a_report_goes_to_the_body_and_group_the_admin_chose(db, clock, estate):
    repairs = await category(db, clock, estate, "repairs")
    owners = await body(db, clock, estate, "owners_committee")
    other = await make_roster(db, clock, admin_id=OTHER_ADMIN, name="别的小区")
    foreign_body = await list_bodies(uow(db, clock), actor_id=OTHER_ADMIN,
                                     community_id=other.community_id)
    with pytest.raises(NotFound, match="body"):
        await change_category_body(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                                   body_id=foreign_body[0].id)
    moved = await change_category_body(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                                       body_id=owners.id)
    assert moved.body.key == "owners_committee"
    await change_body_group(uow(db, clock), actor_id=ADMIN, body_id=owners.id,
                            group_id=estate.groups["property"])
    await change_deadline(uow(db, clock), actor_id=ADMIN, category_id=repairs.id,
                          deadline="ack", hours=12)
    view = await submit_report(uow(db, clock), RESIDENT, ReportDraft(
        category_id=repairs.id, description="楼道灯不亮", household_id=estate.homes["101"],
        place="home"))
    assert view.body.key == "owners_committee"
    assert view.ack_due == clock.now() + timedelta(hours=12)
    async with db.reading() as session:
        chats = list((await session.execute(select(OutboxMessage.chat_id).where(
            OutboxMessage.kind == "case_card"))).scalars())
    assert chats == [PROPERTY_CHAT]
