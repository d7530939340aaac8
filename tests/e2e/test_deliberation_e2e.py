"""Deliberation end to end, in English and in Chinese: a committee member calls a meeting
with /meeting — topic, an agenda item, the place, 1.5 hours, three candidate times, the
building, a deadline — and publishes the poll; owners answer in the building's group (✅ /
🤔 / ❌, one answer taken back), someone without a home is refused; at the deadline the group
gets the time most can come to, its place and length, with a calendar file, and the
committee member the counts. Then a motion under Article 278
(ordinary matters) for the building's ten homes of different floor areas, one owner holding
two of them: five owners vote with the group post's buttons (one changes their vote), the
floor contact records two homes without a phone door to door; at the deadline the group and
the committee group get the result, each threshold explained with the areas and headcounts.
It passed, so property management finds the decision in /decisions, posts 50% with a note
(the group hears of it) and marks it done (the group and the committee group hear of it).

The roster, the people and the bound groups are seeded through the project's own services
and storage API; everything users do goes through the bot. One bot process serves both
languages (each has its own community, people and groups); its clock is moved forward, never
waited for. Each transcript starts at 09:00 in the community, so the days offered are fixed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.units import format_unit
from sqlalchemy import select

from bot.domain.clock import as_utc
from bot.services.communities import create_community
from storage import UnitOfWork, roster_repo
from storage.deliberation_models import Decision, DecisionUpdate, Meeting, Motion
from storage.models import ChatGroup, Community, Household, Resident
from storage.users_repo import touch_user
from tests.e2e import deliberation_texts as d
from tests.e2e.conftest import ADMIN_EN, ADMIN_ZH
from tests.e2e.harness import REPLY_TIMEOUT, BotProcess, Transcript, eventually
from tests.e2e.steps import (
    JSON,
    Said,
    Texts,
    day_label,
    file_of,
    hold_roles,
    labels,
    number,
    percent,
    press_for_keyboard,
    short_when,
    start_payload,
    url_of,
    when,
)
from tests.fakes.telegram_server import FakeTelegramServer, FakeUser

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

TZ = "Asia/Shanghai"
#: The building's homes: floor area in hundredths of m² (as the tally counts it) and owner.
HOMES = {"101": (8950, "ann"), "102": (12000, "ben"), "103": (6525, "cat"),
         "104": (9800, "dan"), "105": (9800, "dan"), "201": (14380, "eve"),
         "202": (7640, "fay"), "203": (11000, "gus"), "204": (5860, "hal"),
         "205": (13245, "ivy")}
#: Owners with Telegram, verified: Dan owns 104 and 105. Gus, Hal and Ivy have no phone.
LIVES_IN = {"ann": ("101",), "ben": ("102",), "cat": ("103",), "dan": ("104", "105"),
            "eve": ("201",), "fay": ("202",)}
#: The candidate times: (days from today, how the organizer gives the time).
SLOTS = ((5, "19:00"), (6, "19:30"), (7, "10:00"))
TYPED = "19:30"  # typed rather than pressed
#: The lengths offered, in minutes (the usual one says so), and the one chosen.
DURATIONS, USUAL, DURATION = (60, 90, 120, 180), 120, 90
#: Availability presses, in order: (owner, candidate time, answer) → the toast's answer.
AVAILABILITY = (("eve", 3, "y"), ("eve", 3, "y"), ("eve", 3, "m"), ("ann", 1, "y"),
                ("ann", 2, "y"), ("ben", 2, "y"), ("ben", 3, "n"), ("cat", 1, "m"),
                ("cat", 2, "y"), ("dan", 1, "y"), ("dan", 2, "n"))
ICONS = {"y": "✅", "m": "🤔", "n": "❌"}
#: Final counts per candidate time (yes, if need be, no): the second one wins.
COUNTS = ((2, 1, 0), (3, 0, 1), (0, 1, 1))
CHOSEN = 2
#: Votes in the group (Ben first says For, then changes his mind) and at the door.
GROUP_VOTES = (("ann", "for"), ("ben", "for"), ("ben", "against"), ("cat", "for"),
               ("dan", "for"), ("eve", "abstain"))
DOOR_VOTES = (("203", "for"), ("204", "against"))
MOTION_DAYS = (1, 3, 7, 14)
VOTING_DAYS = 3


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class Estate:
    """One language's world: a building with floors 1 and 2, five homes each (see HOMES);
    the owners' committee member and property staff serve the whole community, the floor
    contact looks after floor 2. The building's residents' group and the committee group
    are bound."""

    language: str  # Telegram's language_code of everyone here
    locale: str
    admin: int
    community: str
    compound: str
    building: str
    topic: str
    item: str  # the agenda item
    place: str  # where the meeting is held
    question: str  # the motion
    progress: str  # property's note at 50%
    done: str  # property's closing note
    committee: Person
    staff: Person
    contact: Person
    owners: dict[str, Person]
    group_chat: int
    committee_chat: int

    @property
    def building_label(self) -> str:
        return f"{self.compound} {self.building}"


def people(base: int, *names: str) -> dict[str, Person]:
    return {key: Person(base + n, name) for n, (key, name) in enumerate(
        zip(("ann", "ben", "cat", "dan", "eve", "fay"), names, strict=True))}


EN = Estate("en", "en", ADMIN_EN, "Maple Court", "Maple Garden", "Block A",
            "Repainting the Block A stairwell", "Quotes from two painters",
            "Block A lobby",
            "Repaint the Block A stairwell", "Walls scraped and primed on floors 1 and 2",
            "All floors repainted; the stairwell is open again",
            Person(7401, "Grace"), Person(7402, "Wang"), Person(7403, "Dora"),
            people(7411, "Ann", "Ben", "Cat", "Dan", "Eve", "Fay"),
            -1_001_892_000_001, -1_001_892_000_002)
ZH = Estate("zh-hans", "zh_CN", ADMIN_ZH, "和平里社区", "和平小区", "2号楼",
            "2号楼楼道粉刷", "两家粉刷公司的报价", "2号楼一楼活动室",
            "粉刷2号楼楼道，费用由公共收益支付",
            "1、2层墙面已铲除并刷好底漆", "各层均已粉刷完毕，楼道恢复通行",
            Person(7501, "陈主任"), Person(7502, "王师傅"), Person(7503, "李阿姨"),
            people(7511, "张三", "李四", "王五", "赵六", "孙七", "周八"),
            -1_001_892_000_011, -1_001_892_000_012)


# -- the world --------------------------------------------------------------------------------
async def nine_in_the_morning(bot: BotProcess) -> datetime:
    """Moves the bot's clock to the next 09:00 of the community's day; returns that moment."""
    now = bot.clock().now().astimezone(ZoneInfo(TZ))
    target = datetime.combine(now.date(), time(9), tzinfo=ZoneInfo(TZ))
    if target <= now:
        target += timedelta(days=1)
    bot.advance((target - now).total_seconds())
    return target


async def seed(bot: BotProcess, e: Estate) -> int:
    """The community, its ten homes with their areas and owners, the verified owners, the
    two bound groups, the committee member, property staff and the floor contact."""
    clock = bot.clock()
    async with bot.database() as db:
        community = await create_community(
            UnitOfWork(db, clock), creator_id=e.admin, bootstrap_admins=frozenset({e.admin}),
            name=e.community, timezone=TZ, locale=e.locale, daily_time="08:00")
        async with UnitOfWork(db, clock) as uow:
            session, now = uow.session, uow.now()
            # The committee group also gets the daily digest at 08:00 of whichever days the
            # clock is moved across: not this story's, so it is put off past its end.
            (await session.get(Community, community.id)).next_daily_at = now + timedelta(
                days=60)
            for person in (e.committee, e.staff, e.contact, *e.owners.values()):
                await touch_user(session, person.id, first_name=person.name, username=None,
                                 language_code=e.language, now=now)
            compound = await roster_repo.add_unit(session, community.id, None, "compound",
                                                  e.compound)
            building = await roster_repo.add_unit(session, community.id, compound, "building",
                                                  e.building)
            floors, homes = {}, {}
            for room, (area, owner) in HOMES.items():
                if room[0] not in floors:
                    floors[room[0]] = await roster_repo.add_unit(
                        session, community.id, building, "floor", room[0], int(room[0]))
                home = Household(community_id=community.id, floor_id=floors[room[0]].id,
                                 building_id=building.id, room=room, area=area / 100,
                                 owner_key=f"owner-{owner}")
                session.add(home)
                await session.flush()
                homes[room] = home.id
            for key, rooms in LIVES_IN.items():
                for room in rooms:
                    session.add(Resident(user_id=e.owners[key].id, household_id=homes[room],
                                         relation="owner", status="verified", requested_at=now,
                                         decided_by=e.admin, decided_at=now))
            for chat_id, unit_id, purpose in ((e.group_chat, building.id, "residents"),
                                              (e.committee_chat, None, "committee")):
                session.add(ChatGroup(chat_id=chat_id, thread_id=0, title=str(chat_id),
                                      community_id=community.id, unit_id=unit_id,
                                      purpose=purpose, locale=None, active=True,
                                      bound_by=e.admin, created_at=now, updated_at=now))
            await uow.commit()
        await hold_roles(db, clock, community.id, e.admin, (
            (e.committee, "owners_committee", None), (e.staff, "property", None),
            (e.contact, "floor_contact", floors["2"].id)))
    return community.id


async def row_of(bot: BotProcess, model: type, community_id: int) -> object | None:
    """The community's (only) meeting, motion or decision."""
    async with bot.database() as db, db.reading() as session:
        return (await session.execute(select(model).where(
            model.community_id == community_id))).scalar_one_or_none()


