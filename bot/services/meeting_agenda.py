"""The agenda of a meeting: what an organizer may put on it besides free text (the
community's open report cases and closed surveys), and the agenda rows of a draft, with
every case and survey id checked again (they come from buttons)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meetings import MeetingDraft
from bot.domain.roles import ORGANIZERS
from bot.services.errors import InvalidInput, NotPermitted
from storage import UnitOfWork, meetings_repo, roster_repo
from storage.case_models import Case
from storage.cases_repo import OPEN
from storage.deliberation_models import AgendaItem
from storage.models import Survey

SOURCES_SHOWN = 8
CASE_TEXT = 80  # how much of a case's description names it on the agenda


@dataclass(frozen=True)
class AgendaSource:
    kind: str  # case | survey
    id: int
    text: str


async def agenda_rows(session: AsyncSession, community_id: int, draft: MeetingDraft,
                      ) -> list[AgendaItem]:
    """The agenda as rows; a case must be open and a survey closed, both of this
    community (the ids come from buttons, so they are checked again)."""
    rows = []
    for position, item in enumerate(draft.agenda):
        text = item.text.strip()
        if item.case_id is not None:
            case = await session.get(Case, item.case_id)
            if case is None or case.community_id != community_id or case.status not in OPEN:
                raise InvalidInput("meeting_agenda_item")
            text = f"#{case.number} {case.description[:CASE_TEXT]}"
        elif item.survey_id is not None:
            survey = await session.get(Survey, item.survey_id)
            if survey is None or survey.community_id != community_id \
                    or survey.status != "closed":
                raise InvalidInput("meeting_agenda_item")
            text = survey.title
        rows.append(AgendaItem(position=position, text=text[:300], case_id=item.case_id,
                               survey_id=item.survey_id))
    return rows


async def _require_organizer(session: AsyncSession, user_id: int, community_id: int) -> None:
    wanted = {str(r) for r in ORGANIZERS}
    roles = await roster_repo.roles_with_paths(session, user_id, community_id)
    if not any(role in wanted for role, _path in roles):
        raise NotPermitted("meeting_not_organizer")


async def agenda_sources(uow: UnitOfWork, user_id: int, community_id: int,
                         ) -> list[AgendaSource]:
    """What an organizer may put on the agenda besides free text: the community's open
    report cases and closed surveys, newest first."""
    async with uow(readonly=True):
        session = uow.session
        await _require_organizer(session, user_id, community_id)
        cases = await meetings_repo.open_cases(session, community_id, SOURCES_SHOWN)
        surveys = await meetings_repo.closed_surveys(session, community_id, SOURCES_SHOWN)
    return [AgendaSource("case", c.id, f"#{c.number} {c.description[:CASE_TEXT]}")
            for c in cases] + [AgendaSource("survey", s.id, s.title) for s in surveys]
