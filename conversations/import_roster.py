"""Importing a community's roster from a file, plus /template and /export.

/import → the community (when the admin manages several) → the file → its bad rows, or a
preview with Confirm / Cancel. A CSV or XLSX file sent without /import starts the same flow.
A file is checked by name and size before it is downloaded; a file with bad rows saves
nothing, and the admin can send a corrected one at once. The roster changes only on
Confirm, which the service checks again (the button's draft id is client input).

```mermaid
flowchart LR
  start[/import] --> community --> file
  file -- bad rows --> file
  file -- good rows --> preview
  preview -- Confirm --> applied
  preview -- Cancel --> discarded
```
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services import UnitOfWork
from bot.services.communities import CommunityInfo, managed_communities
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.roster_import import (
    apply_import,
    check_file,
    discard_import,
    export_roster,
    stage_import,
    template_csv,
    template_xlsx,
)
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND
from bot.ui.roster_callbacks import ImportCB, RosterPickCB
from bot.ui.roster_import_texts import (
    communities_keyboard,
    errors_text,
    preview_keyboard,
    preview_text,
    result_text,
)


class ImportRoster(StatesGroup):
    community = State()
    file = State()


async def managed(uow: UnitOfWork, user_id: int) -> list[CommunityInfo]:
    """The communities whose roster the user may import and export; refuses if none."""
    communities = await managed_communities(uow, user_id)
    if not communities:
        raise NotPermitted("not_manager")
    return communities


async def chosen(uow: UnitOfWork, user_id: int, community_id: int) -> CommunityInfo:
    """The pressed community, if the presser still manages it."""
    for community in await managed(uow, user_id):
        if community.id == community_id:
            return community
    raise NotPermitted("not_manager")


async def ask_file(message: Message, state: FSMContext, community: CommunityInfo) -> None:
    await state.set_state(ImportRoster.file)
    await state.set_data({"community_id": community.id})
    await message.answer(_(
        "Send the roster of {community} as a CSV or XLSX file (at most 5 MB). /template "
        "sends a file to fill in; /cancel stops.").format(community=community.name))


async def cmd_import(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Starts an import: asks which community, or for the file when there is only one."""
    communities = await managed(uow, message.from_user.id)
    await state.clear()
    if len(communities) == 1:
        await ask_file(message, state, communities[0])
        return
    await state.set_state(ImportRoster.community)
    await message.answer(_("Which community's roster do you want to import?"),
                         reply_markup=communities_keyboard(communities, "import"))


async def stage_file(message: Message, user_id: int, state: FSMContext, uow: UnitOfWork,
                     bot: Bot, locale: str, community_id: int, file_id: str,
                     file_name: str) -> None:
    """Downloads the file, has the service check and stage it, and shows the outcome.
    The flow stays at the file step, so a corrected or newer file can follow."""
    await state.set_state(ImportRoster.file)
    await state.set_data({"community_id": community_id})
    downloaded = await bot.download(file_id)
    try:
        preview = await stage_import(uow, user_id, community_id, file_name, downloaded.read())
    except InvalidInput as exc:
        # Answered here, not by the error handler: after a community button the callback
        # query is already answered, and a second answer would be lost.
        await message.answer(describe(exc))
        return
    if preview.import_id is None:
        await message.answer(errors_text(preview, locale))
        return
    await message.answer(preview_text(preview, locale),
                         reply_markup=preview_keyboard(preview.import_id))


async def receive_document(message: Message, state: FSMContext, uow: UnitOfWork, bot: Bot,
                           locale: str) -> None:
    """Checks the file's type and size before downloading it, then stages it."""
    document = message.document
    check_file(document.file_name, document.file_size)
    community_id = (await state.get_data())["community_id"]
    await stage_file(message, message.from_user.id, state, uow, bot, locale, community_id,
                     document.file_id, document.file_name)


async def receive_loose_document(message: Message, state: FSMContext, uow: UnitOfWork,
                                 bot: Bot, locale: str) -> None:
    """Takes a CSV or XLSX file sent without /import as the start of an import."""
    communities = await managed(uow, message.from_user.id)
    document = message.document
    check_file(document.file_name, document.file_size)
    if len(communities) == 1:
        await stage_file(message, message.from_user.id, state, uow, bot, locale,
                         communities[0].id, document.file_id, document.file_name)
        return
    await state.set_state(ImportRoster.community)
    await state.set_data({"file_id": document.file_id, "file_name": document.file_name})
    await message.answer(_("Which community is this roster for?"),
                         reply_markup=communities_keyboard(communities, "import"))


async def on_pick_import(query: CallbackQuery, callback_data: RosterPickCB, state: FSMContext,
                         uow: UnitOfWork, bot: Bot, locale: str) -> None:
    """Takes the chosen community; stages a file sent before, else asks for one."""
    community = await chosen(uow, query.from_user.id, callback_data.community_id)
    pending: dict[str, Any] = await state.get_data()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    if "file_id" not in pending:
        await ask_file(query.message, state, community)
        return
    await stage_file(query.message, query.from_user.id, state, uow, bot, locale, community.id,
                     pending["file_id"], pending["file_name"])


