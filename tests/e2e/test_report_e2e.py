"""Issue reports end to end, in English and in Chinese: a resident reports a leak at home
with a photo; property management gets the case card (the photo after it) in its group and
accepts it there; the reporter hears of it. Property is reminded before the resolve deadline
and, when it passes, the case climbs to the owners' committee: its group gets the card with
the timeline, the deadline that passed and when it climbs next, and the reporter hears where
it went. A committee member follows the card's 🛠 Resolve link into the private chat and
sends two photos of the result, the second with what was done as its caption; both cards
show it resolved, the reporter gets the note and both photos, is asked to confirm and rates
it 4, which closes the case.

The roster, the people and the bound groups are seeded through the project's own services
and storage API; everything users do goes through the bot. One bot process serves both
languages (each has its own community, people and groups); its clock is moved forward, never
waited for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.domain.cases import MAX_PHOTOS, reminder_lead
from bot.services.communities import create_community
from storage import UnitOfWork, roster_repo
from storage.case_models import Case, CaseEvent
from storage.models import ChatGroup, Community, Household, Resident
from storage.users_repo import touch_user
from tests.e2e.conftest import ADMIN_EN, ADMIN_ZH
from tests.e2e.harness import BotProcess, Transcript, eventually
from tests.e2e.report_texts import (
    ACCEPT,
    ACCEPT_BY,
    ACCEPTED,
    ASK,
    ASK_CATEGORY,
    ASK_PHOTOS,
    CATEGORIES,
    CHECK,
    CHECK_CATEGORY,
    CHECK_PHOTOS,
    CHECK_PROBLEM,
    CHECK_SHOWN,
    CHECK_URGENT,
    CHECK_WHERE,
    DESCRIBE,
    EDITS,
    ELSEWHERE,
    ESCALATED_TO,
    ESCALATED_TO_YOU,
    EVENTS,
    HEADER,
    MARK_URGENT,
    MY_HOME,
    NEXT,
    NEXT_ESCALATION,
    NO,
    NOTICE_ACCEPTED,
    NOTICE_ESCALATED,
    NOTICE_RESOLVED,
    OPEN,
    OWNERS,
    PHOTO_ADDED,
    PHOTOS_BELOW,
    PLACE,
    PROPERTY,
    PUBLIC_AREA,
    RATED,
    REASSIGN,
    REJECT,
    REMINDER,
    REOPEN,
    REPAIRS,
    REPORTED_BY,
    RESIDENTS_COMMITTEE,
    RESOLVE,
    RESOLVE_BY,
    RESOLVE_PASSED,
    RESOLVE_PHOTO_ADDED,
    RESOLVE_PROMPT,
    RESOLVED,
    RESPONSIBLE,
    SHARE_LOCATION,
    SHOW_NEIGHBOURS,
    SKIP,
    STATUS,
    STATUSES,
    SUBMIT,
    SUBMITTED,
    TIMELINE,
    URGENT,
    URGENT_NO,
    URGENT_YES,
    WHERE,
)
from tests.e2e.steps import (
    Said,
    Texts,
    file_of,
    hold_roles,
    labels,
    short_when,
    start_payload,
    url_of,
    user_sends_photo,
    when,
)
from tests.e2e.texts import CANCEL
from tests.fakes.telegram_server import FakeChat, FakeTelegramServer, FakeUser

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

TZ = "Asia/Shanghai"
ROOMS = {"1": ("101", "102"), "2": ("201", "202")}
PHOTO = b"\xff\xd8\xff\xe0fake-jpeg of a wet ceiling"
FIXED = (b"\xff\xd8\xff\xe0fake-jpeg of the new pipe",
         b"\xff\xd8\xff\xe0fake-jpeg of a dry ceiling")
NUMBER = "#1"  # each community numbers its cases from 1
ACK, RESOLVE_WINDOW = timedelta(hours=4), timedelta(hours=72)  # repairs, not urgent
QUIET_DAYS = timedelta(days=30)  # longer than the transcript's 3 days
STARS = ["1⭐", "2⭐", "3⭐", "4⭐", "5⭐"]


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class Estate:
    """One language's world: a building with floors 1 and 2, two homes each; the resident
    lives in 101. Property staff and an owners' committee member serve the community; the
    property group and the committee group are bound, and so is the building's residents'
    group (which must hear nothing of a case its reporter did not share)."""

    language: str  # Telegram's language_code of everyone here
    locale: str
    admin: int
    community: str
    compound: str
    building: str
    problem: str
    note: str  # what the committee member says was done
    resident: Person
    staff: Person
    member: Person
    property_chat: int
    committee_chat: int
    residents_chat: int

    @property
    def home(self) -> str:
        return f"{self.compound} {self.building} 1 101"


EN = Estate("en", "en", ADMIN_EN, "Maple Court", "Maple Garden", "Block A",
            "Water is dripping from the bathroom ceiling", "Fixed the pipe in the flat above",
            Person(7301, "Ann"), Person(7302, "Wang"), Person(7303, "Grace"),
            -1_001_891_000_001, -1_001_891_000_002, -1_001_891_000_003)
ZH = Estate("zh-hans", "zh_CN", ADMIN_ZH, "和平里社区", "和平小区", "2号楼",
            "卫生间天花板漏水", "已修好楼上的水管", Person(7311, "张三"),
            Person(7312, "王师傅"), Person(7313, "陈主任"),
            -1_001_891_000_011, -1_001_891_000_012, -1_001_891_000_013)


async def seed(bot: BotProcess, e: Estate) -> int:
    """The community, its roster, the verified resident, the three bound groups, the
    property staff member and the owners' committee member; returns the community's id."""
    clock = bot.clock()
    async with bot.database() as db:
        community = await create_community(
            UnitOfWork(db, clock), creator_id=e.admin, bootstrap_admins=frozenset({e.admin}),
            name=e.community, timezone=TZ, locale=e.locale, daily_time="08:00")
        async with UnitOfWork(db, clock) as uow:
            session, now = uow.session, uow.now()
            # The committee group also gets the daily digest, at 08:00 of whichever days the
            # clock is moved across: not this story's, so it is put off past its end.
            (await session.get(Community, community.id)).next_daily_at = now + QUIET_DAYS
            for person in (e.resident, e.staff, e.member):
                await touch_user(session, person.id, first_name=person.name, username=None,
                                 language_code=e.language, now=now)
            compound = await roster_repo.add_unit(session, community.id, None, "compound",
                                                  e.compound)
            building = await roster_repo.add_unit(session, community.id, compound, "building",
                                                  e.building)
            homes = {}
            for name, rooms in ROOMS.items():
                floor = await roster_repo.add_unit(session, community.id, building, "floor",
                                                   name, int(name))
                for room in rooms:
                    home = Household(community_id=community.id, floor_id=floor.id,
                                     building_id=building.id, room=room, area=80)
                    session.add(home)
                    await session.flush()
                    homes[room] = home.id
            session.add(Resident(user_id=e.resident.id, household_id=homes["101"],
                                 relation="owner", status="verified", requested_at=now,
                                 decided_by=e.admin, decided_at=now))
            for chat_id, unit_id, purpose in ((e.property_chat, None, "property"),
                                              (e.committee_chat, None, "committee"),
                                              (e.residents_chat, building.id, "residents")):
                session.add(ChatGroup(chat_id=chat_id, thread_id=0, title=str(chat_id),
                                      community_id=community.id, unit_id=unit_id,
                                      purpose=purpose, locale=None, active=True,
                                      bound_by=e.admin, created_at=now, updated_at=now))
            await uow.commit()
        await hold_roles(db, clock, community.id, e.admin, (
            (e.staff, "property", None), (e.member, "owners_committee", None)))
    return community.id


async def case_of(bot: BotProcess, community_id: int) -> Case | None:
    async with bot.database() as db, db.reading() as session:
        return (await session.execute(select(Case).where(
            Case.community_id == community_id, Case.number == 1))).scalar_one_or_none()


async def timeline_of(bot: BotProcess, case: Case, *kinds: str) -> list[CaseEvent]:
    """The case's steps, once they are exactly `kinds` (a sweep commits them just before
    the posts about them go out)."""
    async def read() -> list[CaseEvent]:
        async with bot.database() as db, db.reading() as session:
            return list((await session.execute(select(CaseEvent).where(
                CaseEvent.case_id == case.id).order_by(CaseEvent.id))).scalars())
    return await eventually(read, what=f"the steps {kinds} of case {case.id}",
                            until=lambda events: [ev.kind for ev in events] == list(kinds))


def card(e: Estate, tr: Texts, case: Case, events: list[CaseEvent], *, status: str,
         acked: bool = True, climbed: bool = False, escalated: bool = False,
         photos: int = 0, reporter: bool = True) -> str:
    """A case card as a body's group gets it (`reporter=False`: the reporter's own status
    card, without their name): what, where, who is responsible, the deadlines while it is
    open, the timeline with each step's time, who took it and their note."""
    lines = [tr(ESCALATED_TO_YOU, body=tr(PROPERTY))] if escalated else []
    lines += [tr(HEADER, urgent="", number=NUMBER, category=tr(REPAIRS)), e.problem,
              tr(PLACE, place=e.home)]
    if reporter:
        lines.append(tr(REPORTED_BY, name=e.resident.name))
    lines.append(tr(RESPONSIBLE, body=tr(PROPERTY)))
    if climbed:
        lines.append(tr(ESCALATED_TO, body=tr(OWNERS)))
    lines.append(tr(STATUS, status=tr(STATUSES[status])))
    if status in OPEN:
        if not acked:
            lines.append(tr(ACCEPT_BY, deadline=when(case.ack_due, TZ, e.locale)))
        if climbed:  # it climbed past the resolve deadline; one more window, and up again
            lines += [tr(RESOLVE_PASSED, deadline=when(case.resolve_due, TZ, e.locale)),
                      tr(NEXT_ESCALATION, body=tr(RESIDENTS_COMMITTEE), time=when(
                          case.resolve_due + RESOLVE_WINDOW, TZ, e.locale))]
        else:
            lines.append(tr(RESOLVE_BY, deadline=when(case.resolve_due, TZ, e.locale)))
    if photos:
        lines.append(tr(PHOTOS_BELOW, count=photos))
    names = {p.id: p.name for p in (e.resident, e.staff, e.member)}
    lines += ["", tr(TIMELINE)]
    for event in events:
        line = f"• {short_when(event.at, TZ, e.locale)} {tr(EVENTS[event.kind])}"
        if event.kind == "rated":
            line += " " + "⭐" * event.details["rating"]
        if event.actor_id:
            line += f" — {names[event.actor_id]}"
        if event.note:
            line += f": “{event.note}”"
        lines.append(line)
    return "\n".join(lines)