async def update_of(bot: BotProcess, decision_id: int) -> DecisionUpdate | None:
    async with bot.database() as db, db.reading() as session:
        return (await session.execute(select(DecisionUpdate).where(
            DecisionUpdate.decision_id == decision_id))).scalars().first()


def moment_for(bot: BotProcess, at: datetime) -> float:
    """Seconds to move the bot's clock so that it is just past `at`."""
    return (at - bot.clock().now()).total_seconds() + 1


# -- how the bot writes things ----------------------------------------------------------------
def slot(moment: datetime, locale: str) -> str:
    """A candidate time with its weekday (“Thu, Dec 3 19:00”, “12月3日周四 19:00”)."""
    local = moment.astimezone(ZoneInfo(TZ))
    return "{} {}".format(day_label(local.date(), locale),
                          format_skeleton("Hm", local, locale=Locale.parse(locale)))


def hours(minutes: int, locale: str) -> str:
    """How long a meeting lasts (“1.5 hours”, “1.5小时”)."""
    return format_unit(minutes / 60, "duration-hour", locale=Locale.parse(locale))


def long_day(moment: datetime, locale: str) -> str:
    """A date as decisions show it (“January 8, 2027”, “2027年1月8日”)."""
    return format_date(moment.astimezone(ZoneInfo(TZ)), "long", locale=Locale.parse(locale))