async def leave_flow(state: FSMContext) -> None:
    """Ends this flow, but not another one the user has started since the preview."""
    if await state.get_state() in ImportRoster.__all_states_names__:
        await state.clear()


async def on_confirm(query: CallbackQuery, callback_data: ImportCB, state: FSMContext,
                     uow: UnitOfWork, locale: str) -> None:
    """Applies the draft (the service checks who pressed and that it is still pending)."""
    result = await apply_import(uow, query.from_user.id, callback_data.import_id)
    await leave_flow(state)
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(result_text(result, locale))


async def on_cancel(query: CallbackQuery, callback_data: ImportCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Discards the draft; the roster stays as it was."""
    await discard_import(uow, query.from_user.id, callback_data.import_id)
    await leave_flow(state)
    await query.answer()
    await query.message.edit_text(_("Cancelled. Nothing was imported."), reply_markup=None)


async def receive_other(message: Message) -> None:
    """Answers a photo, sticker or text sent where the roster file is expected."""
    await message.answer(_(
        "Please send the roster as a file: a .csv or .xlsx document, not a photo or text. "
        "/template sends one to fill in; /cancel stops."))


async def receive_other_pick(message: Message) -> None:
    """Answers anything but a button while a community is to be chosen."""
    await message.answer(_("Please choose a community with the buttons above, or send "
                           "/cancel."))


async def cmd_template(message: Message, locale: str) -> None:
    """Sends the template in CSV and XLSX, headers in the reader's language."""
    chinese = locale.startswith("zh")
    await message.answer_document(
        BufferedInputFile(template_csv(chinese), "roster-template.csv"),
        caption=_("Roster template. Columns: compound, building, entrance (optional), floor, "
                  "room, area in m², owner key (optional; the same key on several homes "
                  "marks one owner). Chinese headers work too: 小区, 楼栋, 单元, 楼层, 房号, "
                  "面积, 业主编号. Fill it in and send it after /import."))
    await message.answer_document(
        BufferedInputFile(template_xlsx(chinese), "roster-template.xlsx"))


async def send_export(message: Message, user_id: int, uow: UnitOfWork,
                      community: CommunityInfo, locale: str) -> None:
    for fmt in ("csv", "xlsx"):
        name, data = await export_roster(uow, user_id, community.id, fmt,
                                         locale.startswith("zh"))
        caption = None if fmt == "xlsx" else _(
            "The roster of {community}, with the number of verified residents of each home. "
            "It holds no names or contacts. To rename a building or floor, change its name "
            "in this file and /import it: keep the floor_id column, it tells me which one "
            "is which.").format(community=community.name)
        await message.answer_document(BufferedInputFile(data, name), caption=caption)


async def cmd_export(message: Message, uow: UnitOfWork, locale: str) -> None:
    """Sends the roster as CSV and XLSX, after asking which community if there are several."""
    communities = await managed(uow, message.from_user.id)
    if len(communities) == 1:
        await send_export(message, message.from_user.id, uow, communities[0], locale)
        return
    await message.answer(_("Which community's roster do you want to export?"),
                         reply_markup=communities_keyboard(communities, "export"))


async def on_pick_export(query: CallbackQuery, callback_data: RosterPickCB, uow: UnitOfWork,
                         locale: str) -> None:
    """Exports the chosen community's roster."""
    community = await chosen(uow, query.from_user.id, callback_data.community_id)
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await send_export(query.message, query.from_user.id, uow, community, locale)


def is_roster_file(message: Message) -> bool:
    name = (message.document.file_name or "").lower() if message.document else ""
    return name.endswith((".csv", ".xlsx"))


def make_router() -> Router:
    router = Router(name="import_roster")
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_import, Command("import"), StateFilter("*"))
    router.message.register(cmd_template, Command("template"), StateFilter("*"))
    router.message.register(cmd_export, Command("export"), StateFilter("*"))
    router.message.register(receive_document, ImportRoster.file, F.document)
    router.message.register(receive_other, ImportRoster.file, NOT_COMMAND)
    router.message.register(receive_other_pick, ImportRoster.community, NOT_COMMAND)
    router.message.register(receive_loose_document, StateFilter(None), F.document,
                            is_roster_file)
    router.callback_query.register(on_pick_import, ImportRoster.community,
                                   RosterPickCB.filter(F.purpose == "import"))
    router.callback_query.register(on_pick_export, RosterPickCB.filter(F.purpose == "export"))
    router.callback_query.register(on_confirm, ImportCB.filter(F.action == "ok"))
    router.callback_query.register(on_cancel, ImportCB.filter(F.action == "no"))
    return router
