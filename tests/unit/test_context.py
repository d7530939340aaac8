"""bot.services.context: one statement tells an update's two languages — the reader's (the
group's, in a group) and the sender's own, for what only the sender sees — whether it was
handled already, and where the sender's conversation stands."""

from __future__ import annotations

from bot.domain.clock import FrozenClock
from bot.services.context import update_context
from bot.services.users import set_user_locale
from storage import Database, UnitOfWork, flow_repo
from storage.uow import record_update
from tests.builders import make_group, make_role, make_roster

GROUP = -3001


async def read(db: Database, *, user_id: int, language_code: str | None,
               group: int | None = GROUP, update_id: int = 1, flow_key: str | None = None,
               ) -> tuple[bool, str, str, object]:
    context = await update_context(db, update_id=update_id, user_id=user_id,
                                   language_code=language_code, group_chat_id=group,
                                   fallback="zh_CN", flow_key=flow_key)
    return context.seen, context.locale, context.sender_locale, context.flow


async def test_a_group_speaks_its_own_language_and_the_sender_theirs(db: Database,
                                                                     clock: FrozenClock):
    # An unknown group: the deployment's default; the sender's Telegram language.
    assert await read(db, user_id=7, language_code="en") == (False, "zh_CN", "en", None)
    roster = await make_roster(db, clock, admin_id=1, locale="en")
    await make_group(db, clock, roster.community_id, None, GROUP)
    # Bound to an English community; the sender's choice beats their Telegram language.
    await set_user_locale(UnitOfWork(db, clock), 8, "zh_CN", language_code="en")
    assert await read(db, user_id=8, language_code="en") == (False, "en", "zh_CN", None)
    # Without a choice or a Telegram language: the sender's community, not the group's.
    chinese = await make_roster(db, clock, admin_id=2, name="幸福里", locale="zh_CN")
    await make_role(db, clock, chinese.community_id, 9, "property")
    assert await read(db, user_id=9, language_code=None) == (False, "en", "zh_CN", None)


async def test_private_chats_have_one_language_and_the_flow_is_read_too(
        db: Database, clock: FrozenClock):
    await set_user_locale(UnitOfWork(db, clock), 8, "en", language_code="zh-hans")
    assert await read(db, user_id=8, language_code="zh-hans", group=None) == (
        False, "en", "en", None)
    await flow_repo.save(db, "k1", clock.now(), state="Flow:step", data={"n": 1})
    for group in (None, GROUP):
        assert (await read(db, user_id=8, language_code=None, group=group,
                           flow_key="k1"))[3] == ("Flow:step", {"n": 1})
    await record_update(db, 5, clock.now())
    assert (await read(db, user_id=8, language_code=None, update_id=5))[0] is True
