"""The pinned Join post follows a rename: a re-import that renames a building or floor
queues, in its own transaction, an edit of the Join post of each group bound to that unit
or below it, to the new name, rendered in the group's language; other groups' posts and
groups without a post are left alone — on SQLite and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.clock import FrozenClock
from bot.domain.roster_files import parse_csv
from bot.services.binding import set_join_message, unbind_group
from bot.services.join_posts import refresh_join_posts
from bot.services.roster_import import apply_import, export_roster, stage_import
from bot.ui.i18n import make_i18n
from bot.ui.render import render
from storage import Database, UnitOfWork, outbox_repo, roster_repo
from storage.models import ChatGroup, OutboxMessage
from tests.builders import Roster, make_group, make_roster

ADMIN = 1
I18N = make_i18n("zh_CN")


async def rename(db: Database, clock: FrozenClock, roster: Roster, old: str, new: str) -> None:
    """Exports the roster, replaces `old` by `new` in its names, and imports it again."""
    _name, data = await export_roster(UnitOfWork(db, clock), ADMIN, roster.community_id, "csv")
    lines = [",".join(cells[:-1]).replace(old, new) for cells in parse_csv(data)]
    preview = await stage_import(UnitOfWork(db, clock), ADMIN, roster.community_id, "r.csv",
                                 "\n".join(lines).encode())
    assert preview.renames, "the file renames something"
    await apply_import(UnitOfWork(db, clock), ADMIN, preview.import_id)


async def bound(db: Database, clock: FrozenClock, roster: Roster, unit_id: int, chat_id: int,
                post: int | None) -> int:
    group_id = await make_group(db, clock, roster.community_id, unit_id, chat_id)
    if post is not None:
        await set_join_message(UnitOfWork(db, clock), group_id, post)
    return group_id


async def outbox(db: Database) -> list[OutboxMessage]:
    async with db.reading() as session:
        return list((await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "join_post")
            .order_by(OutboxMessage.id))).all())


def edits_by_chat(rows: list[OutboxMessage]) -> dict[int, list[tuple[int, str, dict]]]:
    """Each chat's edits: (message id of the post it edits, status, parameters)."""
    posts = {row.id: row.message_id for row in rows if row.edit_of is None}
    found: dict[int, list[tuple[int, str, dict]]] = {}
    for row in rows:
        if row.edit_of is not None:
            found.setdefault(row.chat_id, []).append(
                (posts[row.edit_of], row.status, row.params))
    return found


async def test_a_renamed_building_edits_the_posts_of_its_groups(db: Database,
                                                                clock: FrozenClock):
    roster = await make_roster(db, clock, admin_id=ADMIN)
    async with UnitOfWork(db, clock) as uow:
        compound = await roster_repo.get_unit(uow.session, roster.compound_id)
        other = await roster_repo.add_unit(uow.session, roster.community_id, compound,
                                           "building", "2号楼")
        await uow.commit()
    building = await bound(db, clock, roster, roster.building_id, -101, post=71)
    floor = await bound(db, clock, roster, roster.floors["2"], -102, post=72)
    await bound(db, clock, roster, other.id, -103, post=73)  # another building
    await bound(db, clock, roster, roster.building_id, -104, post=None)  # no Join post
    await make_group(db, clock, roster.community_id, None, -105, purpose="committee")

    await rename(db, clock, roster, "1号楼", "一号楼")
    assert edits_by_chat(await outbox(db)) == {
        -101: [(71, "pending", {"group_id": building, "unit": "幸福小区 一号楼"})],
        -102: [(72, "pending", {"group_id": floor, "unit": "幸福小区 一号楼 2"})]}

    # Renamed again before the edits went: the waiting edit takes the newer name.
    await rename(db, clock, roster, "一号楼", "壹号楼")
    assert edits_by_chat(await outbox(db)) == {
        -101: [(71, "pending", {"group_id": building, "unit": "幸福小区 壹号楼"})],
        -102: [(72, "pending", {"group_id": floor, "unit": "幸福小区 壹号楼 2"})]}

    rows = await outbox(db)
    edit = next(row for row in rows if row.chat_id == -101 and row.edit_of is not None)
    assert await outbox_repo.message_of(db, edit.edit_of) == ("sent", 71), (
        "the sender edits the pinned message")
    zh = render(I18N, "join_post", edit.params, "zh_CN", "zybot")
    assert zh.text.startswith("幸福小区 壹号楼的居民朋友们：请点击“加入”按钮")
    assert zh.reply_markup.inline_keyboard[0][0].url == f"https://t.me/zybot?start=join_{building}"
    en = render(I18N, "join_post", edit.params, "en", "zybot")
    assert en.text.startswith("Residents of 幸福小区 壹号楼: press Join")


async def test_only_renames_above_a_group_and_its_current_post_count(db: Database,
                                                                     clock: FrozenClock):
    """A floor's rename leaves the building's group alone; a group bound again has its new
    post edited, not the old one; an unbound or inactive group gets no edit."""
    roster = await make_roster(db, clock, admin_id=ADMIN)
    building = await bound(db, clock, roster, roster.building_id, -201, post=81)
    floor = await bound(db, clock, roster, roster.floors["3"], -202, post=82)
    await bound(db, clock, roster, roster.floors["1"], -203, post=83)
    await unbind_group(UnitOfWork(db, clock), user_id=ADMIN, chat_id=-203, thread_id=0)
    gone = await bound(db, clock, roster, roster.floors["2"], -204, post=84)
    async with UnitOfWork(db, clock) as uow:
        (await uow.session.get(ChatGroup, gone)).active = False
        await uow.commit()
    async with UnitOfWork(db, clock) as uow:
        assert await refresh_join_posts(uow.session, roster.community_id,
                                        [roster.floors["3"]], uow.now()) == 1
        await uow.commit()
    await set_join_message(UnitOfWork(db, clock), floor, 92)  # /bind again: a new post
    async with UnitOfWork(db, clock) as uow:
        await refresh_join_posts(uow.session, roster.community_id, [roster.building_id],
                                 uow.now())
        await uow.commit()
    assert edits_by_chat(await outbox(db)) == {
        -201: [(81, "pending", {"group_id": building, "unit": "幸福小区 1号楼"})],
        -202: [(82, "pending", {"group_id": floor, "unit": "幸福小区 1号楼 3"}),
               (92, "pending", {"group_id": floor, "unit": "幸福小区 1号楼 3"})]}


async def test_an_import_without_renames_edits_nothing(db: Database, clock: FrozenClock):
    roster = await make_roster(db, clock, admin_id=ADMIN)
    await bound(db, clock, roster, roster.building_id, -301, post=91)
    _name, data = await export_roster(UnitOfWork(db, clock), ADMIN, roster.community_id, "csv")
    lines = [",".join(cells[:-1]) for cells in parse_csv(data)]
    preview = await stage_import(UnitOfWork(db, clock), ADMIN, roster.community_id, "r.csv",
                                 "\n".join(lines).encode())
    await apply_import(UnitOfWork(db, clock), ADMIN, preview.import_id)
    assert await outbox(db) == []
