"""Answering: who may answer a survey, submitting (and changing) answers, one-tap poll
votes, and answers collected door to door by floor contacts.

Keys: a person answers under their own key, except in one-per-household surveys and for
door-to-door records, which use the household's key. A resident's own answer wins over a
door-to-door record of their household: it replaces it, and a contact cannot record over it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from bot.domain.roles import COMMITTEE, Role
from bot.domain.surveys import (
    AnswerValue,
    Audience,
    DraftError,
    QuestionShape,
    ballot_key,
    check_answer,
    respondent_key,
)
from bot.services.errors import InvalidInput, NotFound, NotPermitted, ServiceError
from bot.services.permissions import has_role
from bot.services.surveys import SurveyView, load_survey, post_params, ref, view_of
from bot.services.units import info
from storage import UnitOfWork, outbox_repo, roster_repo, surveys_repo
from storage.models import Household, Participation, Resident, Survey

POLL_REFRESH_DELAY = timedelta(seconds=3)
DOOR_RECORDERS = (Role.FLOOR_CONTACT, Role.BUILDING_LEAD, Role.ADMIN, *COMMITTEE)


class NotEligible(ServiceError):
    """The user may not answer: `code` is closed, not_verified, not_in_scope or not_owner."""


@dataclass(frozen=True)
class AnswerContext:
    survey: SurveyView
    household_id: int
    previous: dict[int, AnswerValue]


@dataclass(frozen=True)
class Submitted:
    survey_id: int
    changed: bool


async def _eligible_household(session: Any, survey: Survey, user_id: int) -> int:
    """The user's household that lets them answer, or NotEligible with the reason."""
    if survey.status != "open":
        raise NotEligible("closed")
    rows = (await session.execute(
        select(Resident.household_id, Resident.relation)
        .where(Resident.user_id == user_id, Resident.status == "verified")
        .order_by(Resident.household_id))).all()
    if not rows:
        raise NotEligible("not_verified")
    paths = await surveys_repo.scope_paths(session, survey.id)
    scoped = set((await session.execute(
        surveys_repo.scoped_households(survey.community_id, paths)
        .where(Household.id.in_([h for h, _ in rows])))).scalars())
    in_scope = [(h, rel) for h, rel in rows if h in scoped]
    if not in_scope:
        raise NotEligible("not_in_scope")
    if survey.audience == Audience.OWNERS:
        owned = [h for h, rel in in_scope if rel == "owner"]
        if not owned:
            raise NotEligible("not_owner")
        return owned[0]
    return in_scope[0][0]


def _shapes(view: SurveyView) -> dict[int, QuestionShape]:
    return {q.id: QuestionShape(q.id, q.kind, q.required, tuple(o.id for o in q.options),
                                q.max_choices) for q in view.questions}


def _rows(view: SurveyView, answers: dict[int, AnswerValue]) -> list[dict[str, Any]]:
    """Checks every answer against its question; returns the answer rows to store."""
    shapes = _shapes(view)
    if not set(answers) <= set(shapes):
        raise InvalidInput("bad_answer")
    rows: list[dict[str, Any]] = []
    for question_id, shape in shapes.items():
        value = answers.get(question_id, AnswerValue())
        try:
            check_answer(shape, value)
        except DraftError as exc:
            raise InvalidInput(exc.code, **exc.details) from None
        rows += [{"question_id": question_id, "option_id": o, "rating": None, "text": None}
                 for o in value.option_ids]
        if value.rating is not None:
            rows.append({"question_id": question_id, "option_id": None,
                         "rating": value.rating, "text": None})
        if value.text:
            rows.append({"question_id": question_id, "option_id": None, "rating": None,
                         "text": value.text})
    return rows


async def open_for_answering(uow: UnitOfWork, user_id: int, survey_id: int) -> AnswerContext:
    """The survey to answer, with the user's earlier answers (shown only to them)."""
    async with uow(readonly=True):
        survey = await load_survey(uow.session, survey_id)
        if survey.deadline <= uow.now():
            raise NotEligible("closed")
        household = await _eligible_household(uow.session, survey, user_id)
        view = await view_of(uow.session, survey)
        previous = await _previous(uow.session, survey, view, user_id, household)
    return AnswerContext(view, household, previous)


async def _previous(session: Any, survey: Survey, view: SurveyView, user_id: int,
                    household: int) -> dict[int, AnswerValue]:
    key = respondent_key(Audience(survey.audience), user_id=user_id, household_id=household)
    rows = await surveys_repo.ballot_answers(session, survey.id, ballot_key(key, survey.salt))
    if not rows:
        # What a floor contact recorded at the door, for the resident to check or change.
        rows = await surveys_repo.ballot_answers(session, survey.id,
                                                 ballot_key(f"h{household}", survey.salt))
    found: dict[int, AnswerValue] = {}
    for question_id, option_id, rating, text in rows:
        old = found.get(question_id, AnswerValue())
        found[question_id] = AnswerValue(
            old.option_ids + ((option_id,) if option_id else ()),
            rating if rating is not None else old.rating, text or old.text)
    return found


