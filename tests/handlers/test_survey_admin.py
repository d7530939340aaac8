"""Handler tier: /surveys lists the creator's surveys; closing early asks first and then
queues the results for every group in scope; exports arrive as documents; a forged button
for somebody else's survey is refused and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.domain.roster_files import parse_csv
from bot.domain.surveys import Audience, QuestionDraft, QuestionKind, SurveyDraft
from bot.services.surveys import publish_survey
from bot.ui.survey_admin_callbacks import SurveyAdminCB
from handlers import survey_admin
from storage import Database, UnitOfWork
from storage.models import OutboxMessage, Survey
from tests.builders import make_group, make_resident, make_roster
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person, make_callback, make_message

ADMIN = Person(ADMIN_ID, "Wang", "en")
ALICE = Person(201, "Alice", "en")


async def feed(app: App, update: object) -> None:
    await app.dp.feed_update(app.bot, update)


def with_router(app: App) -> App:
    """Includes the /surveys router before the catch-all, unless the app has it already."""
    handlers_router = app.dp.sub_routers[0].sub_routers[0]
    if not any(r.name == "survey_admin" for r in handlers_router.sub_routers):
        handlers_router.include_router(survey_admin.make_router())
    return app


@pytest.fixture
async def survey_id(sqlite_db: Database, clock: FrozenClock) -> int:
    """An open survey of the admin's, in scope of two residents' groups."""
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en")
    await make_resident(sqlite_db, clock, ALICE.id, roster.homes["101"], name="Alice")
    await make_group(sqlite_db, clock, roster.community_id, roster.building_id, -100)
    await make_group(sqlite_db, clock, roster.community_id, roster.floors["2"], -200)
    published = await publish_survey(
        UnitOfWork(sqlite_db, clock), creator_id=ADMIN_ID, community_id=roster.community_id,
        draft=SurveyDraft(title="Lift", questions=(
            QuestionDraft(QuestionKind.SINGLE, "Install a lift?", ("Yes", "No")),),
            scope_unit_ids=(roster.building_id,), audience=Audience.RESIDENTS,
            deadline=clock.now() + timedelta(days=3)))
    return published.survey_id


async def drain(app: App) -> None:
    """Sends what the outbox holds, through the real sender (the fake session validates
    each call, e.g. a caption over 1,024 characters)."""
    while await app.sender.drain_once():
        await app.sender.stop()


async def kinds(db: Database, kind: str) -> list[int]:
    async with db.reading() as session:
        return sorted((await session.execute(select(OutboxMessage.chat_id).where(
            OutboxMessage.kind == kind))).scalars())


async def test_list_then_close_early(app: App, fake_session: FakeSession, survey_id: int):
    with_router(app)
    await feed(app, make_message(ADMIN, "/surveys"))
    (listing,) = fake_session.take("sendMessage")
    assert f"#{survey_id} Lift — open until" in listing.params["text"]
    buttons = [b.callback_data for row in listing.raw.reply_markup.inline_keyboard for b in row]
    assert buttons == [f"v1sa:{a}:{survey_id}" for a in ("close", "csv", "xlsx")]
    await feed(app, make_callback(ADMIN, buttons[0]))
    assert "Close “Lift” now?" in fake_session.texts()[-1]
    assert await kinds(app.db, "survey_results") == []
    await feed(app, make_callback(ADMIN, SurveyAdminCB(action="confirm",
                                                       survey=survey_id).pack()))
    assert "posted to 2 groups" in fake_session.texts()[-1]
    assert await kinds(app.db, "survey_results") == [-200, -100]
    await drain(app)
    photos = {c.params["chat_id"]: c.params["caption"] for c in fake_session.take("sendPhoto")}
    assert "📊 Results: Lift" in photos["-100"]
    assert "This group: households answered 0/6" in photos["-100"]
    assert "This group: households answered 0/2" in photos["-200"]
    await feed(app, make_callback(ADMIN, SurveyAdminCB(action="confirm",
                                                       survey=survey_id).pack()))
    assert fake_session.texts() == ["This survey is closed already."]


async def test_export_sends_a_document(app: App, fake_session: FakeSession, survey_id: int):
    with_router(app)
    await feed(app, make_callback(ADMIN, SurveyAdminCB(action="csv", survey=survey_id).pack()))
    (document,) = fake_session.take("sendDocument")
    assert document.raw.document.filename.endswith(".csv")
    assert parse_csv(document.raw.document.data)[0][:2] == ["household", "respondent"]
    await feed(app, make_callback(ADMIN, SurveyAdminCB(action="xlsx",
                                                       survey=survey_id).pack()))
    (document,) = fake_session.take("sendDocument")
    assert document.raw.document.filename.endswith(".xlsx")


async def test_forged_buttons_for_another_users_survey_are_refused(
        app: App, fake_session: FakeSession, survey_id: int, sqlite_db: Database):
    with_router(app)
    await feed(app, make_message(ALICE, "/surveys"))
    assert fake_session.texts() == ["You have not created any survey or poll yet."]
    for action in ("close", "confirm", "csv", "xlsx"):
        await feed(app, make_callback(ALICE, SurveyAdminCB(action=action,
                                                           survey=survey_id).pack()))
        (refusal,) = fake_session.take("answerCallbackQuery")
        assert refusal.raw.show_alert is True
        assert "not yours" in refusal.params["text"] or "Only the creator" in (
            refusal.params["text"])
    assert fake_session.take("sendDocument", "sendMessage", "editMessageText") == []
    async with sqlite_db.reading() as session:
        assert (await session.get(Survey, survey_id)).status == "open"
    assert await kinds(sqlite_db, "survey_results") == []
