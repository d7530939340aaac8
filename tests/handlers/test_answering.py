"""Handler tier: answering a survey step by step (Back, Skip, stale buttons, the limit on
free text, the summary, changing answers), the refusals of those who may not answer, a flow
that survives a restart, poll buttons in a group, and door to door with /pending."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.domain.clock import FrozenClock
from bot.domain.surveys import Audience, QuestionDraft, QuestionKind, SurveyDraft
from bot.pacer import Pacer
from bot.services.roles_admin import grant_role
from bot.services.surveys import get_survey, publish_survey
from bot.ui.survey_links import PollCB
from storage import Database, UnitOfWork, surveys_repo
from storage.models import Ballot, OutboxMessage, Participation
from tests.builders import make_group, make_resident, make_roster, make_user
from tests.conftest import ADMIN_ID, make_settings
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person, make_callback
from tests.handlers.chat import Chat

ALICE = Person(301, "Alice", "en")  # owner of 101 (floor 1)
BOB = Person(302, "Bob", "en")  # tenant of 102 (floor 1)
DAN = Person(303, "Dan", "en")  # owner of 201 (floor 2)
EVE = Person(304, "Eve", "en")  # owner of 202 (floor 2)
CONTACT = Person(305, "Chen", "en")  # floor contact of floor 2
STRANGER = Person(306, "Zhao", "en")  # has joined no household
GROUP = -1001


@pytest.fixture
async def world(sqlite_db: Database, clock: FrozenClock):
    """An English-speaking community: floors 1–2 with homes 101, 102, 201, 202."""
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en", floors=2,
                               rooms=2)
    for person, room, relation in [(ALICE, "101", "owner"), (BOB, "102", "tenant"),
                                   (DAN, "201", "owner"), (EVE, "202", "owner")]:
        await make_resident(sqlite_db, clock, person.id, roster.homes[room], relation,
                            person.first_name)
    await make_user(sqlite_db, clock, CONTACT.id, CONTACT.first_name)
    await grant_role(UnitOfWork(sqlite_db, clock), actor_id=ADMIN_ID,
                     community_id=roster.community_id, user_id=CONTACT.id,
                     role="floor_contact", unit_id=roster.floors["2"])
    await make_group(sqlite_db, clock, roster.community_id, roster.building_id, GROUP,
                     locale="en")
    return roster


async def publish(db: Database, clock: FrozenClock, roster, **changes: Any) -> int:
    draft = dict(
        title="Lift for building 1", description="Should we add a lift?",
        questions=(
            QuestionDraft(QuestionKind.SINGLE, "Do you agree to add a lift?", ("Yes", "No")),
            QuestionDraft(QuestionKind.MULTI, "What matters most to you?",
                          ("Cost", "Noise", "Light"), max_choices=2),
            QuestionDraft(QuestionKind.RATING, "How do you rate the stairs today?",
                          required=False),
            QuestionDraft(QuestionKind.TEXT, "Anything else?", required=False)),
        scope_unit_ids=(roster.building_id,), audience=Audience.RESIDENTS,
        deadline=clock.now() + timedelta(days=3))
    draft.update(changes)
    published = await publish_survey(UnitOfWork(db, clock), creator_id=ADMIN_ID,
                                     community_id=roster.community_id,
                                     draft=SurveyDraft(**draft))
    return published.survey_id


async def ballots(db: Database, survey_id: int) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(Ballot)
                                    .where(Ballot.survey_id == survey_id))


async def test_answer_step_by_step_then_change(app: App, fake_session: FakeSession, world,
                                               sqlite_db: Database, clock: FrozenClock):
    survey_id = await publish(sqlite_db, clock, world)
    alice = Chat(app, fake_session, ALICE)
    (intro,) = await alice.send(f"/start s_{survey_id}")
    assert "Lift for building 1" in intro
    assert "Questions: 4" in intro
    assert "Dec 4, 2026, 09:00" in intro  # the deadline on Shanghai's clock
    assert "Not anonymous" in intro
    assert "Question 1 of 4" in (await alice.press("▶️ Start"))[0]
    assert alice.labels() == ["Yes", "No", "✖️ Cancel"], "no Back on the first question"
    assert "Question 2 of 4" in (await alice.press("Yes"))[0]
    await alice.press("Next ➡️")
    assert alice.alerts == ["Please tick at least one answer."], "the question is required"
    await alice.press("☐ Cost")
    await alice.press("☐ Noise")
    await alice.press("☐ Light")
    assert alice.alerts == ["You can tick at most 2. Untick one first."]
    assert alice.labels()[:3] == ["☑ Cost", "☑ Noise", "☐ Light"]
    stale = alice.data("☐ Light")
    assert "Question 1 of 4" in (await alice.press("⬅️ Back"))[0]
    assert "✅ Yes" in alice.labels(), "the earlier answer is shown"
    await alice.press("No")
    assert alice.labels()[:3] == ["☑ Cost", "☑ Noise", "☐ Light"], "ticks kept"
    (rating,) = await alice.press("Next ➡️")
    assert "Question 3 of 4" in rating
    assert "optional" in rating
    assert await alice.press_data(stale) == ["This button has expired."]
    sticker = {"sticker": {"file_id": "S", "file_unique_id": "uS", "width": 512,
                           "height": 512, "is_animated": False, "is_video": False,
                           "type": "regular"}}
    assert await alice.send("", **sticker) == [
        "Please use the buttons above, or send /cancel."], "a rating is a button"
    assert "Question 4 of 4" in (await alice.press("Skip ⏭"))[0]
    assert await alice.send("", **sticker) == [
        "Please type your answer as text, or send /cancel."], "a free-text question"
    assert await alice.send("x" * 1001) == [
        "Your answer is 1001 characters long; the limit is 1000. Please send a shorter one."]
    (summary,) = await alice.send("Please light the stairs.")
    for line in ("→ No", "→ Cost, Noise", "→ (skipped)", "→ Please light the stairs."):
        assert line in summary
    submit = alice.data("✅ Submit")
    thanks, so_far = await alice.press_data(submit)
    assert "Your answers were recorded" in thanks
    assert "Dec 4, 2026" in thanks
    assert "Results so far" in so_far, "the survey's results are live"
    assert "No: 1 (100%)" in so_far
    assert await alice.press_data(submit) == ["This button has expired."], "a double tap"
    assert await ballots(sqlite_db, survey_id) == 1

    (intro,) = await alice.send(f"/start s_{survey_id}")
    assert "You have answered already" in intro
    await alice.press("▶️ Start")
    assert "✅ No" in alice.labels()
    await alice.press("Yes")
    await alice.press("Next ➡️")
    (text_step,) = await alice.press("Skip ⏭")
    assert "Your answer so far: Please light the stairs." in text_step
    (summary,) = await alice.press("👍 Keep this answer")
    assert "→ Yes" in summary
    assert "→ Please light the stairs." in summary
    await alice.press("✏️ Change an answer")
    await alice.press("3. How do you rate")
    (summary,) = await alice.press("4⭐")
    assert "→ ⭐⭐⭐⭐ (4/5)" in summary, "back to the summary after the changed answer"
    thanks, _so_far = await alice.press("✅ Submit")
    assert "Your new answers replaced your earlier ones" in thanks
    assert await ballots(sqlite_db, survey_id) == 1


async def test_who_cannot_answer_is_told_why(app: App, fake_session: FakeSession, world,
                                             sqlite_db: Database, clock: FrozenClock):
    everyone = await publish(sqlite_db, clock, world)
    floor_two = await publish(sqlite_db, clock, world, scope_unit_ids=(world.floors["2"],))
    owners = await publish(sqlite_db, clock, world, audience=Audience.OWNERS)
    stranger, alice, bob = (Chat(app, fake_session, p) for p in (STRANGER, ALICE, BOB))
    (why,) = await stranger.send(f"/start s_{everyone}")
    assert "Only verified residents" in why
    assert "“Join” in your building's group" in why
    (why,) = await alice.send(f"/start s_{floor_two}")
    assert "not for your home" in why
    (why,) = await bob.send(f"/start s_{owners}")
    assert why == "Only owners can answer this survey."
    await bob.send(f"/start s_{everyone}")
    assert "→ Yes" in await bob.answer_quickly()
    clock.advance(timedelta(days=4))
    assert await bob.press("✅ Submit") == [
        "This survey or poll is closed: answers are no longer accepted."]
    assert await ballots(sqlite_db, everyone) == 0
    assert await bob.send(f"/start s_{everyone}") == [
        "This survey or poll is closed: answers are no longer accepted."]


async def test_answering_survives_a_restart(sqlite_db: Database, clock: FrozenClock, world):
    """Two Dispatchers on one database: the second continues at the same question."""
    def start() -> tuple[App, FakeSession]:
        session = FakeSession()
        return build_app(make_settings(), clock, session=session, db=sqlite_db,
                         pacer=Pacer(1000, chat_per_second=1000, chat_burst=1000)), session

    survey_id = await publish(sqlite_db, clock, world)
    alice = Chat(*start(), ALICE)
    await alice.send(f"/start s_{survey_id}")
    await alice.press("▶️ Start")
    await alice.press("No")
    await alice.press("☐ Light")
    alice.app, alice.session = start()
    assert "Question 3 of 4" in (await alice.press("Next ➡️"))[0]
    await alice.press("Skip ⏭")
    (summary,) = await alice.press("Skip ⏭")
    assert "→ No" in summary
    assert "→ Light" in summary
    assert "Your answers were recorded" in (await alice.press("✅ Submit"))[0]
    assert alice.session.errors == []
    assert alice.session.unexpected == []


async def test_poll_buttons_answer_privately(app: App, fake_session: FakeSession, world,
                                             sqlite_db: Database, clock: FrozenClock):
    poll = await publish(sqlite_db, clock, world, kind="poll", title="Stairs on Saturday?",
                         questions=(QuestionDraft(QuestionKind.SINGLE, "Clean the stairs on "
                                                  "Saturday?", ("Yes", "No")),))
    view = await get_survey(UnitOfWork(sqlite_db, clock), poll)
    yes, no = (o.id for o in view.questions[0].options)

    async def press(person: Person, option: int) -> list[tuple[str, Any, Any]]:
        await app.dp.feed_update(app.bot, make_callback(
            person, PollCB(survey=poll, option=option).pack(), GROUP))
        return [(c.method, c.params.get("text"), c.params.get("show_alert"))
                for c in fake_session.take()]

    assert await press(ALICE, yes) == [("answerCallbackQuery", "Your vote: Yes", None)]
    assert await press(ALICE, no) == [("answerCallbackQuery", "Your vote changed to: No",
                                       None)]
    ((method, text, alert),) = await press(STRANGER, yes)
    assert (method, alert) == ("answerCallbackQuery", "true"), "a private alert, no message"
    assert "Only verified residents" in text
    clock.advance(timedelta(days=4))
    assert await press(BOB, yes) == [
        ("answerCallbackQuery", "This survey or poll is closed: answers are no longer accepted.",
         "true")]
    async with sqlite_db.reading() as session:
        assert await surveys_repo.option_counts(session, poll) == {no: 1}


async def test_door_to_door(app: App, fake_session: FakeSession, world, sqlite_db: Database,
                            clock: FrozenClock):
    survey_id = await publish(sqlite_db, clock, world)
    contact, eve, dan = (Chat(app, fake_session, p) for p in (CONTACT, EVE, DAN))
    assert "floor contact or building lead" in (await Chat(app, fake_session, ALICE)
                                                .send("/pending"))[0]
    (listing,) = await contact.send("/pending")
    assert "Lift for building 1 — homes to visit: 2" in listing
    (homes,) = await contact.press("Lift for building 1 (2)")
    assert "homes not answered yet: 2" in homes
    assert [label.split()[-1] for label in contact.labels()] == ["201", "202", "Cancel"]
    (intro,) = await contact.press("202")
    assert "You are recording the answers of" in intro
    assert "202" in intro
    summary = await contact.answer_quickly()
    assert summary.startswith("Answers of")
    assert "202" in summary
    (done,) = await contact.press("✅ Submit")
    assert done.startswith("Recorded for")
    assert "its residents were told" in done
    async with sqlite_db.reading() as session:
        told = (await session.execute(select(OutboxMessage.chat_id, OutboxMessage.params)
                                      .where(OutboxMessage.kind == "door_recorded"))).all()
        record = (await session.execute(
            select(Participation.source, Participation.recorded_by, Participation.at)
            .where(Participation.household_id == world.homes["202"]))).one()
    assert [chat for chat, _ in told] == [EVE.id]
    assert tuple(record) == ("door", CONTACT.id, clock.now())

    await eve.send(f"/start s_{survey_id}")  # the resident may change it: hers wins
    await eve.press("▶️ Start")
    await eve.press("No")
    await eve.press("Next ➡️")  # "Cost" comes ticked: what the contact recorded at her door
    await eve.press("Skip ⏭")
    await eve.press("Skip ⏭")
    assert "Your answers were recorded" in (await eve.press("✅ Submit"))[0]

    (homes,) = await contact.press("➡️ Next home")
    assert "homes not answered yet: 1" in homes
    await contact.press("201")
    await contact.answer_quickly()
    await dan.send(f"/start s_{survey_id}")  # meanwhile Dan answers himself
    await dan.answer_quickly(first="No")
    await dan.press("✅ Submit")
    (refused,) = await contact.press("✅ Submit")
    assert "answered in person" in refused
    assert "nothing was recorded" in refused
    async with sqlite_db.reading() as session:
        sources = (await session.execute(select(Participation.household_id,
                                                Participation.source)
                                         .order_by(Participation.household_id))).all()
    assert [tuple(s) for s in sources] == [(world.homes["201"], "self"),
                                           (world.homes["202"], "self")]
