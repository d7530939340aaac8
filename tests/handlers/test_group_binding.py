"""Handler tier: /bind in a group — the dialog speaks the language of whoever sent /bind,
the confirmation and the pinned Join post the group's (its community's default, once bound),
and only the sender may press the dialog's buttons, whatever the button data says. A rename
of the group's building by a re-import edits the pinned post, in the group's language."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import App, build_app
from bot.domain.clock import FrozenClock
from bot.domain.roster_files import parse_csv
from bot.pacer import Pacer
from bot.services.roster_import import apply_import, export_roster, stage_import
from bot.ui.callbacks import BindCB, RoleCB, UnitCB
from storage import Database, UnitOfWork
from tests.builders import Roster, make_roster
from tests.conftest import ADMIN_ID, make_settings
from tests.fakes.session import Call, FakeSession
from tests.fakes.updates import Person, make_callback, make_message

GROUP = -1001
ALICE = Person(201, "Alice", "en")


@dataclass
class Bound:
    dialog: list[str]  # the dialog's texts and button labels, in order
    confirmation: str
    post: str
    post_button: str
    post_id: int


def labels(call: Call) -> list[str]:
    markup = json.loads(call.params.get("reply_markup") or "{}")
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def bind_building(app: App, session: FakeSession, roster: Roster, admin: Person,
                        ) -> Bound:
    """/bind → residents' group → the compound → the building → Confirm, as `admin`."""
    session.members[(GROUP, admin.id)] = "administrator"
    await app.dp.feed_update(app.bot, make_message(admin, "/bind", chat_id=GROUP))
    (asked,) = session.take()[-1:]
    dialog_id = asked.result.message_id
    seen = [asked.params["text"], *labels(asked)]

    async def press(data: str) -> list[Call]:
        await app.dp.feed_update(app.bot, make_callback(admin, data, GROUP,
                                                        message_id=dialog_id))
        return session.take("editMessageText", "editMessageReplyMarkup", "sendMessage")

    (units,) = await press(BindCB(action="purpose", community=roster.community_id,
                                  purpose="residents").pack())
    seen += [units.params["text"], *labels(units)]
    await press(UnitCB(flow="bind", action="open", community=roster.community_id,
                       unit=roster.compound_id).pack())
    (confirm,) = await press(UnitCB(flow="bind", action="pick", community=roster.community_id,
                                    unit=roster.building_id).pack())
    seen += [confirm.params["text"], *labels(confirm)]
    bound, post = await press(BindCB(action="confirm", community=roster.community_id,
                                     purpose="residents", unit=roster.building_id).pack())
    return Bound(seen, bound.params["text"], post.params["text"], labels(post)[0],
                 post.result.message_id)


async def test_english_community_chinese_admin(app: App, fake_session: FakeSession,
                                               sqlite_db: Database, clock: FrozenClock):
    """The deployment speaks Chinese by default and so does the admin: the dialog is
    Chinese, but the group of an English community gets English from the confirmation on."""
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, name="Maple Court",
                               locale="en")
    bound = await bind_building(app, fake_session, roster, Person(ADMIN_ID, "王", "zh-hans"))
    assert bound.dialog == [
        "这个群是做什么用的？", "居民群", "委员会群", "物业群", "✖️ 取消",
        "本群居民属于哪个楼栋或楼层？", "🏘 幸福小区",
        "确定将本群绑定为幸福小区 1号楼的居民群吗？", "✅ 确认", "✖️ 取消"]
    assert bound.confirmation == (
        "✅ This chat is now the residents' group of 幸福小区 1号楼 (Maple Court).")
    assert bound.post.startswith("Residents of 幸福小区 1号楼: press Join")
    assert bound.post_button == "🏠 Join 加入"
    await app.dp.feed_update(app.bot, make_message(ALICE, "/language", chat_id=GROUP))
    (menu,) = fake_session.take("sendMessage")
    assert labels(menu) == ["中文（简体）", "✓ English"]


async def test_a_renamed_building_renames_the_pinned_join_post(
        app: App, fake_session: FakeSession, sqlite_db: Database, clock: FrozenClock):
    """The admin fixes the building's name in the exported roster and imports it again:
    the outbox edits the pinned Join post, in the group's English, button and all."""
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, name="Maple Court",
                               locale="en")
    bound = await bind_building(app, fake_session, roster, Person(ADMIN_ID, "王", "zh-hans"))
    _name, data = await export_roster(UnitOfWork(sqlite_db, clock), ADMIN_ID,
                                      roster.community_id, "csv")
    lines = [",".join(cells[:-1]).replace("1号楼", "一号楼") for cells in parse_csv(data)]
    preview = await stage_import(UnitOfWork(sqlite_db, clock), ADMIN_ID, roster.community_id,
                                 "r.csv", "\n".join(lines).encode())
    await apply_import(UnitOfWork(sqlite_db, clock), ADMIN_ID, preview.import_id)
    while await app.sender.drain_once():
        await app.sender.stop()
    (edit,) = fake_session.take("editMessageText")
    assert (edit.raw.chat_id, edit.raw.message_id) == (GROUP, bound.post_id)
    assert edit.params["text"] == bound.post.replace("1号楼", "一号楼")
    assert edit.params["text"].startswith("Residents of 幸福小区 一号楼: press Join")
    assert labels(edit) == [bound.post_button]
    assert fake_session.take("sendMessage") == [], "nothing new is posted"


