"""Issue 4 end to end, in English and in Chinese: a committee member writes a survey for a
building by buttons and publishes it to the building's group and a floor's group; two
residents answer through the group post's link, the floor contact records a third home door
to door; at the reminder time the resident who has not answered is reminded and the contact
gets the homes still missing; at the deadline both groups get the results — the counts and
shares of the answers given, and each group its own turnout.

The roster, the people and the bound groups are seeded through the project's own services
and storage API; everything users do goes through the bot. One bot process serves both
languages (each has its own community, people and groups); its clock is moved forward, never
waited for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.surveys import DEFAULT_REMINDER
from bot.services.communities import create_community
from storage import UnitOfWork, roster_repo
from storage.models import ChatGroup, Household, Resident, Survey
from storage.users_repo import touch_user
from tests.e2e.conftest import ADMIN_EN, ADMIN_ZH
from tests.e2e.harness import BotProcess, Transcript, eventually
from tests.e2e.steps import (
    JSON,
    Texts,
    day_label,
    duration,
    file_of,
    hold_roles,
    labels,
    number,
    percent,
    press_for_keyboard,
    start_payload,
    url_of,
    when,
)
from tests.e2e.survey_texts import (
    ANONYMOUS,
    ANONYMOUS_NO,
    ANONYMOUS_YES,
    ANOTHER_DAY,
    ANSWER_BUTTON,
    ANSWERED,
    ASKED,
    AT_THE_DOOR,
    AUDIENCE,
    AUDIENCES,
    BACK,
    CHANGE,
    CHANGE_UNTIL,
    CHECK,
    CLOSED,
    DAY,
    DESCRIPTION,
    DONE,
    DOOR_SHARE,
    EDITS,
    ENOUGH,
    FOR,
    HINT_RATING,
    HINT_SINGLE,
    HOME_ANSWERS,
    HOMES,
    INTRO,
    KIND,
    KINDS,
    LIVE,
    MEAN,
    MISSING,
    MORE,
    NEXT_HOME,
    NO_DESCRIPTION,
    NOT_ANONYMOUS,
    ONE_PER_HOME,
    OPEN_UNTIL,
    OPTION,
    OPTIONS,
    PENDING,
    PENDING_LINE,
    POST_LIVE,
    POST_QUESTIONS,
    POST_UNTIL,
    POST_WHO,
    PUBLISH,
    PUBLISH_OR_CHANGE,
    PUBLISHED,
    QUESTION,
    QUESTIONS,
    RECORDED,
    REMIND_NO,
    REMIND_YES,
    REMINDED,
    REMINDER,
    REMINDER_SET,
    REQUIRED,
    REQUIRED_ASK,
    RESULTS,
    RESULTS_TITLE,
    SAVED,
    SCOPE,
    SEEN,
    SO_FAR,
    START,
    STEP,
    SUBMIT,
    TAP,
    TAP_RATING,
    THANKS,
    THIS_GROUP,
    TIME,
    TITLE,
    TURNOUT,
    TURNOUT_BY_FLOOR,
    TURNOUT_LINE,
    UP,
    WHOLE,
    YOUR_ANSWERS,
)
from tests.e2e.texts import CANCEL
from tests.fakes.telegram_server import FakeChat, FakeTelegramServer, FakeUser

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

TZ = "Asia/Shanghai"
DAYS, TIMES = (1, 2, 3, 7, 14), ("08:00", "12:00", "18:00", "20:00", "22:00")
ROOMS = {"1": ("101", "102", "103"), "2": ("201", "202", "203")}
PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class Estate:
    """One language's world. Building with floors 1 and 2, three homes each; Ann lives in
    101, Ben in 201, Cat in 202; 102, 103 and 203 have no verified resident. The floor
    contact looks after floor 2; the groups are the building's and floor 2's."""

    language: str  # Telegram's language_code of everyone here
    locale: str
    admin: int
    community: str
    compound: str
    building: str
    title: str
    lift: str  # the single-choice question
    options: tuple[str, str, str]
    upkeep: str  # the rating question
    committee: Person
    contact: Person
    ann: Person
    ben: Person
    cat: Person
    building_chat: int
    floor_chat: int

    @property
    def building_label(self) -> str:
        return f"{self.compound} {self.building}"

    def home(self, room: str) -> str:
        return f"{self.building_label} {room[0]} {room}"


EN = Estate("en", "en", ADMIN_EN, "Maple Court", "Maple Garden", "Block A", "A lift for Block A",
            "Should Block A get a lift?", ("Yes", "No", "Not sure"),
            "How well is the stairwell kept?", Person(7101, "Grace"), Person(7102, "Dora"),
            Person(7103, "Ann"), Person(7104, "Ben"), Person(7105, "Cat"),
            -1_001_890_000_001, -1_001_890_000_002)
ZH = Estate("zh-hans", "zh_CN", ADMIN_ZH, "和平里社区", "和平小区", "2号楼",
            "2号楼加装电梯意见征集", "您是否同意加装电梯？", ("同意", "不同意", "无所谓"),
            "您对楼道保洁满意吗？",
            Person(7201, "陈主任"), Person(7202, "李阿姨"), Person(7203, "张三"),
            Person(7204, "李四"), Person(7205, "王五"), -1_001_890_000_011, -1_001_890_000_012)


@dataclass
class Seeded:
    community_id: int = 0
    floors: dict[str, int] = field(default_factory=dict)
    homes: dict[str, int] = field(default_factory=dict)


async def seed(bot: BotProcess, e: Estate) -> Seeded:
    """The community, its roster, the verified residents, the two bound residents' groups
    (the building's speaks the community's language by default, the floor's has it set),
    the committee member and the floor contact."""
    clock, seeded = bot.clock(), Seeded()
    async with bot.database() as db:
        community = await create_community(
            UnitOfWork(db, clock), creator_id=e.admin, bootstrap_admins=frozenset({e.admin}),
            name=e.community, timezone=TZ, locale=e.locale, daily_time="08:00")
        seeded.community_id = community.id
        async with UnitOfWork(db, clock) as uow:
            session, now = uow.session, uow.now()
            for person in (e.committee, e.contact, e.ann, e.ben, e.cat):
                await touch_user(session, person.id, first_name=person.name, username=None,
                                 language_code=e.language, now=now)
            compound = await roster_repo.add_unit(session, community.id, None, "compound",
                                                  e.compound)
            building = await roster_repo.add_unit(session, community.id, compound, "building",
                                                  e.building)
            for name, rooms in ROOMS.items():
                floor = await roster_repo.add_unit(session, community.id, building, "floor",
                                                   name, int(name))
                seeded.floors[name] = floor.id
                for room in rooms:
                    home = Household(community_id=community.id, floor_id=floor.id,
                                     building_id=building.id, room=room, area=90)
                    session.add(home)
                    await session.flush()
                    seeded.homes[room] = home.id
            for person, room in ((e.ann, "101"), (e.ben, "201"), (e.cat, "202")):
                session.add(Resident(user_id=person.id, household_id=seeded.homes[room],
                                     relation="owner", status="verified", requested_at=now,
                                     decided_by=e.admin, decided_at=now))
            for chat_id, unit_id, locale in ((e.building_chat, building.id, None),
                                             (e.floor_chat, seeded.floors["2"], e.locale)):
                session.add(ChatGroup(chat_id=chat_id, thread_id=0, title=str(chat_id),
                                      community_id=community.id, unit_id=unit_id,
                                      purpose="residents", locale=locale, active=True,
                                      bound_by=e.admin, created_at=now, updated_at=now))
            await uow.commit()
        await hold_roles(db, clock, community.id, e.admin, (
            (e.committee, "owners_committee", None),
            (e.contact, "floor_contact", seeded.floors["2"])))
    return seeded


async def survey_row(bot: BotProcess, survey_id: int) -> Survey | None:
    async with bot.database() as db, db.reading() as session:
        return await session.get(Survey, survey_id)


def cap(text: str) -> str:
    """A name used as a button label (“one answer per household” → “One answer…”)."""
    return text[:1].upper() + text[1:]


async def choose(t: Transcript, user: FakeUser, tr: Texts, prompt: str, button: str, *,
                 offered: list[str] | None = None, shown: str | None = None) -> None:
    """The bot asks `prompt` with buttons (exactly `offered` and ✖️ Cancel, if given); the
    user presses `button`; the question stays in the chat with the choice under it."""
    message = await t.bot_buttons(user, equals=prompt, buttons=[button])
    if offered is not None:
        assert labels(message) == [*offered, tr(CANCEL)], labels(message)
    await t.press(user, message, button)
    await t.bot_says(user, equals=f"{prompt}\n\n→ {shown or button}")


async def add_question(t: Transcript, user: FakeUser, tr: Texts, number: int, kind: str,
                       text: str, options: tuple[str, ...] = ()) -> None:
    kinds = [f"{icon} {cap(tr(name))}" for icon, name in KINDS.values()]
    icon, name = KINDS[kind]
    await choose(t, user, tr, tr(KIND, number=number), f"{icon} {cap(tr(name))}",
                 offered=kinds, shown=cap(tr(name)))
    await t.bot_says(user, equals=tr(QUESTION, limit=300))
    await t.user_says(user, text)
    if options:
        await t.bot_says(user, equals=tr(OPTIONS, minimum=2, limit=10))
        await t.user_says(user, "\n".join(options))
    await choose(t, user, tr, tr(REQUIRED_ASK), tr(REQUIRED))


async def pick_the_building(t: Transcript, user: FakeUser, e: Estate, tr: Texts) -> None:
    """The scope picker: open the compound (›), tick the building, Done."""
    scope = await t.bot_buttons(user, equals=tr(SCOPE))
    assert labels(scope) == [tr(WHOLE, mark="☐"), f"☐ 🏘 {e.compound}", "›",
                             tr(DONE, count=0), tr(CANCEL)]
    inside = await press_for_keyboard(t, user, scope, "›")
    assert labels(inside) == [f"☐ 🏢 {e.building}", "›", tr(UP), tr(DONE, count=0),
                              tr(CANCEL)]
    ticked = await press_for_keyboard(t, user, inside, f"☐ 🏢 {e.building}")
    assert labels(ticked) == [f"☑ 🏢 {e.building}", "›", tr(UP), tr(DONE, count=1),
                              tr(CANCEL)]
    await t.press(user, ticked, tr(DONE, count=1))
    await t.bot_says(user, equals=f"{tr(SCOPE)}\n\n→ {e.building_label}")


def post(e: Estate, tr: Texts, deadline: datetime) -> str:
    """The survey's post, as the preview shows it and the groups get it."""
    return "\n".join([f"📋 {e.title}", "", tr(POST_QUESTIONS, count=2),
                      tr(POST_WHO, audience=tr(AUDIENCES[1])),
                      tr(POST_UNTIL, deadline=when(deadline, TZ, e.locale)), tr(POST_LIVE)])


async def write_survey(t: Transcript, bot: BotProcess, committee: FakeUser, e: Estate,
                       tr: Texts) -> datetime:
    """/survey from the first message to Publish; returns the deadline chosen (in 3 days,
    18:00 in the community's timezone)."""
    await t.user_says(committee, "/survey")
    await t.bot_says(committee, equals=tr(INTRO))
    await pick_the_building(t, committee, e, tr)
    await t.bot_buttons(committee, equals=tr(TITLE, limit=200), buttons=[tr(CANCEL)])
    await t.user_says(committee, e.title)
    await choose(t, committee, tr, tr(DESCRIPTION, limit=1000), tr(NO_DESCRIPTION))
    await add_question(t, committee, tr, 1, "single", e.lift, e.options)
    await choose(t, committee, tr, tr(SAVED, number=1), tr(MORE),
                 offered=[tr(MORE), tr(ENOUGH)])
    await add_question(t, committee, tr, 2, "rating", e.upkeep)
    await choose(t, committee, tr, tr(SAVED, number=2), tr(ENOUGH))
    await choose(t, committee, tr, tr(AUDIENCE), cap(tr(AUDIENCES[1])),
                 offered=[cap(tr(a)) for a in AUDIENCES])
    await choose(t, committee, tr, tr(ANONYMOUS), tr(ANONYMOUS_NO),
                 offered=[tr(ANONYMOUS_YES), tr(ANONYMOUS_NO)])
    await choose(t, committee, tr, tr(RESULTS), tr(LIVE))

    today = bot.clock().now().astimezone(ZoneInfo(TZ)).date()
    days = [day_label(today + timedelta(days=n), e.locale) for n in DAYS]
    day: date = today + timedelta(days=3)
    await choose(t, committee, tr, tr(DAY, timezone=TZ), day_label(day, e.locale),
                 offered=days)
    await choose(t, committee, tr, tr(TIME, day=day_label(day, e.locale)), "18:00",
                 offered=[*TIMES, tr(ANOTHER_DAY)])
    reminder = duration(DEFAULT_REMINDER, e.locale)
    await choose(t, committee, tr, tr(REMINDER, time=reminder), tr(REMIND_YES),
                 offered=[tr(REMIND_YES), tr(REMIND_NO)])
    deadline = datetime.combine(day, time(18, 0), tzinfo=ZoneInfo(TZ))

    await t.bot_says(committee, equals=post(e, tr, deadline))
    await t.bot_says(committee, equals="\n\n".join([
        "\n".join([tr(ASKED, index=1, total=2), "", e.lift, "", tr(HINT_SINGLE),
                   *(f"○ {o}" for o in e.options)]),
        "\n".join([tr(ASKED, index=2, total=2), "", e.upkeep, "", tr(HINT_RATING),
                   "⭐ 1 · 2 · 3 · 4 · 5"])]))
    preview = await t.bot_buttons(committee, equals="\n".join([
        tr(SEEN), tr(FOR, scope=e.building_label), tr(REMINDER_SET, time=reminder),
        tr(PUBLISH_OR_CHANGE)]))
    assert labels(preview) == [tr(PUBLISH), *(tr(edit) for edit in EDITS), tr(CANCEL)]
    await t.press(committee, preview, tr(PUBLISH))
    await t.bot_says(committee, equals=tr(PUBLISHED, count=2))
    return deadline


async def answer(t: Transcript, user: FakeUser, e: Estate, tr: Texts, until: str, *,
                 choice: str, stars: int, household: str | None = None) -> None:
    """From the survey's intro (a resident's, or a home's at its door) to Submit."""
    door = [tr(AT_THE_DOOR, household=household)] if household else []
    intro = await t.bot_buttons(user, equals="\n".join([
        f"📋 {e.title}", "", tr(QUESTIONS, count=2), tr(OPEN_UNTIL, deadline=until),
        tr(NOT_ANONYMOUS), tr(ONE_PER_HOME), *door]), buttons=[tr(START), tr(CANCEL)])
    await t.press(user, intro, tr(START))
    at = [f"🚪 {household}"] if household else []
    first = await t.bot_buttons(user, equals="\n".join([
        *at, tr(STEP, number=1, total=2), "", e.lift, "", tr(TAP)]))
    assert labels(first) == [*e.options, tr(CANCEL)]
    await t.press(user, first, choice)
    second = await t.bot_buttons(user, equals="\n".join([
        *at, tr(STEP, number=2, total=2), "", e.upkeep, "", tr(TAP_RATING)]))
    assert labels(second) == [*(f"{r}⭐" for r in range(1, 6)), tr(BACK), tr(CANCEL)]
    await t.press(user, second, f"{stars}⭐")
    head = (tr(HOME_ANSWERS, household=household, title=e.title) if household
            else tr(YOUR_ANSWERS, title=e.title))
    summary = await t.bot_buttons(user, equals="\n".join([
        head, "", f"1. {e.lift}", f"   → {choice}", f"2. {e.upkeep}",
        f"   → {'⭐' * stars} ({stars}/5)", "", tr(CHECK)]))
    assert labels(summary) == [tr(SUBMIT), tr(CHANGE), tr(CANCEL)]
    await t.press(user, summary, tr(SUBMIT))
    if household:
        await t.bot_buttons(user, equals=tr(RECORDED, household=household),
                            buttons=[tr(NEXT_HOME)])
    else:
        await t.bot_says(user, equals="\n".join([tr(THANKS),
                                                 tr(CHANGE_UNTIL, deadline=until)]))
        # Live results: the resident sees the figures so far.
        await t.bot_says(user, contains=tr(SO_FAR, title=e.title))


async def record_at_the_door(t: Transcript, contact: FakeUser, e: Estate, tr: Texts,
                             until: str) -> None:
    """/pending → the survey → home 203 → its answers, as the contact collected them."""
    await t.user_says(contact, "/pending")
    surveys = await t.bot_says(contact, equals="\n".join([
        tr(PENDING), tr(PENDING_LINE, title=e.title, count=2, deadline=until)]))
    assert labels(surveys) == [f"{e.title} (2)"]
    await t.press(contact, surveys, f"{e.title} (2)")
    homes = await t.bot_says(contact, equals=tr(HOMES, title=e.title, count=2))
    assert labels(homes) == [e.home("202"), e.home("203"), tr(CANCEL)], "answered homes gone"
    await t.press(contact, homes, e.home("203"))
    await answer(t, contact, e, tr, until, choice=e.options[1], stars=3,
                 household=e.home("203"))


def results_lines(e: Estate, tr: Texts, group: tuple[int, int, int]) -> list[str]:
    """What the answers add up to: 101 and 201 said yes (4 and 2 stars), 203 at its door
    no (3 stars): 3 of the building's 6 homes, 2 of them by their residents in person.
    `group` is the group's own (homes answered, homes, residents who answered)."""
    loc = e.locale
    yes, no, unsure = e.options
    three = number(3, loc)
    shares = {yes: (2, 2 / 3), no: (1, 1 / 3), unsure: (0, 0.0)}
    answered, homes, residents = group
    return [
        tr(ANSWERED, number=1, question=e.lift, count=three),
        *("   " + tr(OPTION, option=option, count=number(n, loc), share=percent(s, loc))
          for option, (n, s) in shares.items()),
        tr(ANSWERED, number=2, question=e.upkeep, count=three),
        "   " + tr(MEAN, mean="3.0", spread="1: 0 · 2: 1 · 3: 1 · 4: 1 · 5: 0"),
        tr(TURNOUT_LINE, label=tr(TURNOUT), answered=three, households=number(6, loc),
           share=percent(0.5, loc), residents=number(2, loc)),
        tr(TURNOUT_LINE, label=tr(THIS_GROUP), answered=number(answered, loc),
           households=number(homes, loc), share=percent(answered / homes, loc),
           residents=number(residents, loc)),
        tr(DOOR_SHARE, count=number(1, loc), share=percent(1 / 3, loc)),
    ]


async def results_in(t: Transcript, server: FakeTelegramServer, group: FakeChat, e: Estate,
                     tr: Texts, turnout: tuple[int, int, int]) -> JSON:
    """The results the group gets: a chart with the figures as its caption."""
    message = await t.bot_says(group, contains=[tr(RESULTS_TITLE, title=e.title),
                                                *results_lines(e, tr, turnout)])
    assert "photo" in message, f"no chart with the results: {message}"
    assert file_of(server, message, "photo").startswith(PNG), "the chart is not a PNG"
    return message


@pytest.mark.parametrize("e", [pytest.param(EN, id="en"), pytest.param(ZH, id="zh")])
async def test_survey_from_drafting_to_results_in_two_groups(
        server: FakeTelegramServer, bot: BotProcess, transcript: Transcript, e: Estate):
    t, tr = transcript, Texts(e.locale)
    building_group = server.group(e.building_chat, f"{e.building} residents")
    floor_group = server.group(e.floor_chat, f"{e.building} floor 2")
    seeded = await seed(bot, e)
    committee, contact, ann, ben, cat = (server.user(p.id, p.name, e.language) for p in (
        e.committee, e.contact, e.ann, e.ben, e.cat))

    deadline = await write_survey(t, bot, committee, e, tr)
    until = when(deadline, TZ, e.locale)
    links = []
    for group in (building_group, floor_group):  # exactly what the preview showed
        message = await t.bot_buttons(group, equals=post(e, tr, deadline),
                                      buttons=[tr(ANSWER_BUTTON)])
        links.append(start_payload(url_of(message, tr(ANSWER_BUTTON))))
    assert links[0] == links[1], "both groups link to the same survey"
    survey_id = int(links[0].removeprefix("s_"))
    survey = await survey_row(bot, survey_id)
    assert (survey.community_id, survey.deadline) == (seeded.community_id, deadline)
    assert survey.remind_at == deadline - DEFAULT_REMINDER

    await t.user_says(ann, f"/start {links[0]}")  # from the building's group
    await answer(t, ann, e, tr, until, choice=e.options[0], stars=4)
    await t.user_says(ben, f"/start {links[1]}")  # from floor 2's group
    await answer(t, ben, e, tr, until, choice=e.options[0], stars=2)
    await record_at_the_door(t, contact, e, tr, until)

    await server.wait_idle(quiet=0.3)
    bot.advance((survey.remind_at - bot.clock().now()).total_seconds() + 1)
    nudge = await t.bot_buttons(cat, equals=tr(REMINDED, title=e.title, deadline=until),
                                buttons=[tr(ANSWER_BUTTON)])
    assert start_payload(url_of(nudge, tr(ANSWER_BUTTON))) == links[0]
    await t.bot_says(contact, equals=tr(MISSING, title=e.title, deadline=until,
                                        floor=f"{e.building_label} 2", count=number(1, e.locale),
                                        rooms="202"))
    await server.wait_idle(quiet=0.5)
    for person in (ann, ben, cat, contact, committee):
        await t.bot_is_silent(person, quiet=0.01)  # one reminder, to Cat only

    bot.advance((deadline - bot.clock().now()).total_seconds() + 1)
    building = await results_in(t, server, building_group, e, tr, (3, 6, 2))
    floor = await results_in(t, server, floor_group, e, tr, (2, 3, 1))
    await eventually(lambda: survey_row(bot, survey_id), what="the survey closed",
                     until=lambda s: s.status == "closed")
    for message in (building, floor):  # closed on time: the deadline announced, nothing more
        assert message["caption"].startswith("\n".join([
            tr(RESULTS_TITLE, title=e.title), tr(CLOSED, deadline=until)]))
    # The creator gets the turnout of every building and floor, to follow up.
    loc, block = e.locale, e.building_label
    await t.bot_says(committee, contains=[tr(TURNOUT_BY_FLOOR, title=e.title), *(
        tr(TURNOUT_LINE, label=label, answered=number(a, loc), households=number(h, loc),
           share=percent(a / h, loc), residents=number(r, loc))
        for label, a, h, r in ((block, 3, 6, 2), (f"{block} 1", 1, 3, 1),
                               (f"{block} 2", 2, 3, 1)))])
    await server.wait_idle(quiet=0.5)
    for chat in (ann, ben, cat, contact, committee, building_group, floor_group):
        await t.bot_is_silent(chat, quiet=0.01)
    tr.assert_catalogued()