def local(day: date, hhmm: str) -> datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(TZ))


def area(hundredths: int, locale: str) -> str:
    return f"{number(hundredths / 100, locale)} m²"


def share(value: int, base: int, locale: str) -> str:
    return percent(value / base if base else 0.0, locale)


# -- edits of a group post --------------------------------------------------------------------
async def post_becomes(t: Transcript, post: JSON, equals: str,
                       timeout: float = REPLY_TIMEOUT) -> JSON:  # noqa: ASYNC109
    """The group post, once the bot's edits of it show `equals`. Live counts are coalesced
    (one edit every few seconds), so the edits before it show the counts on their way."""
    chat_id, message_id = post["chat"]["id"], post["message_id"]
    seen: list[str] = []
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        remaining = end - loop.time()
        try:
            call = await t.server.wait_for(
                "editMessageText", lambda c: (c.ok and c.params.get("chat_id") == chat_id
                                              and c.params.get("message_id") == message_id),
                timeout=max(remaining, 0.0))
        except TimeoutError:
            raise AssertionError(
                f"the post {message_id} in chat {chat_id} was not edited to:\n  {equals!r}\n"
                f"within {timeout}s; its edits: {seen!r}") from None
        seen.append(str(call.params.get("text")))
        if seen[-1] == equals:
            return call.result


# -- the meeting ------------------------------------------------------------------------------
def poll(e: Estate, tr: Texts, times: list[datetime], deadline: datetime,
         counts: tuple[tuple[int, int, int], ...], chosen: int | None = None) -> str:
    """The poll as the preview and the group show it: open with the deadline, or decided
    (the chosen time starred and when the meeting is)."""
    loc = e.locale
    lines = [tr(d.MEETING, topic=e.topic), tr(d.PLACE_LINE, place=e.place),
             tr(d.DURATION_LINE, duration=hours(DURATION, loc)), "", tr(d.AGENDA_HEAD),
             f"1. {e.item}", ""]
    if chosen is None:
        lines.append(tr(d.ANSWER_BY, deadline=when(deadline, TZ, loc)))
    for n, (moment, (yes, maybe, no)) in enumerate(zip(times, counts, strict=True), 1):
        mark = "⭐ " if n == chosen else ""
        lines.append(f"{mark}{n}) {slot(moment, loc)} — ✅ {number(yes, loc)} · 🤔 "
                     f"{number(maybe, loc)} · ❌ {number(no, loc)}")
    lines.append("")
    lines.append(tr(d.POLL_HINT) if chosen is None else
                 tr(d.POLL_CLOSED, when=when(times[chosen - 1], TZ, loc)))
    return "\n".join(lines)


async def choose(t: Transcript, user: FakeUser, message: JSON, button: str, shown: str
                 ) -> None:
    """Presses `button`; the question stays in the chat with the choice under it."""
    await t.press(user, message, button)
    await t.bot_says(user, equals=f"{message['text']}\n\n→ {shown}")


async def add_time(t: Transcript, user: FakeUser, e: Estate, tr: Texts, today: date,
                   days: int, hhmm: str, times: list[datetime]) -> JSON:
    """A day button, then the time (a button, or typed); returns the list of times."""
    loc = e.locale
    offered = [day_label(today + timedelta(days=n), loc) for n in range(14)]
    days_message = await t.bot_buttons(user, equals=tr(d.DAYS, minimum=2, maximum=8,
                                                        timezone=TZ))
    assert labels(days_message) == [*offered, tr(d.CANCEL)]
    day = today + timedelta(days=days)
    await choose(t, user, days_message, day_label(day, loc), day_label(day, loc))
    asked = await t.bot_buttons(user, equals=tr(d.TIME, day=day_label(day, loc)))
    assert labels(asked) == [*(f"{h:02d}:00" for h in range(8, 22)), tr(d.ANOTHER_DAY),
                             tr(d.CANCEL)]
    if hhmm == TYPED:
        await t.user_says(user, hhmm)
    else:
        await t.press(user, asked, hhmm)
    times.append(local(day, hhmm))
    lines = [tr(d.TIMES, count=len(times), limit=8),
             *(f"{n}) {slot(m, loc)}" for n, m in enumerate(sorted(times), 1))]
    if len(times) < 2:
        lines.append(tr(d.AT_LEAST, minimum=2))
    listed = await t.bot_buttons(user, equals="\n".join(lines))
    done = [tr(d.TIMES_DONE)] if len(times) >= 2 else []
    assert labels(listed) == [*(f"✖ {slot(m, loc)}" for m in sorted(times)), tr(d.ADD_TIME),
                              *done, tr(d.CANCEL)]
    return listed


