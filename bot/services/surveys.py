"""Surveys and polls: publishing a draft to a scope, and reading a survey back.

Publishing checks the creator's role on every scope unit (committee, building lead or floor
contact, or above), the draft's rules, then writes the survey and one post per residents'
group in scope to the outbox — so 500 groups are reached at the pacer's speed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.domain.roles import ORGANIZERS
from bot.domain.surveys import (
    Audience,
    DraftError,
    QuestionKind,
    SurveyDraft,
    check_draft,
    remind_at,
)
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.permissions import has_role
from storage import UnitOfWork, meetings_repo, outbox_repo, surveys_repo
from storage.models import Community, Question, QuestionOption, Survey, SurveyScope


@dataclass(frozen=True)
class OptionView:
    id: int
    text: str


@dataclass(frozen=True)
class QuestionView:
    id: int
    kind: QuestionKind
    text: str
    required: bool
    max_choices: int | None
    options: tuple[OptionView, ...]


@dataclass(frozen=True)
class SurveyView:
    id: int
    community_id: int
    creator_id: int
    kind: str
    title: str
    description: str | None
    audience: Audience
    anonymous: bool
    live_results: bool
    deadline: datetime
    timezone: str
    status: str
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class Published:
    survey_id: int
    groups: int
    remind_at: datetime | None


def ref(survey_id: int) -> str:
    return f"survey:{survey_id}"


async def view_of(session: Any, survey: Survey) -> SurveyView:
    community = await session.get(Community, survey.community_id)
    questions = tuple(
        QuestionView(q.id, QuestionKind(q.kind), q.text, q.required, q.max_choices,
                     tuple(OptionView(o.id, o.text) for o in options))
        for q, options in await surveys_repo.questions_of(session, survey.id))
    return SurveyView(survey.id, survey.community_id, survey.creator_id, survey.kind,
                      survey.title, survey.description, Audience(survey.audience),
                      survey.anonymous, survey.live_results, survey.deadline,
                      community.timezone, survey.status, questions)


async def load_survey(session: Any, survey_id: int) -> Survey:
    survey = await session.get(Survey, survey_id)
    if survey is None:
        raise NotFound("survey")
    return survey


async def get_survey(uow: UnitOfWork, survey_id: int) -> SurveyView:
    async with uow(readonly=True):
        return await view_of(uow.session, await load_survey(uow.session, survey_id))


def post_params(view: SurveyView, counts: dict[int, int] | None = None,
                *, closed: bool = False) -> dict[str, Any]:
    """What a group post of the survey says (rendered in each group's language)."""
    question = view.questions[0]
    return {"survey_id": view.id, "kind": view.kind, "title": view.title,
            "description": view.description, "deadline": view.deadline.isoformat(),
            "timezone": view.timezone, "questions": len(view.questions),
            "anonymous": view.anonymous, "audience": str(view.audience),
            "live": view.live_results, "closed": closed,
            "options": [[o.id, o.text] for o in question.options] if view.kind == "poll"
            else [],
            "counts": {str(k): v for k, v in (counts or {}).items()}}


async def publish_survey(uow: UnitOfWork, *, creator_id: int, community_id: int,
                         draft: SurveyDraft) -> Published:
    """Saves the survey and queues its post in every residents' group in scope."""
    async with uow:
        session, now = uow.session, uow.now()
        for unit_id in draft.scope_unit_ids:
            if not await has_role(session, creator_id, community_id, unit_id, ORGANIZERS):
                raise NotPermitted("no_role_on_scope")
        try:
            check_draft(draft, now)
        except DraftError as exc:
            raise InvalidInput(exc.code, **exc.details) from None
        survey = Survey(
            community_id=community_id, creator_id=creator_id, kind=draft.kind,
            title=draft.title.strip(), description=(draft.description or "").strip() or None,
            audience=str(draft.audience), anonymous=draft.anonymous,
            live_results=draft.live_results, deadline=draft.deadline,
            remind_at=remind_at(draft, now), status="open", created_at=now,
            salt=secrets.token_hex(16) if draft.anonymous else None)
        session.add(survey)
        await session.flush()
        for unit_id in dict.fromkeys(draft.scope_unit_ids):
            session.add(SurveyScope(survey_id=survey.id, unit_id=unit_id))
        for position, question in enumerate(draft.questions):
            row = Question(survey_id=survey.id, position=position, kind=str(question.kind),
                           text=question.text.strip(), required=question.required,
                           max_choices=question.max_choices)
            session.add(row)
            await session.flush()
            for index, option in enumerate(question.options):
                session.add(QuestionOption(question_id=row.id, position=index,
                                           text=option.strip()))
        await session.flush()
        view = await view_of(session, survey)
        paths = await surveys_repo.scope_paths(session, survey.id)
        groups = await surveys_repo.groups_in_scope(session, community_id, paths)
        params = post_params(view)
        for _group_id, chat_id, thread_id, _path in groups:
            outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id,
                                kind="survey_post", params=params, now=now,
                                ref=ref(survey.id))
        await uow.commit()
        return Published(survey.id, len(groups), survey.remind_at)


@dataclass(frozen=True)
class SurveyBrief:
    id: int
    kind: str
    title: str
    deadline: datetime
    status: str
    timezone: str
    meetings: tuple[str, ...] = ()  # topics of the held meetings that discussed it


async def surveys_created_by(uow: UnitOfWork, user_id: int, limit: int = 20,
                             ) -> list[SurveyBrief]:
    async with uow(readonly=True):
        rows = (await uow.session.execute(
            select(Survey, Community.timezone).join(Community, Community.id
                                                    == Survey.community_id)
            .where(Survey.creator_id == user_id).order_by(Survey.id.desc()).limit(limit))).all()
        discussed = await meetings_repo.topics_discussing_surveys(
            uow.session, [s.id for s, _tz in rows])
        return [SurveyBrief(s.id, s.kind, s.title, s.deadline, s.status, tz,
                            tuple(discussed.get(s.id, ()))) for s, tz in rows]
