"""Handler tier: the reporter answers a body's question with words, a captioned photo, or
photos alone (sent with “Send”), at most three; the photos stay on the "answered" step of the
timeline and follow the notice relayed to the body's group."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.ui.case_callbacks import CaseCB, MyCaseCB
from bot.ui.i18n import make_i18n
from bot.ui.render import render
from storage import Database
from storage.case_models import CaseEvent
from tests.fakes.session import FakeSession
from tests.handlers.chat import Chat
from tests.handlers.test_report_flow import (
    ALICE,
    STAFF,
    make_world,
    photo,
    posts,
    report_stairs_light,
)

I18N = make_i18n("en")


@pytest.fixture
async def asked(app: App, fake_session: FakeSession, sqlite_db: Database, clock: FrozenClock):
    await make_world(sqlite_db, clock)
    alice = Chat(app, fake_session, ALICE)
    await report_stairs_light(alice)
    staff = Chat(app, fake_session, STAFF)
    await staff.send("/start cq_1")
    await staff.send("Can you send a close-up photo of the lamp?")
    [prompt] = await alice.press_data(MyCaseCB(action="answer", case=1).pack())
    assert prompt == "✍️ Send your answer about case #1: a few words, or a photo."
    return alice


async def answered(db: Database) -> CaseEvent:
    async with db.reading() as session:
        return await session.scalar(select(CaseEvent).where(CaseEvent.kind == "info_given"))


async def test_a_captioned_photo_is_the_answer(asked: Chat, sqlite_db: Database):
    [thanks] = await asked.send("", **photo("A1", caption="Since 6 this morning"))
    assert thanks == "Thank you. Your answer was passed on; case #1 goes on."
    event = await answered(sqlite_db)
    assert (event.note, event.details) == ("Since 6 this morning", {"photos": ["A1"]})
    [relayed] = await posts(sqlite_db, "case_info_given")
    shown = render(I18N, relayed.kind, relayed.params, "en")
    assert shown.text.startswith("💬 The reporter of case #1 answered: “Since 6 this morning”"
                                 "\n📷 With photos (below).")
    assert shown.photo_ids == ("A1",), "the body gets the photo, not the report's own"
    assert shown.reply_markup is None


async def test_photos_alone_are_sent_with_send_and_a_fourth_is_not_added(
        asked: Chat, sqlite_db: Database):
    [kept] = await asked.send("", **photo("A1"))
    assert kept == "📷 Photo 1 of 3 added. Send another, a few words of answer, or press “Send”."
    assert asked.labels() == ["📨 Send", "✖️ Cancel"]
    await asked.send("", **photo("A2"))
    [full] = await asked.send("", **photo("A3"))
    assert full.startswith("📷 Photo 3 of 3 added, the most I can take.")
    [dropped] = await asked.send("", **photo("A4", caption="too many"))
    assert dropped.startswith("You have added 3 photos, the most I can take, so this one was "
                              "not added.")
    assert await answered(sqlite_db) is None, "nothing is sent before “Send”"
    [thanks] = await asked.press("📨 Send")
    assert thanks == "Thank you. Your answer was passed on; case #1 goes on."
    event = await answered(sqlite_db)
    assert (event.note, event.details) == (None, {"photos": ["A1", "A2", "A3"]})
    [relayed] = await posts(sqlite_db, "case_info_given")
    shown = render(I18N, relayed.kind, relayed.params, "en")
    assert shown.text.startswith("💬 The reporter of case #1 answered with photos (below).")
    assert shown.photo_ids == ("A1", "A2", "A3")
    await asked.press_data(CaseCB(action="send", case=1).pack())
    assert asked.alerts == ["This button has expired."], "the step is over"


async def test_words_then_no_photos_and_a_sticker_is_explained(asked: Chat,
                                                                sqlite_db: Database):
    [hint] = await asked.send("", sticker={"file_id": "S", "file_unique_id": "uS",
                                           "width": 1, "height": 1, "type": "regular",
                                           "is_animated": False, "is_video": False})
    assert hint == "Please send your answer as text or a photo, or press “Cancel”."
    await asked.send("The lamp by the lift")
    event = await answered(sqlite_db)
    assert (event.note, event.details) == ("The lamp by the lift", {})
    [relayed] = await posts(sqlite_db, "case_info_given")
    assert render(I18N, relayed.kind, relayed.params, "en").photo_ids == ()