async def call_meeting(t: Transcript, bot: BotProcess, committee: FakeUser, e: Estate,
                       tr: Texts) -> tuple[list[datetime], datetime]:
    """/meeting from the first message to Publish; returns the times and the deadline
    (typed: tomorrow 18:00)."""
    loc = e.locale
    await t.user_says(committee, "/meeting")
    asked = await t.bot_buttons(committee, equals=tr(d.MEETING_START, limit=200))
    assert labels(asked) == [tr(d.CANCEL)]
    await t.user_says(committee, e.topic)
    agenda = await t.bot_buttons(committee, equals=tr(d.AGENDA))
    assert labels(agenda) == [tr(d.AGENDA_DONE), tr(d.CANCEL)], "no reports or surveys yet"
    await t.user_says(committee, e.item)
    agenda = await t.bot_buttons(committee, equals="\n".join([tr(d.AGENDA), f"1. {e.item}"]))
    await t.press(committee, agenda, tr(d.AGENDA_DONE))
    asked = await t.bot_buttons(committee, equals=tr(d.PLACE, limit=100))
    assert labels(asked) == [tr(d.NO_PLACE), tr(d.CANCEL)]
    await t.user_says(committee, e.place)
    asked = await t.bot_buttons(committee, equals=tr(d.DURATION))
    assert labels(asked) == [tr(d.USUAL, duration=hours(m, loc)) if m == USUAL else
                             hours(m, loc) for m in DURATIONS] + [tr(d.CANCEL)]
    await choose(t, committee, asked, hours(DURATION, loc), hours(DURATION, loc))

    today = bot.clock().now().astimezone(ZoneInfo(TZ)).date()
    times: list[datetime] = []
    for n, (days, hhmm) in enumerate(SLOTS):
        listed = await add_time(t, committee, e, tr, today, days, hhmm, times)
        await t.press(committee, listed, tr(d.ADD_TIME if n < len(SLOTS) - 1 else
                                            d.TIMES_DONE))

    scope = await t.bot_buttons(committee, equals=tr(d.GROUPS))
    assert labels(scope) == [tr(d.WHOLE), f"🏘 {e.compound}", "›", tr(d.CANCEL)]
    inside = await press_for_keyboard(t, committee, scope, "›")
    building = f"🏢 {e.building}"
    assert labels(inside) == [building, "›", tr(d.UP), tr(d.CANCEL)]
    await t.press(committee, inside, building)
    await t.bot_says(committee, equals=f"{tr(d.GROUPS)}\n\n→ {e.building_label}")
    first = min(times)
    asked = await t.bot_buttons(committee, equals=tr(d.DEADLINE, first=slot(first, loc)))
    assert labels(asked) == [tr(d.IN_DAYS[n]) for n in (1, 2, 3)] + [tr(d.CANCEL)], \
        "a week would be after the first time"
    tomorrow = today + timedelta(days=1)
    await t.user_says(committee, f"{tomorrow.isoformat()} 18:00")
    deadline = local(tomorrow, "18:00")

    times.sort()
    zero = ((0, 0, 0),) * len(times)
    await t.bot_says(committee, equals=poll(e, tr, times, deadline, zero))
    ask = await t.bot_buttons(committee, equals=tr(d.PREVIEW, scope=e.building_label))
    assert labels(ask) == [tr(d.PUBLISH), tr(d.CANCEL)]
    await t.press(committee, ask, tr(d.PUBLISH))
    await t.bot_says(committee, equals=tr(d.PUBLISHED, count=1))
    return times, deadline


async def answer_availability(t: Transcript, e: Estate, tr: Texts, owners: dict[str, FakeUser],
                              post: JSON, times: list[datetime]) -> None:
    """The owners press the poll's buttons; each hears back in a toast only they see."""
    given: dict[tuple[str, int], str] = {}
    for key, n, answer in AVAILABILITY:
        pressed = await t.press(owners[key], post, f"{n} {ICONS[answer]}")
        at = slot(times[n - 1], e.locale)
        if given.get((key, n)) == answer:  # the same button again takes it back
            del given[(key, n)]
            expected = tr(d.REMOVED, when=at)
        else:
            given[(key, n)] = answer
            expected = tr(d.SAVED, when=at, answer=tr(d.ANSWERS[answer]))
        await t.bot_answers(pressed, equals=expected, alert=False)
    counts = tuple(tuple(sum(1 for (_key, n), a in given.items() if n == index and a == answer)
                         for answer in "ymn") for index in range(1, len(times) + 1))
    assert counts == COUNTS, counts


