"""Motions as services on a real database: eligibility from the roster, changing a vote,
door-to-door ballots, an owner of several units counted once with all their area, the
tally and its explanation at closing, the decision a passed motion becomes, and exports
that keep a secret ballot secret."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.domain.clock import FrozenClock
from bot.domain.roster_files import parse_csv
from bot.services.answering import NotEligible
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.motion_close import close_due_motions, close_motion, export_motion
from bot.services.motion_voting import cast_vote, door_homes, record_door_vote
from bot.services.motions import MotionDraft, create_motion
from storage import Database, UnitOfWork
from storage.deliberation_models import Decision, Motion
from storage.models import Household, OutboxMessage
from tests.builders import make_group, make_resident, make_role, make_roster

ADMIN, CONTACT, STRANGER = 9001, 500, 999
GROUP = -3001
# Ten homes on floors 1–5 (x01, x02) with different areas; owner key "BIG" holds three.
AREAS = {"101": 60, "102": 80, "201": 100, "202": 120, "301": 90, "302": 90, "401": 70,
         "402": 110, "501": 140, "502": 140}
BIG = ("401", "402", "502")


@pytest.fixture
async def estate(db: Database, clock: FrozenClock):
    roster = await make_roster(db, clock, admin_id=ADMIN, floors=5, rooms=2)
    async with UnitOfWork(db, clock) as uow:
        for room, area in AREAS.items():
            await uow.session.execute(update(Household).where(
                Household.id == roster.homes[room]).values(
                    area=area, owner_key="BIG" if room in BIG else f"O{room}"))
        await uow.commit()
    for n, room in enumerate(AREAS):
        await make_resident(db, clock, 100 + n, roster.homes[room], relation="owner")
    await make_resident(db, clock, 200, roster.homes["101"], relation="tenant")
    await make_role(db, clock, roster.community_id, CONTACT, "floor_contact",
                    roster.floors["5"])
    await make_group(db, clock, roster.community_id, roster.building_id, GROUP)
    return roster


def user(room: str) -> int:
    return 100 + list(AREAS).index(room)


async def motion(db, clock, estate, rule: str = "art278", **changes) -> int:
    values = dict(question="加装电梯", rule=rule, scope_unit_ids=(estate.building_id,),
                  deadline=clock.now() + timedelta(days=3))
    values.update(changes)
    view = await create_motion(UnitOfWork(db, clock), creator_id=ADMIN,
                               community_id=estate.community_id, draft=MotionDraft(**values))
    return view.id


async def vote(db, clock, room: str, motion_id: int, choice: str):
    return await cast_vote(UnitOfWork(db, clock), user_id=user(room), motion_id=motion_id,
                           choice=choice)


async def test_bad_motions_are_refused(db, clock, estate):
    with pytest.raises(InvalidInput, match="rule_required"):
        await motion(db, clock, estate, rule=None)
    with pytest.raises(InvalidInput, match="scope_required"):
        await motion(db, clock, estate, scope_unit_ids=())
    with pytest.raises(NotFound, match="motion_origin"):
        await motion(db, clock, estate, case_id=999)
    with pytest.raises(InvalidInput, match="deadline_past"):
        await motion(db, clock, estate, deadline=clock.now() - timedelta(minutes=1))
    with pytest.raises(NotPermitted):
        await create_motion(UnitOfWork(db, clock), creator_id=user("101"),
                            community_id=estate.community_id, draft=MotionDraft(
                                "x", "simple", (estate.building_id,),
                                clock.now() + timedelta(days=1)))


async def test_only_owners_in_scope_vote_under_article_278_and_a_vote_can_change(
        db, clock, estate):
    motion_id = await motion(db, clock, estate)
    with pytest.raises(NotEligible, match="not_owner"):
        await cast_vote(UnitOfWork(db, clock), user_id=200, motion_id=motion_id,
                        choice="for")
    # Someone with no verified home is told to join first, not that the vote is elsewhere.
    with pytest.raises(NotEligible, match="motion_not_verified"):
        await cast_vote(UnitOfWork(db, clock), user_id=STRANGER, motion_id=motion_id,
                        choice="for")
    top_floor = await motion(db, clock, estate, scope_unit_ids=(estate.floors["5"],))
    with pytest.raises(NotEligible, match="motion_not_in_scope"):
        await vote(db, clock, "101", top_floor, "for")
    first = await vote(db, clock, "101", motion_id, "for")
    again = await vote(db, clock, "101", motion_id, "against")
    assert (first.changed, again.changed) == (False, True)
    # The tenant may vote under a household rule.
    other = await motion(db, clock, estate, rule="simple")
    assert (await cast_vote(UnitOfWork(db, clock), user_id=200, motion_id=other,
                            choice="for")).voters == 1
    clock.advance(timedelta(days=4))
    with pytest.raises(NotEligible, match="closed"):
        await vote(db, clock, "102", motion_id, "for")


async def test_article_278_with_ten_homes_door_to_door_and_an_owner_of_three(db, clock, estate):
    motion_id = await motion(db, clock, estate)
    # 8 owners (BIG counts once), 1000 m². BIG has 320 m².
    for room, choice in (("101", "for"), ("102", "for"), ("201", "against"),
                         ("301", "for"), ("402", "for")):
        await vote(db, clock, room, motion_id, choice)
    # The floor contact of floor 5 records 501 at the door; 502 belongs to BIG (voted).
    homes = await door_homes(UnitOfWork(db, clock), contact_id=CONTACT, motion_id=motion_id)
    assert [h.household_id for h in homes] == [estate.homes["501"]]
    await record_door_vote(UnitOfWork(db, clock), contact_id=CONTACT, motion_id=motion_id,
                           household_id=estate.homes["501"], choice="abstain")
    with pytest.raises(NotPermitted):
        await record_door_vote(UnitOfWork(db, clock), contact_id=CONTACT,
                               motion_id=motion_id, household_id=estate.homes["101"],
                               choice="for")
    clock.advance(timedelta(days=3))
    assert await close_due_motions(UnitOfWork(db, clock), clock.now(), 10) == 1
    async with db.reading() as session:
        result = (await session.get(Motion, motion_id)).result
        decision = await session.scalar(select(Decision).where(Decision.motion_id == motion_id))
    checks = {c["name"]: (c["value"], c["base"], c["met"]) for c in result["checks"]}
    # Took part: 101, 102, 201, 301, BIG, 501 = 6 of 8 owners; 60+80+100+90+320+140 = 790.
    assert checks["participation_owners"] == (6, 8, True)
    assert checks["participation_area"] == (79000, 100000, True)
    # For: 101, 102, 301, BIG = 4 of 6 owners; 60+80+90+320 = 550 of 790 m².
    assert checks["support_owners"] == (4, 6, True)
    assert checks["support_area"] == (55000, 79000, True)
    assert result["passed"] is True
    assert decision is not None
    assert decision.title == "加装电梯"
    async with db.reading() as session:
        kinds = [(m.kind, m.chat_id) for m in (await session.execute(
            select(OutboxMessage).where(OutboxMessage.kind == "motion_result"))).scalars()]
    assert kinds == [("motion_result", GROUP), ("motion_result", ADMIN)]


async def test_the_special_rule_misses_three_quarters(db, clock, estate):
    motion_id = await motion(db, clock, estate, rule="art278_special")
    for room in ("101", "102", "201", "301", "402", "501"):
        await vote(db, clock, room, motion_id, "for" if room != "201" else "against")
    result = await close_motion(UnitOfWork(db, clock), user_id=ADMIN, motion_id=motion_id)
    checks = {c["name"]: c["met"] for c in result["checks"]}
    # For: 5 of 6 owners (≥ ¾) and 690 of 790 m² (≥ ¾): passes; now with 201's area larger…
    assert checks == {"participation_area": True, "participation_owners": True,
                      "support_area": True, "support_owners": True}
    with pytest.raises(InvalidInput, match="motion_closed"):
        await close_motion(UnitOfWork(db, clock), user_id=ADMIN, motion_id=motion_id)


async def test_secret_ballots_hide_choices_until_closing_and_in_the_export(db, clock, estate):
    motion_id = await motion(db, clock, estate, rule="simple", secret=True)
    await vote(db, clock, "101", motion_id, "for")
    async with db.reading() as session:
        posts = list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == "motion_post").order_by(OutboxMessage.id))).scalars())
    assert posts[-1].params["tally"]["voters"] == {"cast": 1}
    await close_motion(UnitOfWork(db, clock), user_id=ADMIN, motion_id=motion_id)
    name, data = await export_motion(UnitOfWork(db, clock), user_id=ADMIN,
                                     motion_id=motion_id, fmt="csv")
    header, *rows = parse_csv(data)
    assert header == ["choice", "voters", "area_m2"]
    assert rows == [["for", "1", "60.0"]]
    with pytest.raises(NotPermitted):
        await export_motion(UnitOfWork(db, clock), user_id=user("101"), motion_id=motion_id,
                            fmt="csv")
    open_id = await motion(db, clock, estate, rule="simple")
    await vote(db, clock, "101", open_id, "against")
    _name, data = await export_motion(UnitOfWork(db, clock), user_id=ADMIN, motion_id=open_id,
                                      fmt="csv", chinese=True)
    header, *rows = parse_csv(data)
    assert header[0] == "户"
    assert rows[0][0].endswith("101")
    assert rows[0][3] == "反对"