async def photo_after(t: Transcript, server: FakeTelegramServer, chat: FakeChat | FakeUser,
                      file_id: str, content: bytes = PHOTO) -> None:
    """A photo sent by its file id right after a text (the resident's after the card)."""
    picture = await t.bot_says(chat, equals="")
    assert picture["photo"][-1]["file_id"] == file_id, picture
    assert file_of(server, picture, "photo") == content


async def report(t: Transcript, resident: FakeUser, e: Estate, tr: Texts) -> str:
    """/report from the first message to Submit: Repairs, the description, one photo, their
    home, not urgent. Returns the photo's file id."""
    await t.user_says(resident, "/report")
    categories = await t.bot_buttons(resident, equals=tr(ASK_CATEGORY))
    assert labels(categories) == [*(tr(c) for c in CATEGORIES), tr(CANCEL)]
    await t.press(resident, categories, tr(REPAIRS))
    await t.bot_says(resident, equals=tr(DESCRIBE))
    await t.user_says(resident, e.problem)
    photos = await t.bot_buttons(resident, equals=tr(ASK_PHOTOS, limit=MAX_PHOTOS))
    assert labels(photos) == [tr(SKIP), tr(CANCEL)]
    sent = await user_sends_photo(t, resident, PHOTO)
    added = await t.bot_buttons(resident, equals=tr(PHOTO_ADDED, count=1, limit=MAX_PHOTOS))
    assert labels(added) == [tr(NEXT), tr(CANCEL)]
    await t.press(resident, added, tr(NEXT))
    places = await t.bot_buttons(resident, equals=tr(WHERE))
    home = tr(MY_HOME, home=e.home)
    assert labels(places) == [home, tr(ELSEWHERE), tr(PUBLIC_AREA), tr(SHARE_LOCATION),
                              tr(CANCEL)]
    await t.press(resident, places, home)
    urgency = await t.bot_buttons(resident, equals=tr(URGENT))
    assert labels(urgency) == [tr(URGENT_YES), tr(URGENT_NO), tr(CANCEL)]
    await t.press(resident, urgency, tr(URGENT_NO))
    summary = await t.bot_buttons(resident, equals="\n".join([
        tr(CHECK), tr(CHECK_CATEGORY, category=tr(REPAIRS)), tr(CHECK_PROBLEM, text=e.problem),
        tr(CHECK_PHOTOS, count=1), tr(CHECK_WHERE, place=e.home),
        tr(CHECK_URGENT, answer=tr(NO)), tr(CHECK_SHOWN, answer=tr(NO))]))
    assert labels(summary) == [tr(SUBMIT), *(tr(e) for e in EDITS), tr(MARK_URGENT),
                               tr(SHOW_NEIGHBOURS), tr(CANCEL)]
    await t.press(resident, summary, tr(SUBMIT))
    return str(sent["message"]["photo"][-1]["file_id"])