# -- the motion -------------------------------------------------------------------------------
def tally(votes: dict[str, str]) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """What the ballots add up to under Article 278, from the roster: `votes` maps an owner
    (or the room of an owner without a phone) to their choice. Returns (owners who voted,
    their area, choice → (owners, area))."""
    owners: dict[str, int] = {}
    for _room, (hundredths, owner) in HOMES.items():
        owners[owner] = owners.get(owner, 0) + hundredths
    by_choice: dict[str, tuple[int, int]] = {}
    for voter, choice in votes.items():
        owner = HOMES[voter][1] if voter in HOMES else voter
        n, a = by_choice.get(choice, (0, 0))
        by_choice[choice] = (n + 1, a + owners[owner])
    cast = sum(n for n, _ in by_choice.values())
    return cast, sum(a for _, a in by_choice.values()), by_choice


ELIGIBLE_OWNERS = len({owner for _area, owner in HOMES.values()})  # 9: Dan counts once
ELIGIBLE_AREA = sum(a for a, _owner in HOMES.values())  # 992 m²


def turnout(e: Estate, tr: Texts, votes: dict[str, str]) -> list[str]:
    """The owners and the area taking part against the ⅔ needed, and the counts."""
    loc = e.locale
    cast, cast_area, by_choice = tally(votes)
    return [tr(d.OWNERS_TAKING, cast=cast, eligible=ELIGIBLE_OWNERS,
               share=share(cast, ELIGIBLE_OWNERS, loc)),
            tr(d.AREA_TAKING, cast=area(cast_area, loc), eligible=area(ELIGIBLE_AREA, loc),
               share=share(cast_area, ELIGIBLE_AREA, loc)),
            *(f"{tr(d.CHOICES[c])}: {by_choice.get(c, (0, 0))[0]} · "
              f"{area(by_choice.get(c, (0, 0))[1], loc)}" for c in d.CHOICES)]


def motion_post(e: Estate, tr: Texts, deadline: datetime, votes: dict[str, str], *,
                closed: bool = False) -> str:
    ending = (tr(d.VOTING_CLOSED) if closed else
              tr(d.VOTE_UNTIL, deadline=when(deadline, TZ, e.locale)))
    return "\n".join([tr(d.MOTION, question=e.question),
                      tr(d.RULE, rule=tr(d.RULE_NAMES["art278"])),
                      *turnout(e, tr, votes), ending])


def result(e: Estate, tr: Texts, votes: dict[str, str], due: datetime) -> str:
    """The result: every threshold of Article 278 with the numbers behind it."""
    loc = e.locale
    cast, cast_area, by_choice = tally(votes)
    support, support_area = by_choice["for"]
    two_thirds, half = Fraction(2, 3), Fraction(1, 2)
    checks = (
        ("participation_area", area(cast_area, loc), area(ELIGIBLE_AREA, loc),
         share(cast_area, ELIGIBLE_AREA, loc), d.TWO_THIRDS,
         Fraction(cast_area, ELIGIBLE_AREA) >= two_thirds),
        ("participation_owners", cast, ELIGIBLE_OWNERS, share(cast, ELIGIBLE_OWNERS, loc),
         d.TWO_THIRDS, Fraction(cast, ELIGIBLE_OWNERS) >= two_thirds),
        ("support_area", area(support_area, loc), area(cast_area, loc),
         share(support_area, cast_area, loc), d.MORE_THAN_HALF,
         Fraction(support_area, cast_area) > half),
        ("support_owners", support, cast, share(support, cast, loc), d.MORE_THAN_HALF,
         Fraction(support, cast) > half))
    assert all(met for *_rest, met in checks), "the story needs a motion that passes"
    return "\n".join([
        tr(d.RESULT, question=e.question), tr(d.RULE, rule=tr(d.RULE_NAMES["art278"])),
        tr(d.PASSED),
        *(tr(d.CHECK_LINE, mark="✅", label=tr(d.CHECKS[name]), value=value, base=base,
             share=part, needed=tr(needed)) for name, value, base, part, needed, _met in checks),
        *turnout(e, tr, votes)[-3:],
        tr(d.NOW_A_DECISION, due=long_day(due, loc))])


