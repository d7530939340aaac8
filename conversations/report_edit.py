"""/report, the summary's buttons that change the report: 👥 switches whether neighbours see
it, and each ✏️ opens one step again — the description, the category, the place, or the
photos (taken again from none) — with the same checks as the first time. That step then
returns to the summary, not through the rest of the flow (so similar cases are not offered
again). ⚡ (urgent or not) is the urgency step's handler, in `report_place`.

These buttons work only while the summary is the open step: once the report is submitted
or cancelled, the fallback router answers that they have expired.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.ui import report_screens as screens
from bot.ui.case_callbacks import ReportCB
from conversations.report_draft import Report, show_summary

EDITABLE = ("description", "category", "place", "photos")


async def on_edit(query: CallbackQuery, callback_data: ReportCB, state: FSMContext) -> None:
    """Opens one step of the report in place of the summary; the step returns to it."""
    part = callback_data.value
    if part not in EDITABLE:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    data = await state.update_data(editing=True)
    await query.answer()
    if part == "description":
        await state.set_state(Report.description)
        text, markup = screens.describe_again(data["description"]), None
    elif part == "category":
        await state.set_state(Report.category)
        text, markup = _("📝 What is it about?"), screens.categories(data["categories"])
    elif part == "place":
        await state.set_state(Report.place)
        text, markup = screens.places(data["homes"])
    else:
        await state.update_data(photos=[])
        await state.set_state(Report.photos)
        text, markup = screens.photos_prompt(0)
        if data["photos"]:
            text = _("The photos you sent before are removed.") + "\n" + text
    await query.message.edit_text(text, reply_markup=markup)


async def on_share(query: CallbackQuery, state: FSMContext) -> None:
    """Switches whether neighbours see an anonymous card of the case."""
    await state.update_data(shared=not (await state.get_data())["shared"])
    await query.answer()
    await show_summary(query.message, state, edit=True)


def register(router: Router) -> None:
    """Adds the summary's 👥 and ✏️ buttons to the report flow's router."""
    cb = ReportCB.filter
    router.callback_query.register(on_share, Report.summary, cb(F.action == "share"))
    router.callback_query.register(on_edit, Report.summary, cb(F.action == "edit"))
