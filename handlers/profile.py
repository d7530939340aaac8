"""/me, /roster, /mydata and /delete_me: what Zhongyi knows, for residents and floor
contacts, and a resident's control over their own data."""

from __future__ import annotations

import json

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services import UnitOfWork
from bot.services.floor_roster import floor_rosters
from bot.services.membership import profile
from bot.services.privacy import delete_me, my_data
from bot.ui.callbacks import PrivacyCB
from bot.ui.roster_texts import label, relation_name, role_name, status_name

MESSAGE_LIMIT = 3800


async def cmd_me(message: Message, uow: UnitOfWork) -> None:
    """Shows the user's homes with their status, and their roles."""
    found = await profile(uow, message.from_user.id)
    lines = [_("What Zhongyi knows about you:")]
    if not found.memberships and not found.roles:
        lines.append(_("Nothing yet. Press Join in your building's group to link your "
                       "home."))
    for m in found.memberships:
        lines.append(_("🏠 {home} — {relation}, {status}").format(
            home=m.household_label, relation=relation_name(m.relation),
            status=status_name(m.status)))
    for r in found.roles:
        lines.append(_("🎖 {role} — {scope}").format(
            role=label(role_name(r.role)), scope=r.scope or r.community))
    await message.answer("\n".join(lines))


async def cmd_roster(message: Message, uow: UnitOfWork) -> None:
    """Lists the households of the floors the contact covers: who is verified, pending,
    or not yet there — the list for door-to-door work."""
    floors = await floor_rosters(uow, message.from_user.id)
    if not floors:
        await message.answer(_("/roster is for floor contacts and building leads: you "
                               "have no floor to look after."))
        return
    chunks: list[str] = []
    for floor in floors:
        lines = [_("📋 {floor}: {verified} of {total} homes verified").format(
            floor=floor.label, verified=floor.verified_households, total=len(floor.homes))]
        for home in floor.homes:
            if home.verified:
                state = _("✅ {names}").format(names=", ".join(home.verified))
            elif home.pending:
                state = _("⏳ waiting: {names}").format(names=", ".join(home.pending))
            else:
                state = _("— nobody yet")
            lines.append(f"{home.room}  {state}")
        chunks.append("\n".join(lines))
    text = ""
    for chunk in chunks:
        if text and len(text) + len(chunk) > MESSAGE_LIMIT:
            await message.answer(text)
            text = ""
        text = f"{text}\n\n{chunk}" if text else chunk
    await message.answer(text[:4096])


async def cmd_mydata(message: Message, uow: UnitOfWork) -> None:
    """Sends everything stored about the user as a JSON file."""
    data = await my_data(uow, message.from_user.id)
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    await message.answer_document(BufferedInputFile(content, "zhongyi-my-data.json"),
                                  caption=_("Everything Zhongyi stores about you."))


async def cmd_delete_me(message: Message) -> None:
    """Asks for confirmation before deleting anything."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🗑 Delete my data"), callback_data=PrivacyCB(action="delete"))
    builder.button(text=_("Keep it"), callback_data=PrivacyCB(action="keep"))
    await message.answer(_(
        "This deletes your name, username, language, your links to households and your "
        "roles. Results already published stay as they are, without your name. You can join "
        "again later. Delete?"), reply_markup=builder.as_markup())


async def on_delete(query: CallbackQuery, callback_data: PrivacyCB, uow: UnitOfWork,
                    state: FSMContext) -> None:
    """Deletes the personal data, or keeps it."""
    await query.answer()
    if callback_data.action != "delete":
        await query.message.edit_text(_("Nothing was deleted."), reply_markup=None)
        return
    await delete_me(uow, query.from_user.id)
    await state.clear()
    await query.message.edit_text(_("Your personal data has been deleted."), reply_markup=None)


def make_router() -> Router:
    router = Router(name="profile")
    private = F.chat.type == "private"
    router.message.register(cmd_me, Command("me"), private, StateFilter("*"))
    router.message.register(cmd_roster, Command("roster"), private, StateFilter("*"))
    router.message.register(cmd_mydata, Command("mydata"), private, StateFilter("*"))
    router.message.register(cmd_delete_me, Command("delete_me"), private, StateFilter("*"))
    router.callback_query.register(on_delete, PrivacyCB.filter())
    return router