async def put_motion(t: Transcript, bot: BotProcess, committee: FakeUser, e: Estate,
                     tr: Texts) -> datetime:
    """/motion from the question to Publish, under Article 278, for the building, open
    for three days; returns the deadline."""
    loc = e.locale
    await t.user_says(committee, "/motion")
    await t.bot_says(committee, equals=tr(d.MOTION_START, community=e.community))
    await t.user_says(committee, e.question)
    rules = await t.bot_buttons(committee, equals="\n\n".join([tr(d.WHICH_RULE), *(
        f"• {tr(d.RULE_NAMES[r])}: {tr(d.RULES_EXPLAINED[r])}" for r in d.RULES)]))
    assert labels(rules) == [*(tr(d.RULE_NAMES[r]) for r in d.RULES), tr(d.CANCEL)]
    await choose(t, committee, rules, tr(d.RULE_NAMES["art278"]), tr(d.RULE_NAMES["art278"]))

    building = f"🏢 {e.building_label}"
    scopes = await t.bot_buttons(committee, equals=tr(d.WHO_VOTES))
    assert labels(scopes) == [tr(d.WHOLE), f"🏘 {e.compound}", building, tr(d.CANCEL)]
    await choose(t, committee, scopes, building, building)

    today = bot.clock().now().astimezone(ZoneInfo(TZ)).date()
    closing = {n: local(today + timedelta(days=n), "20:00") for n in MOTION_DAYS}
    offered = {n: tr(d.TOMORROW if n == 1 else d.IN_N_DAYS, days=n, moment=when(m, TZ, loc))
               for n, m in closing.items()}
    until = await t.bot_buttons(committee, equals=tr(d.UNTIL_WHEN, timezone=TZ))
    assert labels(until) == [*offered.values(), tr(d.CANCEL)]
    deadline = closing[VOTING_DAYS]
    await choose(t, committee, until, offered[VOTING_DAYS], when(deadline, TZ, loc))

    secret = await t.bot_buttons(committee, equals=tr(d.SECRET))
    assert labels(secret) == [tr(d.SECRET_YES), tr(d.SECRET_NO), tr(d.CANCEL)]
    await choose(t, committee, secret, tr(d.SECRET_NO), tr(d.SECRET_NO))
    property_ = tr(d.BODIES["property"])
    bodies = await t.bot_buttons(committee, equals=tr(d.WHO_CARRIES))
    assert labels(bodies) == [*(tr(b) for b in d.BODIES.values()), tr(d.CANCEL)]
    await choose(t, committee, bodies, property_, property_)

    preview = await t.bot_buttons(committee, equals="\n".join([
        tr(d.CHECK), tr(d.QUESTION, question=e.question),
        tr(d.RULE, rule=tr(d.RULE_NAMES["art278"])), tr(d.WHO, scope=building),
        tr(d.VOTING_UNTIL, deadline=when(deadline, TZ, loc)),
        tr(d.SECRET_LINE, answer=tr(d.NO)), tr(d.CARRIED_BY, body=property_),
        tr(d.NOTHING_YET)]))
    assert labels(preview) == [tr(d.MOTION_PUBLISH), tr(d.CANCEL)]
    await choose(t, committee, preview, tr(d.MOTION_PUBLISH), tr(d.MOTION_PUBLISHED))
    return deadline


async def vote_in_the_group(t: Transcript, e: Estate, tr: Texts, owners: dict[str, FakeUser],
                            post: JSON, deadline: datetime) -> dict[str, str]:
    """The owners press For / Against / Abstain; each gets what was recorded in an alert."""
    votes: dict[str, str] = {}
    until = when(deadline, TZ, e.locale)
    for key, choice in GROUP_VOTES:
        pressed = await t.press(owners[key], post, tr(d.CHOICES[choice]))
        text = d.VOTE_CHANGED if key in votes else d.YOUR_VOTE
        await t.bot_answers(pressed, equals=tr(text, choice=tr(d.CHOICES[choice]),
                                               deadline=until), alert=True)
        votes[key] = choice
    return votes


async def record_at_the_door(t: Transcript, contact: FakeUser, e: Estate, tr: Texts,
                             link: str, deadline: datetime, votes: dict[str, str]) -> None:
    """The floor contact opens the motion from the post's link and records the homes of
    floor 2 whose owners have no phone, one after the other."""
    await t.user_says(contact, f"/start {link}")
    opened = await t.bot_buttons(contact, equals="\n\n".join([
        motion_post(e, tr, deadline, votes), tr(d.RULES_EXPLAINED["art278"])]))
    assert labels(opened) == [*(tr(c) for c in d.CHOICES.values()), tr(d.DOOR)]
    await t.press(contact, opened, tr(d.DOOR))
    for room, choice in DOOR_VOTES:
        waiting = sorted(r for r in HOMES if r[0] == "2" and r not in votes
                         and HOMES[r][1] not in votes)
        homes = await t.bot_buttons(contact, equals=tr(d.HOMES, count=len(waiting)))
        assert labels(homes) == waiting
        await t.press(contact, homes, room)
        asked = await t.bot_buttons(contact, equals=tr(d.HOME_VOTES))
        assert labels(asked) == [tr(c) for c in d.CHOICES.values()]
        await t.press(contact, asked, tr(d.CHOICES[choice]))
        recorded = await t.bot_buttons(contact, equals=tr(d.RECORDED,
                                                          choice=tr(d.CHOICES[choice])))
        assert labels(recorded) == [tr(d.NEXT_HOME)]
        votes[room] = choice
        if room != DOOR_VOTES[-1][0]:
            await t.press(contact, recorded, tr(d.NEXT_HOME))


# -- the decision -----------------------------------------------------------------------------
def bar(done: int, locale: str) -> str:
    """▓▓▓▓▓░░░░░ 50%"""
    filled = done // 10
    return f"{'▓' * filled}{'░' * (10 - filled)} {percent(done / 100, locale)}"


