"""/surveys: the surveys and polls the user created, with their status and deadline; an open
one can be closed early (after a confirmation) and any one exported as CSV or XLSX.

Every press is checked again by the services: only the creator, a community admin or the
committee may close or export, whatever id the button carries.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services import InvalidInput, NotPermitted, UnitOfWork
from bot.services.survey_close import close_survey
from bot.services.survey_export import export_survey
from bot.services.surveys import SurveyBrief, get_survey, surveys_created_by
from bot.ui import fmt
from bot.ui.survey_admin_callbacks import SurveyAdminCB

TITLE_SHOWN = 60  # 20 surveys with 200-character titles would not fit in one message


def survey_line(survey: SurveyBrief, locale: str) -> str:
    mark = "🗳" if survey.kind == "poll" else "📋"
    when = fmt.when(survey.deadline, survey.timezone, locale)
    if survey.status == "open":
        state = _("open until {deadline}").format(deadline=when)
    else:
        state = _("closed")
    title = survey.title if len(survey.title) <= TITLE_SHOWN else (
        survey.title[:TITLE_SHOWN - 1] + "…")
    line = f"{mark} #{survey.id} {title} — {state}"
    for topic in survey.meetings:
        line += "\n    " + _("🗓 Discussed at the meeting “{topic}”").format(topic=topic)
    return line


def surveys_keyboard(surveys: list[SurveyBrief]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    widths = []
    for survey in surveys:
        if survey.status == "open":
            builder.button(text=_("🛑 Close #{id}").format(id=survey.id),
                           callback_data=SurveyAdminCB(action="close", survey=survey.id))
        builder.button(text=_("CSV #{id}").format(id=survey.id),
                       callback_data=SurveyAdminCB(action="csv", survey=survey.id))
        builder.button(text=_("XLSX #{id}").format(id=survey.id),
                       callback_data=SurveyAdminCB(action="xlsx", survey=survey.id))
        widths.append(3 if survey.status == "open" else 2)
    builder.adjust(*widths)
    return builder.as_markup()


async def cmd_surveys(message: Message, uow: UnitOfWork, locale: str) -> None:
    """Lists the user's surveys, newest first, with their buttons."""
    surveys = await surveys_created_by(uow, message.from_user.id)
    if not surveys:
        await message.answer(_("You have not created any survey or poll yet."))
        return
    lines = [_("Your surveys and polls:")]
    lines += [survey_line(s, locale) for s in surveys]
    await message.answer("\n".join(lines), reply_markup=surveys_keyboard(surveys))


async def on_close(query: CallbackQuery, callback_data: SurveyAdminCB, uow: UnitOfWork,
                   ) -> None:
    """Asks for a confirmation before closing one of the user's open surveys."""
    survey = await get_survey(uow, callback_data.survey)
    if survey.creator_id != query.from_user.id or survey.status != "open":
        await query.answer(_("This survey is not yours or is closed already."),
                           show_alert=True)
        return
    await query.answer()
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🛑 Yes, close it now"),
                   callback_data=SurveyAdminCB(action="confirm", survey=survey.id))
    builder.button(text=_("No, keep it open"),
                   callback_data=SurveyAdminCB(action="keep", survey=survey.id))
    await query.message.answer(_(
        "Close “{title}” now? Nobody can answer any more, and the results go to every "
        "group in its scope.").format(title=survey.title), reply_markup=builder.as_markup())


async def on_confirm(query: CallbackQuery, callback_data: SurveyAdminCB, uow: UnitOfWork,
                     ) -> None:
    """Closes the survey; the results go out through the outbox."""
    try:
        groups = await close_survey(uow, user_id=query.from_user.id,
                                    survey_id=callback_data.survey)
    except NotPermitted:
        await query.answer(_("Only the creator of this survey, a community admin or the "
                             "committee can close it."), show_alert=True)
        return
    except InvalidInput:
        await query.answer(_("This survey is closed already."), show_alert=True)
        return
    await query.answer()
    await query.message.edit_text(_(
        "Survey #{id} is closed. Its results are being posted to {count} groups.").format(
        id=callback_data.survey, count=groups), reply_markup=None)


async def on_keep(query: CallbackQuery) -> None:
    """Leaves the survey open."""
    await query.answer()
    await query.message.edit_text(_("Nothing changed: the survey stays open."),
                                  reply_markup=None)


async def on_export(query: CallbackQuery, callback_data: SurveyAdminCB, uow: UnitOfWork,
                    locale: str) -> None:
    """Sends the answers as a CSV or XLSX file."""
    try:
        name, data = await export_survey(uow, query.from_user.id, callback_data.survey,
                                         callback_data.action, locale.startswith("zh"))
    except NotPermitted:
        await query.answer(_("Only the creator of this survey, a community admin or the "
                             "committee can export its answers."), show_alert=True)
        return
    await query.answer()
    await query.message.answer_document(BufferedInputFile(data, name), caption=_(
        "Answers to survey #{id}, one row per ballot.").format(id=callback_data.survey))


def make_router() -> Router:
    router = Router(name="survey_admin")
    private = F.chat.type == "private"
    router.message.register(cmd_surveys, Command("surveys"), private, StateFilter("*"))
    router.callback_query.filter(F.message.chat.type == "private")
    router.callback_query.register(on_close, SurveyAdminCB.filter(F.action == "close"))
    router.callback_query.register(on_confirm, SurveyAdminCB.filter(F.action == "confirm"))
    router.callback_query.register(on_keep, SurveyAdminCB.filter(F.action == "keep"))
    router.callback_query.register(on_export,
                                   SurveyAdminCB.filter(F.action.in_({"csv", "xlsx"})))
    return router
