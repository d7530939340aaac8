"""Handler tier: /survey and /poll from the first message to the published survey, with the
refusals an organizer or a resident must get (no role, a past deadline, too many options,
a title over the limit)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.domain.surveys import Audience, QuestionKind
from bot.services.roles_admin import grant_role
from bot.services.surveys import get_survey
from bot.ui.survey_callbacks import DraftCB, ScopeCB
from storage import Database, UnitOfWork
from storage.models import OutboxMessage, Survey
from tests.builders import make_group, make_resident, make_roster, make_user
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person, make_callback, make_message

ADMIN = Person(ADMIN_ID, "Wang", "en")
LEAD = Person(301, "Li", "en")
RESIDENT = Person(401, "Zhao", "en")


@pytest.fixture
async def roster(sqlite_db: Database, clock: FrozenClock):
    """Building 1 with floors 1–3, a building lead, a resident, and residents' groups on the
    building (-100) and on floors 2 (-200) and 3 (-300), plus a committee group (-900)."""
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en")
    await make_user(sqlite_db, clock, LEAD.id, "Li", language_code="en")
    await grant_role(UnitOfWork(sqlite_db, clock), actor_id=ADMIN_ID,
                     community_id=roster.community_id, user_id=LEAD.id, role="building_lead",
                     unit_id=roster.building_id)
    await make_resident(sqlite_db, clock, RESIDENT.id, roster.homes["101"])
    await make_group(sqlite_db, clock, roster.community_id, roster.building_id, -100)
    await make_group(sqlite_db, clock, roster.community_id, roster.floors["2"], -200)
    await make_group(sqlite_db, clock, roster.community_id, roster.floors["3"], -300)
    await make_group(sqlite_db, clock, roster.community_id, None, -900, purpose="committee")
    return roster


async def say(app: App, session: FakeSession, person: Person, text: str) -> list[str]:
    await app.dp.feed_update(app.bot, make_message(person, text))
    return session.texts()


async def press(app: App, session: FakeSession, person: Person, data: object) -> list[str]:
    packed = data.pack() if hasattr(data, "pack") else str(data)
    await app.dp.feed_update(app.bot, make_callback(person, packed))
    return session.texts()


def buttons(session: FakeSession) -> list[tuple[str, str]]:
    """(text, callback data) of the buttons of the last message sent or edited."""
    call = [c for c in session.calls if c.method in ("sendMessage", "editMessageText",
                                                     "editMessageReplyMarkup")][-1]
    rows = json.loads(call.params.get("reply_markup", "{}")).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


async def start_survey(app: App, session: FakeSession, roster) -> None:
    """The lead opens building 1 and picks floors 2 and 3."""
    texts = await say(app, session, LEAD, "/survey")
    assert "Who is it for?" in texts[-1]
    assert buttons(session)[0][0] == "☐ 🏢 幸福小区 1号楼", "their building, not the community"
    await press(app, session, LEAD, ScopeCB(action="open", unit=roster.building_id))
    for floor in ("2", "3"):
        await press(app, session, LEAD, ScopeCB(action="toggle", unit=roster.floors[floor]))
    assert ("☑ 🔢 2", ScopeCB(action="toggle", unit=roster.floors["2"]).pack()) \
        in buttons(session)
    texts = await press(app, session, LEAD, ScopeCB(action="done"))
    assert "title" in texts[-1]


async def add_question(app: App, session: FakeSession, kind: str, text: str, options: str,
                       *, required: bool, most: int | None = None) -> list[str]:
    await press(app, session, LEAD, DraftCB(action="kind", value=kind))
    assert "one per line" in (await say(app, session, LEAD, text))[-1]
    await say(app, session, LEAD, options)
    if most is not None:
        assert [t for t, _ in buttons(session)][:3] == ["1", "2", "3"]
        await press(app, session, LEAD, DraftCB(action="max", value=str(most)))
    return await press(app, session, LEAD, DraftCB(action="required", value=str(int(required))))


async def test_survey_from_command_to_published(app: App, fake_session: FakeSession,
                                                roster, sqlite_db: Database,
                                                clock: FrozenClock):
    await start_survey(app, fake_session, roster)
    assert "characters" in (await say(app, fake_session, LEAD, "A lift"))[-1]
    texts = await say(app, fake_session, LEAD, "The committee asks every household.")
    assert "Question 1" in texts[-1]
    await add_question(app, fake_session, "single", "Do you agree?", "Yes\nNo", required=True)
    await press(app, fake_session, LEAD, DraftCB(action="more"))
    texts = await add_question(app, fake_session, "multi", "What matters most?",
                               "Cost\nNoise\n\nLight", required=False, most=2)
    assert "Question 2 is saved" in texts[-1]
    assert "Who should answer?" in (await press(app, fake_session, LEAD,
                                                DraftCB(action="enough")))[-1]
    await press(app, fake_session, LEAD, DraftCB(action="audience", value="households"))
    await press(app, fake_session, LEAD, DraftCB(action="anonymous", value="1"))
    texts = await press(app, fake_session, LEAD, DraftCB(action="results", value="live"))
    assert "Asia/Shanghai" in texts[-1]
    # 09:00 on Dec 1 in Shanghai: the buttons count from Dec 2 there
    days = buttons(fake_session)
    assert days[0] == ("Wed, Dec 2", DraftCB(action="day", value="2026-12-02").pack())
    assert [t for t, _ in days[:5]] == ["Wed, Dec 2", "Thu, Dec 3", "Fri, Dec 4", "Tue, Dec 8",
                                        "Tue, Dec 15"]
    texts = await press(app, fake_session, LEAD, DraftCB(action="day", value="2026-12-08"))
    assert "At what time on Tue, Dec 8?" in texts[-1]
    await press(app, fake_session, LEAD, DraftCB(action="time", value="1800"))
    texts = await press(app, fake_session, LEAD, DraftCB(action="remind", value="1"))
    post, questions, summary = texts[-3:]
    assert post.startswith("📋 A lift\n\nThe committee asks every household.")
    assert "Questions: 2" in post
    assert "one answer per household" in post
    assert "nobody, admins included" in post
    assert "Open until Dec 8, 2026, 18:00" in post
    assert "Question 1 of 2\n\nDo you agree?\n\nChoose one answer.\n○ Yes\n○ No" in questions
    assert "Question 2 of 2 · optional" in questions
    assert "Choose up to 2 answers." in questions
    assert "☐ Light" in questions
    assert "For: 幸福小区 1号楼 2, 幸福小区 1号楼 3" in summary
    assert "Reminder: 1 day before the deadline" in summary

    texts = await press(app, fake_session, LEAD, DraftCB(action="edit", value="title"))
    assert "title" in texts[-1]
    texts = await say(app, fake_session, LEAD, "A lift for building 1")
    assert texts[-3].startswith("📋 A lift for building 1\n"), "back to the preview"
    texts = await press(app, fake_session, LEAD, DraftCB(action="publish"))
    assert texts[-1] == "✅ Published! Groups that will show it: 2."

    async with app.db.reading() as session:
        survey_id = await session.scalar(select(Survey.id))
        posts = (await session.execute(select(OutboxMessage.chat_id).where(
            OutboxMessage.kind == "survey_post"))).scalars().all()
    assert sorted(posts) == [-300, -200], "the floors in scope, not the building or committee"
    view = await get_survey(UnitOfWork(sqlite_db, clock), survey_id)
    assert (view.kind, view.title, view.creator_id) == ("survey", "A lift for building 1",
                                                        LEAD.id)
    assert (view.audience, view.anonymous, view.live_results) == (Audience.HOUSEHOLDS, True,
                                                                  True)
    assert view.deadline == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    first, second = view.questions
    assert (first.kind, first.required, [o.text for o in first.options]) == (
        QuestionKind.SINGLE, True, ["Yes", "No"])
    assert (second.kind, second.required, second.max_choices) == (QuestionKind.MULTI, False, 2)
    assert [o.text for o in second.options] == ["Cost", "Noise", "Light"]
    context = app.dp.fsm.get_context(app.bot, chat_id=LEAD.id, user_id=LEAD.id)
    assert await context.get_state() is None, "the draft is over"


async def test_a_resident_without_a_role_is_refused(app: App, fake_session: FakeSession,
                                                    roster):
    texts = await say(app, fake_session, RESIDENT, "/survey")
    assert texts == ["Surveys and polls are created by committee members, building leads and "
                     "floor contacts. Ask your committee if you would like to organize one."]
    assert "committee members" in (await say(app, fake_session, RESIDENT, "/poll"))[0]


async def test_limits_are_stated_and_past_deadlines_refused(app: App,
                                                            fake_session: FakeSession, roster):
    await start_survey(app, fake_session, roster)
    photo = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    await app.dp.feed_update(app.bot, make_message(LEAD, "", photo=photo))
    assert fake_session.texts() == ["Please send this as a text message, or send /cancel."]
    texts = await say(app, fake_session, LEAD, "x" * 201)
    assert texts == ["That title is 201 characters long; the limit is 200. Please send a "
                     "shorter one."]
    await say(app, fake_session, LEAD, "A lift")
    await press(app, fake_session, LEAD, DraftCB(action="nodesc"))
    await press(app, fake_session, LEAD, DraftCB(action="kind", value="single"))
    await say(app, fake_session, LEAD, "Which colour?")
    texts = await say(app, fake_session, LEAD, "\n".join(f"colour {n}" for n in range(11)))
    assert texts == ["That is 11 options; the limit is 10. Please send at most 10, one per "
                     "line."]
    texts = await say(app, fake_session, LEAD, "Red\nBlue")
    assert "Must everyone answer" in texts[-1]
    await press(app, fake_session, LEAD, DraftCB(action="required", value="1"))
    await press(app, fake_session, LEAD, DraftCB(action="enough"))
    await press(app, fake_session, LEAD, DraftCB(action="audience", value="owners"))
    await press(app, fake_session, LEAD, DraftCB(action="anonymous", value="0"))
    await press(app, fake_session, LEAD, DraftCB(action="results", value="after"))
    too_soon = "The deadline must be at least 1 h from now. Please choose a later time."
    assert await say(app, fake_session, LEAD, "2026-11-30 18:00") == [too_soon]
    assert await say(app, fake_session, LEAD, "2026-12-01 09:30") == [too_soon]
    assert "could not read" in (await say(app, fake_session, LEAD, "next friday"))[0]
    await app.dp.feed_update(app.bot, make_message(LEAD, "", photo=photo))
    assert "buttons above" in fake_session.texts()[0]
    texts = await say(app, fake_session, LEAD, "2026-12-05 18:00")
    assert "Remind those who have not answered" in texts[-1]


async def test_poll_is_previewed_with_its_buttons_and_published(
        app: App, fake_session: FakeSession, roster, sqlite_db: Database, clock: FrozenClock):
    texts = await say(app, fake_session, ADMIN, "/poll")
    assert buttons(fake_session)[0] == ("☐ The whole community",
                                        ScopeCB(action="toggle", unit=0).pack())
    await press(app, fake_session, ADMIN, ScopeCB(action="toggle", unit=0))
    texts = await press(app, fake_session, ADMIN, ScopeCB(action="done"))
    assert "poll's question" in texts[-1]
    await say(app, fake_session, ADMIN, "Repaint the lobby?")
    await say(app, fake_session, ADMIN, "Green\nBlue\nWhite")
    await press(app, fake_session, ADMIN, DraftCB(action="audience", value="residents"))
    await press(app, fake_session, ADMIN, DraftCB(action="results", value="after"))
    await press(app, fake_session, ADMIN, DraftCB(action="day", value="2026-12-03"))
    texts = await press(app, fake_session, ADMIN, DraftCB(action="time", value="2000"))
    post = texts[-2]
    assert post.startswith("📊 Repaint the lobby?\n")
    assert "Results will be shown after closing." in post
    preview_post = [c for c in fake_session.calls if c.method == "sendMessage"][-2]
    options = [b["text"] for row in json.loads(preview_post.params["reply_markup"])[
        "inline_keyboard"] for b in row]
    assert options == ["Green", "Blue", "White"]
    texts = await press(app, fake_session, ADMIN, DraftCB(action="publish"))
    assert texts[-1] == "✅ Published! Groups that will show it: 3."
    async with app.db.reading() as session:
        survey_id = await session.scalar(select(Survey.id))
    view = await get_survey(UnitOfWork(sqlite_db, clock), survey_id)
    assert (view.kind, view.title, view.live_results) == ("poll", "Repaint the lobby?", False)
    assert [o.text for o in view.questions[0].options] == ["Green", "Blue", "White"]
    assert view.deadline == datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


async def test_questions_are_edited_from_the_preview(app: App, fake_session: FakeSession,
                                                     roster):
    await start_survey(app, fake_session, roster)
    await say(app, fake_session, LEAD, "Lobby")
    await press(app, fake_session, LEAD, DraftCB(action="nodesc"))
    await add_question(app, fake_session, "single", "Paint it?", "Yes\nNo", required=True)
    await press(app, fake_session, LEAD, DraftCB(action="enough"))
    await press(app, fake_session, LEAD, DraftCB(action="audience", value="residents"))
    await press(app, fake_session, LEAD, DraftCB(action="anonymous", value="0"))
    await press(app, fake_session, LEAD, DraftCB(action="results", value="live"))
    await press(app, fake_session, LEAD, DraftCB(action="day", value="2026-12-02"))
    assert "Remind" in (await say(app, fake_session, LEAD, "19:30"))[-1], "a typed time"
    await press(app, fake_session, LEAD, DraftCB(action="remind", value="0"))
    texts = await press(app, fake_session, LEAD, DraftCB(action="edit", value="questions"))
    assert texts[-1].endswith("1. Paint it? (single choice)")
    await press(app, fake_session, LEAD, DraftCB(action="qdelete", value="1"))
    texts = await press(app, fake_session, LEAD, DraftCB(action="qback"))
    assert texts == ["A survey needs at least one question. Please add one."]
    await press(app, fake_session, LEAD, DraftCB(action="qadd"))
    await press(app, fake_session, LEAD, DraftCB(action="kind", value="rating"))
    await say(app, fake_session, LEAD, "How clean is it?")
    texts = await press(app, fake_session, LEAD, DraftCB(action="required", value="1"))
    assert texts[-1].endswith("1. How clean is it? (rating 1–5)")
    texts = await press(app, fake_session, LEAD, DraftCB(action="qback"))
    post, question, summary = texts[-3:]
    assert "Open until Dec 2, 2026, 19:30" in post
    assert question == ("Question 1 of 1\n\nHow clean is it?\n\nRate from 1 (very poor) to 5 "
                        "(very good).\n⭐ 1 · 2 · 3 · 4 · 5")
    assert "Reminder: none" in summary
    await press(app, fake_session, LEAD, DraftCB(action="edit", value="scope"))
    await press(app, fake_session, LEAD, ScopeCB(action="open", unit=roster.building_id))
    await press(app, fake_session, LEAD, ScopeCB(action="toggle", unit=roster.floors["3"]))
    texts = await press(app, fake_session, LEAD, ScopeCB(action="done"))
    assert "For: 幸福小区 1号楼 2\n" in texts[-1], "back at the preview, floor 3 left out"
    texts = await press(app, fake_session, LEAD, DraftCB(action="cancel"))
    assert texts[-1] == "Cancelled. Nothing was saved."


async def test_the_community_is_asked_when_there_are_several(
        app: App, fake_session: FakeSession, roster, sqlite_db: Database, clock: FrozenClock):
    other = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, name="和平里", locale="en")
    texts = await say(app, fake_session, ADMIN, "/survey")
    assert texts[-1] == "Which community?"
    assert [t for t, _ in buttons(fake_session)] == ["幸福里", "和平里", "✖️ Cancel"]
    texts = await press(app, fake_session, ADMIN, DraftCB(action="community", value="999"))
    assert texts == ["This button has expired."], "not a community of theirs"
    texts = await press(app, fake_session, ADMIN,
                        DraftCB(action="community", value=str(other.community_id)))
    assert "Who is it for?" in texts[-1]
    assert buttons(fake_session)[0][0] == "☐ The whole community"
