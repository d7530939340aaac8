"""Handler tier: /import, a roster file sent to the bot, the preview's Confirm and Cancel,
forged and expired buttons, renamed buildings, /template and /export — what the admin
sees and what lands in the roster."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.domain.clock import FrozenClock
from bot.domain.roster_files import parse_csv
from bot.services.communities import create_community
from bot.services.housekeeping import IMPORT_DRAFT_KEEP, purge_old
from storage import Database, UnitOfWork, communities_repo
from storage.models import Household
from tests.conftest import ADMIN_ID
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person, make_callback, make_message

ADMIN = Person(ADMIN_ID, "Wang", "en")
MEMBER = Person(777, "Li", "en")  # a committee member of another community
STRANGER = Person(555, "Zhao", "en")
ROSTER = (b"compound,building,entrance,floor,room,area,owner_key\n"
          b"Sunny,1,A,3,301,89.5,K1\nSunny,1,A,3,302,90,K1\n"
          b"Sunny,1,A,12,1201,120,\nSunny,2,,B1,B101,60,K2\n")
NOT_FOUND = ("This import has expired or is not yours, so nothing was imported. To import "
             "the roster, send the file again.")


async def feed(app: App, update: object) -> None:
    await app.dp.feed_update(app.bot, update)


async def make_community(db: Database, clock: FrozenClock, name: str = "Sunny Garden") -> int:
    community = await create_community(
        UnitOfWork(db, clock), creator_id=ADMIN_ID, bootstrap_admins=frozenset({ADMIN_ID}),
        name=name, timezone="Asia/Shanghai", locale="en", daily_time="08:00")
    return community.id


async def make_member(db: Database, clock: FrozenClock, community_id: int) -> None:
    async with UnitOfWork(db, clock) as uow:
        await communities_repo.grant(uow.session, user_id=MEMBER.id, community_id=community_id,
                                     role="residents_committee", granted_by=ADMIN_ID,
                                     now=clock.now())
        await uow.commit()


async def household_count(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(Household))


async def send_file(app: App, session: FakeSession, person: Person, name: str, data: bytes,
                    size: int | None = None) -> None:
    """Sends a document; its content is served only if the bot downloads it."""
    file_id = f"file-{len(session.files)}"
    session.files[file_id] = data
    await feed(app, make_message(person, "", document={
        "file_id": file_id, "file_unique_id": file_id, "file_name": name,
        "file_size": len(data) if size is None else size}))


def confirm_data(session: FakeSession) -> tuple[str, str]:
    """The Confirm and Cancel button data of the last preview sent."""
    preview = [c for c in session.take("sendMessage") if c.raw.reply_markup][-1]
    confirm, cancel = preview.raw.reply_markup.inline_keyboard[0]
    return confirm.callback_data, cancel.callback_data


async def test_happy_path_preview_then_confirm(app: App, fake_session: FakeSession,
                                               sqlite_db: Database, clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await feed(app, make_message(ADMIN, "/import"))
    assert "Sunny Garden" in fake_session.texts()[0]
    await send_file(app, fake_session, ADMIN, "roster.csv", ROSTER)
    preview = fake_session.calls[-1].params["text"]
    for line in ("Buildings: 2", "Floors: 3", "Households: 4", "Total area: 359.5 m²",
                 "New households: 4", "until you press Confirm"):
        assert line in preview
    assert await household_count(sqlite_db) == 0
    confirm, _cancel = confirm_data(fake_session)
    await feed(app, make_callback(ADMIN, confirm))
    assert "Households added: 4" in fake_session.texts()[-1]
    assert await household_count(sqlite_db) == 4
    await feed(app, make_callback(ADMIN, confirm))
    assert fake_session.texts() == ["This roster was imported already."]
    assert await household_count(sqlite_db) == 4


async def test_an_expired_preview_is_answered(app: App, fake_session: FakeSession,
                                              sqlite_db: Database, clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await send_file(app, fake_session, ADMIN, "roster.csv", ROSTER)
    confirm, cancel = confirm_data(fake_session)
    clock.advance(IMPORT_DRAFT_KEEP + timedelta(hours=1))
    await feed(app, make_callback(ADMIN, confirm))
    assert fake_session.texts() == [NOT_FOUND]
    await purge_old(sqlite_db, clock)
    await feed(app, make_callback(ADMIN, cancel))
    assert fake_session.texts() == [NOT_FOUND]
    assert await household_count(sqlite_db) == 0


async def export_csv(app: App, session: FakeSession) -> bytes:
    await feed(app, make_message(ADMIN, "/export"))
    csv_file, _xlsx_file = session.take("sendDocument")
    assert "floor_id column" in csv_file.params["caption"]
    return csv_file.raw.document.data


async def test_reimport_renames_or_shows_new_and_left_out_buildings(
        app: App, fake_session: FakeSession, sqlite_db: Database, clock: FrozenClock):
    """A building renamed in the export is renamed on Confirm; renamed in a file without
    floor ids, the preview shows it as new next to the one left out, and says what to do."""
    await make_community(sqlite_db, clock)
    await send_file(app, fake_session, ADMIN, "roster.csv", ROSTER)
    await feed(app, make_callback(ADMIN, confirm_data(fake_session)[0]))
    exported = (await export_csv(app, fake_session)).decode("utf-8-sig")
    fake_session.take()

    await send_file(app, fake_session, ADMIN, "roster.csv",
                    ROSTER.replace(b"Sunny,1,", "Sunny,1栋,".encode()))
    preview = fake_session.calls[-1].params["text"]
    assert "New buildings: Sunny 1栋" in preview
    assert "not in this file (they are kept as they are): Sunny 1" in preview
    assert "press Cancel, send /export" in preview

    await send_file(app, fake_session, ADMIN, "export.csv",
                    exported.replace("Sunny,1,", "Sunny,1栋,").encode())
    preview = fake_session.calls[-1].params["text"]
    assert "Renamed (matched by floor_id): 1\nSunny 1 → Sunny 1栋" in preview
    assert "New buildings" not in preview
    await feed(app, make_callback(ADMIN, confirm_data(fake_session)[0]))
    result = fake_session.texts()[-1]
    assert "Households added: 0" in result
    assert "Renamed compounds, buildings, entrances and floors: 1" in result
    assert await household_count(sqlite_db) == 4

    await send_file(app, fake_session, ADMIN, "export.csv",
                    exported.replace("Sunny,1,", "Sunny,2,").encode())
    assert ("Row 2: cannot rename this building to “2”: another building there has that "
            "name already.") in fake_session.texts()[-1]


async def test_cancel_applies_nothing(app: App, fake_session: FakeSession,
                                      sqlite_db: Database, clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await send_file(app, fake_session, ADMIN, "Roster.CSV", ROSTER)
    confirm, cancel = confirm_data(fake_session)
    await feed(app, make_callback(ADMIN, cancel))
    assert fake_session.texts()[-1] == "Cancelled. Nothing was imported."
    await feed(app, make_callback(ADMIN, confirm))
    assert "cancelled or replaced" in fake_session.texts()[-1]
    assert await household_count(sqlite_db) == 0


async def test_wrong_file_type_and_photo_are_answered(app: App, fake_session: FakeSession,
                                                      sqlite_db: Database,
                                                      clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await feed(app, make_message(ADMIN, "/import"))
    fake_session.take()
    await send_file(app, fake_session, ADMIN, "roster.xls", b"old excel")
    assert ".csv or .xlsx file" in fake_session.texts()[0]
    await feed(app, make_message(ADMIN, "", photo=[
        {"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]))
    assert "not a photo" in fake_session.texts()[0]
    await feed(app, make_message(ADMIN, "here it is"))
    assert "not a photo or text" in fake_session.texts()[0]
    assert fake_session.take("getFile") == []


async def test_too_large_file_is_refused_before_download(app: App, fake_session: FakeSession,
                                                         sqlite_db: Database,
                                                         clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await feed(app, make_message(ADMIN, "/import"))
    fake_session.take()
    await send_file(app, fake_session, ADMIN, "roster.csv", ROSTER, size=6 * 1024 * 1024)
    assert fake_session.take("getFile") == []
    assert "larger than 5 MB" in fake_session.calls[-1].params["text"]


async def test_bad_rows_are_listed_then_a_fixed_file_works(app: App, fake_session: FakeSession,
                                                           sqlite_db: Database,
                                                           clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await feed(app, make_message(ADMIN, "/import"))
    bad = b"compound,building,floor,room,area\nS,1,3,301,89\nS,1,3,,89\nS,1,3,302,lots\n"
    await send_file(app, fake_session, ADMIN, "roster.csv", bad)
    answer = fake_session.texts()[-1]
    assert "problems in 2 rows" in answer
    assert "Row 3: “room” is empty." in answer
    assert "Row 4: the area “lots”" in answer
    many = b"compound,building,floor,room,area\n" + b"S,1,3,301,x\n" * 100
    await send_file(app, fake_session, ADMIN, "roster.csv", many)
    answer = fake_session.texts()[-1]
    assert answer.count("Row ") == 30
    assert "…and 70 more." in answer
    await send_file(app, fake_session, ADMIN, "roster.csv", ROSTER)
    assert "Households: 4" in fake_session.calls[-1].params["text"]
    assert await household_count(sqlite_db) == 0


async def test_missing_columns_are_named(app: App, fake_session: FakeSession,
                                         sqlite_db: Database, clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await send_file(app, fake_session, ADMIN, "roster.csv", b"compound,building,room\nS,1,2")
    assert "lacks these columns: floor, area" in fake_session.texts()[-1]


async def test_file_sent_before_choosing_a_community_is_checked_after(
        app: App, fake_session: FakeSession, sqlite_db: Database, clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await make_community(sqlite_db, clock, "Harmony Court")
    await send_file(app, fake_session, ADMIN, "roster.csv", b"compound,floor\nS,1")
    fake_session.take()
    await feed(app, make_callback(ADMIN, "v1rpick:import:2"))
    (answer,) = fake_session.take("sendMessage")
    assert "lacks these columns: building, room, area" in answer.params["text"]


async def test_forged_confirm_and_strangers_are_refused(app: App, fake_session: FakeSession,
                                                        sqlite_db: Database,
                                                        clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await make_member(sqlite_db, clock, await make_community(sqlite_db, clock, "Other"))
    await feed(app, make_message(STRANGER, "/import"))
    assert "community admin or committee member" in fake_session.texts()[0]
    await feed(app, make_message(ADMIN, "/import"))
    await feed(app, make_callback(ADMIN, "v1rpick:import:1"))
    await send_file(app, fake_session, ADMIN, "roster.csv", ROSTER)
    confirm, _cancel = confirm_data(fake_session)
    await feed(app, make_callback(MEMBER, confirm))
    await feed(app, make_callback(STRANGER, confirm))
    assert fake_session.texts() == [NOT_FOUND] * 2
    await feed(app, make_callback(ADMIN, "v1imp:ok:999"))
    assert fake_session.texts() == [NOT_FOUND]
    assert await household_count(sqlite_db) == 0


async def test_picking_one_of_several_communities(app: App, fake_session: FakeSession,
                                                  sqlite_db: Database, clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await make_community(sqlite_db, clock, "Harmony Court")
    await send_file(app, fake_session, ADMIN, "roster.csv", ROSTER)
    (pick,) = fake_session.take("sendMessage")
    assert pick.params["text"] == "Which community is this roster for?"
    buttons = [b.callback_data for row in pick.raw.reply_markup.inline_keyboard for b in row]
    assert buttons == ["v1rpick:import:1", "v1rpick:import:2"]
    await feed(app, make_callback(ADMIN, "v1rpick:import:2"))
    assert "for Harmony Court" in fake_session.calls[-1].params["text"]


async def test_template_sends_both_files(app: App, fake_session: FakeSession):
    await feed(app, make_message(STRANGER, "/template"))
    csv_file, xlsx_file = fake_session.take("sendDocument")
    assert csv_file.raw.document.filename == "roster-template.csv"
    assert xlsx_file.raw.document.filename == "roster-template.xlsx"
    assert parse_csv(csv_file.raw.document.data)[0][:3] == ["compound", "building",
                                                            "entrance"]
    assert "owner key" in csv_file.params["caption"]


async def test_export_for_managers_only(app: App, fake_session: FakeSession,
                                        sqlite_db: Database, clock: FrozenClock):
    await make_community(sqlite_db, clock)
    await send_file(app, fake_session, ADMIN, "roster.csv", ROSTER)
    confirm, _cancel = confirm_data(fake_session)
    await feed(app, make_callback(ADMIN, confirm))
    fake_session.take()
    await feed(app, make_message(STRANGER, "/export"))
    assert "community admin or committee member" in fake_session.texts()[0]
    await feed(app, make_message(ADMIN, "/export"))
    csv_file, xlsx_file = fake_session.take("sendDocument")
    assert csv_file.raw.document.filename.endswith(".csv")
    assert xlsx_file.raw.document.filename.endswith(".xlsx")
    rows = parse_csv(csv_file.raw.document.data)
    assert rows[0][-1] == "verified_residents"
    assert len(rows) == 5