async def _store(session: Any, survey: Survey, view: SurveyView, *, key: str,
                 household: int, user_id: int | None, source: str, recorded_by: int | None,
                 answers: dict[int, AnswerValue], now: Any) -> bool:
    rows = _rows(view, answers)
    existing = await session.scalar(select(Participation).where(
        Participation.survey_id == survey.id, Participation.respondent_key == key))
    if source == "self" and key != f"h{household}":
        # The resident's own answer replaces a door-to-door record of their household.
        await surveys_repo.drop_ballot(session, survey.id, ballot_key(f"h{household}",
                                                                      survey.salt))
        await session.execute(delete(Participation).where(
            Participation.survey_id == survey.id,
            Participation.respondent_key == f"h{household}"))
    if existing is None:
        session.add(Participation(survey_id=survey.id, respondent_key=key,
                                  household_id=household, user_id=user_id, source=source,
                                  recorded_by=recorded_by, at=now))
    else:
        existing.user_id, existing.source, existing.recorded_by = user_id, source, recorded_by
        existing.household_id, existing.at = household, now
    # An anonymous ballot carries no time of its own: a timestamp would tie it to the
    # participation row written at the same moment.
    stamp = survey.created_at if survey.anonymous else now
    await surveys_repo.replace_ballot(session, survey.id, ballot_key(key, survey.salt),
                                      source, stamp, rows)
    if survey.kind == "poll" and survey.live_results:
        await queue_poll_refresh(session, survey, view, now)
    return existing is not None


async def submit_answers(uow: UnitOfWork, *, user_id: int, survey_id: int,
                         answers: dict[int, AnswerValue]) -> Submitted:
    """Stores the user's answers; sending again before the deadline replaces them."""
    async with uow:
        session, now = uow.session, uow.now()
        survey = await load_survey(session, survey_id)
        if survey.deadline <= now:
            raise NotEligible("closed")
        household = await _eligible_household(session, survey, user_id)
        view = await view_of(session, survey)
        key = respondent_key(Audience(survey.audience), user_id=user_id,
                             household_id=household)
        changed = await _store(session, survey, view, key=key, household=household,
                               user_id=user_id, source="self", recorded_by=None,
                               answers=answers, now=now)
        await uow.commit()
    return Submitted(survey_id, changed)


async def cast_poll_vote(uow: UnitOfWork, *, user_id: int, survey_id: int,
                         option_id: int) -> tuple[Submitted, str]:
    """One tap in the group: the vote (replacing an earlier one) and the option's text."""
    view = (await open_for_answering(uow, user_id, survey_id)).survey
    question = view.questions[0]
    chosen = next((o for o in question.options if o.id == option_id), None)
    if view.kind != "poll" or chosen is None:
        raise NotFound("survey")
    result = await submit_answers(uow, user_id=user_id, survey_id=survey_id,
                                  answers={question.id: AnswerValue(option_ids=(option_id,))})
    return result, chosen.text


async def queue_poll_refresh(session: Any, survey: Survey, view: SurveyView, now: Any,
                             *, closed: bool = False) -> None:
    """Edits each group post of a poll with the current counts, at most every few
    seconds: a pending edit is updated instead of queueing another."""
    counts = await surveys_repo.option_counts(session, survey.id)
    await outbox_repo.refresh_posts(session, ref=ref(survey.id), kind="survey_post",
                                    params=post_params(view, counts, closed=closed), now=now,
                                    delay=POLL_REFRESH_DELAY, final=closed)


@dataclass(frozen=True)
class DoorHousehold:
    household_id: int
    label: str


async def pending_households(uow: UnitOfWork, *, contact_id: int, survey_id: int,
                             ) -> list[DoorHousehold]:
    """Households on the contact's floors that nobody has answered for yet."""
    async with uow(readonly=True):
        session = uow.session
        survey = await load_survey(session, survey_id)
        floors = [f.id for f in await roster_repo.floors_looked_after(
            session, contact_id, survey.community_id)]
        if not floors:
            raise NotPermitted("not_floor_contact")
        paths = await surveys_repo.scope_paths(session, survey.id)
        homes = await surveys_repo.missing_households(session, survey, paths, floors)
        result = []
        for home in homes:
            floor = await roster_repo.get_unit(session, home.floor_id)
            result.append(DoorHousehold(home.id, f"{(await info(session, floor)).label} "
                                                 f"{home.room}"))
    return result


async def submit_door_answers(uow: UnitOfWork, *, recorder_id: int, survey_id: int,
                              household_id: int, answers: dict[int, AnswerValue]) -> Submitted:
    """Records answers collected at a household's door; its verified residents are told
    and may change them."""
    async with uow:
        session, now = uow.session, uow.now()
        survey = await load_survey(session, survey_id)
        if survey.status != "open" or survey.deadline <= now:
            raise NotEligible("closed")
        household = await session.get(Household, household_id)
        if household is None or household.community_id != survey.community_id:
            raise NotFound("household")
        if not await has_role(session, recorder_id, survey.community_id, household.floor_id,
                              DOOR_RECORDERS):
            raise NotPermitted("not_floor_contact")
        paths = await surveys_repo.scope_paths(session, survey.id)
        scoped = await session.scalar(surveys_repo.scoped_households(
            survey.community_id, paths).where(Household.id == household_id))
        if scoped is None:
            raise NotEligible("not_in_scope")
        answered_self = await session.scalar(select(Participation.id).where(
            Participation.survey_id == survey.id, Participation.household_id == household_id,
            Participation.source == "self").limit(1))
        if answered_self is not None:
            raise InvalidInput("answered_by_resident")
        view = await view_of(session, survey)
        changed = await _store(session, survey, view, key=f"h{household_id}",
                               household=household_id, user_id=None, source="door",
                               recorded_by=recorder_id, answers=answers, now=now)
        floor = await roster_repo.get_unit(session, household.floor_id)
        label = f"{(await info(session, floor)).label} {household.room}"
        residents = (await session.execute(select(Resident.user_id).where(
            Resident.household_id == household_id, Resident.status == "verified"))).scalars()
        for user_id in set(residents):
            outbox_repo.enqueue(session, chat_id=user_id, kind="door_recorded", now=now,
                                params={"survey_id": survey.id, "title": survey.title,
                                        "household": label})
        await uow.commit()
    return Submitted(survey_id, changed)