@pytest.fixture
async def english_app(sqlite_db: Database, clock: FrozenClock,
                      fake_session: FakeSession) -> AsyncIterator[App]:
    """A deployment whose default language is English."""
    yield build_app(make_settings(default_locale="en"), clock, session=fake_session,
                    db=sqlite_db, pacer=Pacer(1000, chat_per_second=1000, chat_burst=1000))
    assert fake_session.errors == []
    assert fake_session.unexpected == []


async def test_chinese_community_english_admin(english_app: App, fake_session: FakeSession,
                                               sqlite_db: Database, clock: FrozenClock):
    """The other way round: an English deployment and admin, a Chinese community."""
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="zh_CN")
    bound = await bind_building(english_app, fake_session, roster,
                                Person(ADMIN_ID, "Wang", "en"))
    assert bound.dialog == [
        "What is this group for?", "residents' group", "committee group",
        "property management group", "✖️ Cancel",
        "Which building or floor are these residents of?", "🏘 幸福小区",
        "Bind this chat as the residents' group of 幸福小区 1号楼?", "✅ Confirm", "✖️ Cancel"]
    assert bound.confirmation == "✅ 本群已成为幸福小区 1号楼（幸福里）的居民群。"
    assert bound.post.startswith("幸福小区 1号楼的居民朋友们：请点击“加入”按钮")
    assert bound.post_button == "🏠 加入"


async def test_only_the_sender_of_bind_may_press(app: App, fake_session: FakeSession,
                                                 sqlite_db: Database, clock: FrozenClock):
    """A member who forges the dialog's data (the old layout named its owner) is refused;
    the dialog stays as it was and its owner goes on."""
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en")
    admin = Person(ADMIN_ID, "Wang", "en")
    fake_session.members[(GROUP, ADMIN_ID)] = "administrator"
    fake_session.members[(GROUP, ALICE.id)] = "administrator"
    await app.dp.feed_update(app.bot, make_message(admin, "/bind", chat_id=GROUP))
    dialog = fake_session.take("sendMessage")[0].result.message_id

    async def press(person: Person, data: str, message_id: int = dialog) -> list[Call]:
        await app.dp.feed_update(app.bot, make_callback(person, data, GROUP,
                                                        message_id=message_id))
        return fake_session.take()

    purpose = BindCB(action="purpose", community=roster.community_id, purpose="residents")
    for data in (purpose.pack(), f"{purpose.pack()}:{ALICE.id}",
                 f"v1bind:purpose:{roster.community_id}:residents:0:{ALICE.id}",
                 f"v1unit:bind:pick:{roster.community_id}:{roster.building_id}:{ALICE.id}"):
        (call,) = await press(ALICE, data)
        assert call.method == "answerCallbackQuery", "the dialog is not touched"
        assert call.params["show_alert"]
        assert call.params["text"] in {
            "Only the person who sent /bind can use these buttons.",
            "This button has expired."}
    (call,) = await press(ALICE, purpose.pack())
    assert call.params["text"] == "Only the person who sent /bind can use these buttons."
    (call,) = await press(admin, purpose.pack(), message_id=dialog + 100)
    assert call.params["text"] == "This button has expired.", "no /bind sent that message"
    assert "Which building" in [c.params.get("text") for c in await press(admin, purpose.pack())
                                if c.method == "editMessageText"][0]
    await press(admin, BindCB(action="cancel").pack())
    (call,) = await press(admin, purpose.pack())
    assert call.params["text"] == "This button has expired.", "the dialog is over"


async def test_role_picker_trusts_the_flow_not_the_data(app: App, fake_session: FakeSession,
                                                        sqlite_db: Database,
                                                        clock: FrozenClock):
    """`v1unit:role:*` carries no user id any more: a press counts only inside the presser's
    own /roles flow, and the old layout with an id is refused."""
    roster = await make_roster(sqlite_db, clock, admin_id=ADMIN_ID, locale="en")
    admin = Person(ADMIN_ID, "Wang", "en")
    pick = UnitCB(flow="role", action="pick", community=roster.community_id,
                  unit=roster.floors["1"]).pack()
    for data in (pick, f"{pick}:{ALICE.id}"):
        await app.dp.feed_update(app.bot, make_callback(ALICE, data))
        assert fake_session.texts() == ["This button has expired."]
    for step in ("/roles", RoleCB(action="grant"), RoleCB(action="role", value="floor_contact")):
        update = (make_message(admin, step) if isinstance(step, str)
                  else make_callback(admin, step.pack()))
        await app.dp.feed_update(app.bot, update)
    assert fake_session.texts()[-1] == "Where does the floor contact (楼道联络人) serve?"
    await app.dp.feed_update(app.bot, make_callback(admin, f"{pick}:{ADMIN_ID}"))
    assert fake_session.texts() == ["This button has expired."]
    await app.dp.feed_update(app.bot, make_callback(admin, pick))
    assert fake_session.texts()[-1].startswith("Who?")