def moment_for(bot: BotProcess, at: datetime) -> float:
    """Seconds to move the bot's clock so that it is just past `at`."""
    return (at - bot.clock().now()).total_seconds() + 1


@pytest.mark.parametrize("e", [pytest.param(EN, id="en"), pytest.param(ZH, id="zh")])
async def test_report_accepted_escalated_resolved_and_rated(
        server: FakeTelegramServer, bot: BotProcess, transcript: Transcript, e: Estate):
    t, tr = transcript, Said(e.locale)
    property_group = server.group(e.property_chat, "Property management")
    committee_group = server.group(e.committee_chat, "Owners' committee")
    residents_group = server.group(e.residents_chat, f"{e.building} residents")
    community_id = await seed(bot, e)
    resident, staff, member = (server.user(p.id, p.name, e.language)
                               for p in (e.resident, e.staff, e.member))

    # The resident reports; the case gets the default deadlines of repairs.
    photo = await report(t, resident, e, tr)
    case = await eventually(lambda: case_of(bot, community_id), what="the case saved")
    assert (case.ack_due - case.created_at, case.resolve_due - case.created_at) == (
        ACK, RESOLVE_WINDOW)
    events = await timeline_of(bot, case, "submitted")
    await t.bot_says(resident, equals="\n\n".join([
        tr(SUBMITTED, number=NUMBER, body=tr(PROPERTY)),
        card(e, tr, case, events, status="new", acked=False, reporter=False)]))

    # Property management gets the card, the photo after it, and accepts in its group.
    posted = await t.bot_says(property_group, equals=card(e, tr, case, events, status="new",
                                                          acked=False, photos=1))
    assert labels(posted) == [tr(ACCEPT), tr(ASK), tr(RESOLVE), tr(REASSIGN), tr(REJECT)]
    assert start_payload(url_of(posted, tr(RESOLVE))) == f"cr_{case.id}"
    await photo_after(t, server, property_group, photo)
    pressed = await t.press(staff, posted, tr(ACCEPT))
    await t.bot_answers(pressed, equals=tr(ACCEPTED, number=NUMBER), alert=False)
    events = await timeline_of(bot, case, "submitted", "accepted")
    # The card is edited in place; Accept is gone.
    edited = await t.bot_says(property_group, equals=card(e, tr, case, events,
                                                          status="accepted", photos=1))
    assert edited["message_id"] == posted["message_id"]
    assert labels(edited) == [tr(ASK), tr(RESOLVE), tr(REASSIGN), tr(REJECT)]
    await t.bot_says(resident, equals=tr(NOTICE_ACCEPTED, number=NUMBER, body=tr(PROPERTY)))

    # 18 hours before the resolve deadline, property management is reminded.
    await server.wait_idle(quiet=0.3)
    bot.advance(moment_for(bot, case.resolve_due - reminder_lead(RESOLVE_WINDOW)))
    await t.bot_says(property_group, equals="\n".join([
        tr(REMINDER, number=NUMBER, deadline=when(case.resolve_due, TZ, e.locale)),
        e.problem]))
    await server.wait_idle(quiet=0.5)
    for chat in (resident, committee_group, residents_group):
        await t.bot_is_silent(chat, quiet=0.01)

    # The deadline passes: the case climbs to the owners' committee, with its timeline.
    bot.advance(moment_for(bot, case.resolve_due))
    events = await timeline_of(bot, case, "submitted", "accepted", "escalated")
    up = await t.bot_says(committee_group, equals=card(
        e, tr, case, events, status="accepted", climbed=True, escalated=True, photos=1))
    assert labels(up) == [tr(ASK), tr(RESOLVE), tr(REASSIGN), tr(REJECT)]
    await photo_after(t, server, committee_group, photo)
    await t.bot_says(resident, equals=tr(NOTICE_ESCALATED, number=NUMBER, level=tr(OWNERS)))
    # Property's own card is edited to show where the case went.
    moved = await t.bot_says(property_group, equals=card(e, tr, case, events, status="accepted",
                                                         climbed=True, photos=1))
    assert moved["message_id"] == posted["message_id"]

    # A committee member follows the card's 🛠 Resolve link and sends two photos of the
    # result, the second with what was done as its caption.
    link = start_payload(url_of(up, tr(RESOLVE)))
    assert link == f"cr_{case.id}"
    await t.user_says(member, f"/start {link}")
    await t.bot_buttons(member, equals="\n\n".join([tr(RESOLVE_PROMPT, number=NUMBER),
                                                    e.problem]), buttons=[tr(CANCEL)])
    first = await user_sends_photo(t, member, FIXED[0])
    await t.bot_says(member, equals=tr(RESOLVE_PHOTO_ADDED, count=1, limit=MAX_PHOTOS))
    second = await user_sends_photo(t, member, FIXED[1], caption=e.note)
    await t.bot_says(member, equals=tr(RESOLVED, number=NUMBER))
    fixed = [str(sent["message"]["photo"][-1]["file_id"]) for sent in (first, second)]
    events = await timeline_of(bot, case, "submitted", "accepted", "escalated", "resolved")
    for group, card_id in ((property_group, posted["message_id"]),
                           (committee_group, up["message_id"])):
        done = await t.bot_says(group, equals=card(e, tr, case, events, status="resolved",
                                                   climbed=True, photos=1))
        assert (done["message_id"], labels(done)) == (card_id, []), "no buttons once resolved"

    # The reporter hears it from the owners' committee, which acted, is asked to confirm
    # and rates it 4: the case closes.
    rating = await t.bot_buttons(resident, equals=tr(
        NOTICE_RESOLVED, number=NUMBER, body=tr(OWNERS), note=f"“{e.note}”"))
    assert labels(rating) == [*STARS, tr(REOPEN)]
    for file_id, content in zip(fixed, FIXED, strict=True):
        await photo_after(t, server, resident, file_id, content)
    pressed = await t.press(resident, rating, "4⭐")
    await t.bot_answers(pressed, alert=False)
    await t.bot_says(resident, equals=tr(RATED, stars="⭐" * 4, number=NUMBER))
    events = await timeline_of(bot, case, "submitted", "accepted", "escalated", "resolved",
                               "rated")
    for group in (property_group, committee_group):
        await t.bot_says(group, equals=card(e, tr, case, events, status="closed",
                                            climbed=True, photos=1))
    closed = await case_of(bot, community_id)
    assert (closed.status, closed.rating, closed.level) == ("closed", 4, 2)

    await server.wait_idle(quiet=0.5)
    for chat in (resident, staff, member, property_group, committee_group, residents_group):
        await t.bot_is_silent(chat, quiet=0.01)
    tr.assert_catalogued()
    tr.assert_translated()