async def open_the_decision(t: Transcript, staff: FakeUser, e: Estate, tr: Texts,
                            status: str, progress: int, updates: list[str]) -> JSON:
    """/decisions → the decision: its status, progress, who carries it out, the latest
    updates, and the body's buttons."""
    body = tr(d.BODIES["property"])
    await t.user_says(staff, "/decisions")
    listing = await t.bot_buttons(staff, equals="\n".join([
        tr(d.DECISIONS), f"1. {e.question}\n    {status} · {body}"]))
    assert labels(listing) == [f"1. {e.question}"]
    await t.press(staff, listing, f"1. {e.question}")
    latest = ["", tr(d.LATEST), *updates] if updates else []
    opened = await t.bot_buttons(staff, equals="\n".join([
        tr(d.DECISION, title=e.question), status, bar(progress, e.locale),
        tr(d.RESPONSIBLE, body=body), *latest]))
    assert labels(opened) == [tr(d.POST_PROGRESS), tr(d.MARK_DONE)]
    return opened


@pytest.mark.parametrize("e", [pytest.param(EN, id="en"), pytest.param(ZH, id="zh")])
async def test_meeting_motion_and_decision_from_poll_to_done(
        server: FakeTelegramServer, bot: BotProcess, transcript: Transcript, e: Estate):
    t, tr, loc = transcript, Said(e.locale), e.locale
    group = server.group(e.group_chat, f"{e.building} residents")
    committee_group = server.group(e.committee_chat, "Committee")
    await nine_in_the_morning(bot)
    community_id = await seed(bot, e)
    committee, staff, contact = (server.user(p.id, p.name, e.language)
                                 for p in (e.committee, e.staff, e.contact))
    owners = {key: server.user(p.id, p.name, e.language) for key, p in e.owners.items()}

    # The committee member calls the meeting; the building's group gets the poll.
    times, deadline = await call_meeting(t, bot, committee, e, tr)
    zero = ((0, 0, 0),) * len(times)
    post = await t.bot_buttons(group, equals=poll(e, tr, times, deadline, zero))
    assert labels(post) == [f"{n} {icon}" for n in range(1, len(times) + 1)
                            for icon in ICONS.values()]
    meeting = await row_of(bot, Meeting, community_id)
    assert (as_utc(meeting.deadline), meeting.status) == (deadline, "polling")

    # The owners answer in the group; the floor contact, who has no home here, may not.
    await answer_availability(t, e, tr, owners, post, times)
    refused = await t.press(contact, post, "1 ✅")
    await t.bot_answers(refused, equals=tr(d.NOT_VERIFIED), alert=True)
    await post_becomes(t, post, poll(e, tr, times, deadline, COUNTS))

    # At the deadline the time most can come to is announced with a calendar file.
    await server.wait_idle(quiet=0.3)
    bot.advance(moment_for(bot, deadline))
    chosen = times[CHOSEN - 1]
    closed = await post_becomes(t, post, poll(e, tr, times, deadline, COUNTS, chosen=CHOSEN))
    assert labels(closed) == [], "no answers once the time is chosen"
    announced = await t.bot_says(group, equals="\n".join([
        tr(d.SCHEDULED, topic=e.topic, when=when(chosen, TZ, loc)),
        tr(d.PLACE_LINE, place=e.place), tr(d.DURATION_LINE, duration=hours(DURATION, loc)),
        "", tr(d.AGENDA_HEAD), f"1. {e.item}", "", tr(d.CALENDAR)]))
    assert announced["document"]["file_name"] == "meeting.ics"
    ics = file_of(server, announced).decode("utf-8").replace("\r\n ", "").split("\r\n")
    start = as_utc(chosen)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in ics
    assert f"DTEND:{start + timedelta(minutes=DURATION):%Y%m%dT%H%M%SZ}" in ics
    assert f"SUMMARY:{e.topic}" in ics
    assert f"LOCATION:{e.place}" in ics
    yes, maybe, no = COUNTS[CHOSEN - 1]
    notice = await t.bot_buttons(committee, equals=tr(
        d.CHOSEN_FOR_CREATOR, topic=e.topic, when=slot(chosen, loc), yes=yes, maybe=maybe,
        no=no))
    assert labels(notice) == [f"🔁 {slot(m, loc)} · ✅ {y} 🤔 {mb} ❌ {n}"
                              for m, (y, mb, n) in zip(times, COUNTS, strict=True)
                              if m != chosen]

    # The motion: posted in the group with the vote buttons and a link to its details.
    motion_deadline = await put_motion(t, bot, committee, e, tr)
    motion = await eventually(lambda: row_of(bot, Motion, community_id),
                              what="the motion saved")
    await t.bot_says(committee, equals=tr(d.MOTION_POSTED, id=motion.id))
    assert (motion.rule, motion.secret, as_utc(motion.deadline)) == (
        "art278", False, motion_deadline)
    ballot = await t.bot_buttons(group, equals=motion_post(e, tr, motion_deadline, {}))
    assert labels(ballot) == [*(tr(c) for c in d.CHOICES.values()), tr(d.DETAILS)]
    link = start_payload(url_of(ballot, tr(d.DETAILS)))
    assert link == f"m_{motion.id}"

    votes = await vote_in_the_group(t, e, tr, owners, ballot, motion_deadline)
    await record_at_the_door(t, contact, e, tr, link, motion_deadline, votes)
    assert votes == {"ann": "for", "ben": "against", "cat": "for", "dan": "for",
                     "eve": "abstain", "203": "for", "204": "against"}
    assert tally(votes)[:2] == (7, 78315), "7 of 9 owners, 783.15 of 992 m²"
    await post_becomes(t, ballot, motion_post(e, tr, motion_deadline, votes))

    # At the deadline: the result in the group, the committee group and to its creator.
    await server.wait_idle(quiet=0.3)
    bot.advance(moment_for(bot, motion_deadline))
    final = await post_becomes(t, ballot, motion_post(e, tr, motion_deadline, votes,
                                                      closed=True))
    assert labels(final) == [], "no voting once closed"
    decision = await eventually(lambda: row_of(bot, Decision, community_id),
                                what="the decision made")
    due = as_utc(decision.due_at)
    assert due - as_utc(decision.created_at) == timedelta(days=30)
    outcome = result(e, tr, votes, due)
    await t.bot_says(group, equals=outcome)
    await t.bot_says(committee_group, equals=outcome)
    mine = await t.bot_buttons(committee, equals=outcome)
    assert labels(mine) == [tr(d.TALLY_CSV), tr(d.TALLY_XLSX)]

    # Property management posts progress: 50% with a note; the group hears of it.
    body, due_day = tr(d.BODIES["property"]), long_day(due, loc)
    fresh = tr(d.OPEN_STATUS, percent=percent(0, loc), day=due_day)
    detail = await open_the_decision(t, staff, e, tr, fresh, 0, [])
    await t.press(staff, detail, tr(d.POST_PROGRESS))
    how_far = await t.bot_buttons(staff, equals=tr(d.HOW_FAR, title=e.question,
                                                   progress=bar(0, loc)))
    assert labels(how_far) == [*(percent(p / 100, loc) for p in range(10, 101, 10)),
                               tr(d.CANCEL)]
    await t.press(staff, how_far, percent(0.5, loc))
    await t.bot_says(staff, equals=tr(d.NOTE, percent=percent(0.5, loc)))
    await t.user_says(staff, e.progress)
    photo = await t.bot_buttons(staff, equals=tr(d.PHOTO))
    assert labels(photo) == [tr(d.SKIP), tr(d.CANCEL)]
    await t.press(staff, photo, tr(d.SKIP))
    progress = [tr(d.PROGRESS, title=e.question), bar(50, loc), f"“{e.progress}”"]
    preview = await t.bot_buttons(staff, equals="\n".join([tr(d.GROUPS_WILL_SEE), "",
                                                           *progress]))
    assert labels(preview) == [tr(d.MOTION_PUBLISH), tr(d.CANCEL)]
    await t.press(staff, preview, tr(d.MOTION_PUBLISH))
    await t.bot_says(staff, equals=tr(d.PROGRESS_PUBLISHED, count=1))
    await t.bot_says(group, equals="\n".join([*progress, tr(d.BODY_DUE, body=body,
                                                            day=due_day)]))

    # Then it marks the decision done: the group and the committee group hear of it.
    update = await eventually(lambda: update_of(bot, decision.id), what="the update saved")
    half = tr(d.OPEN_STATUS, percent=percent(0.5, loc), day=due_day)
    detail = await open_the_decision(t, staff, e, tr, half, 50, [
        f"• {short_when(as_utc(update.at), TZ, loc)} {percent(0.5, loc)} — {e.staff.name}: "
        f"“{e.progress}”"])
    await t.press(staff, detail, tr(d.MARK_DONE))
    asked = await t.bot_buttons(staff, equals=tr(d.CLOSING, title=e.question))
    assert labels(asked) == [tr(d.CANCEL)]
    await t.user_says(staff, e.done)
    confirm = await t.bot_buttons(staff, equals=tr(d.CLOSE_IT, title=e.question,
                                                   note=f"“{e.done}”"))
    assert labels(confirm) == [tr(d.CONFIRM_DONE), tr(d.CANCEL)]
    await t.press(staff, confirm, tr(d.CONFIRM_DONE))
    await t.bot_says(staff, equals=tr(d.CLOSED, title=e.question, count=2))
    done = await eventually(lambda: row_of(bot, Decision, community_id),
                            what="the decision done", until=lambda row: row.status == "done")
    done_day = long_day(as_utc(done.done_at), loc)
    carried_out = "\n".join([tr(d.CARRIED_OUT, title=e.question),
                             tr(d.DONE_LINE, body=body, day=done_day, note=f"“{e.done}”")])
    for chat in (group, committee_group):
        await t.bot_says(chat, equals=carried_out)
    await t.user_says(staff, "/decisions")
    await t.bot_buttons(staff, equals="\n".join([
        tr(d.DECISIONS), f"1. {e.question}\n    {tr(d.DONE_STATUS, day=done_day)} · {body}"]))

    await server.wait_idle(quiet=0.5)
    for chat in (committee, staff, contact, *owners.values(), group, committee_group):
        await t.bot_is_silent(chat, quiet=0.01)
    tr.assert_catalogued()
    tr.assert_translated()
