"""Surveys in the database: scopes as unit paths, who may answer, turnout and tallies —
every figure computed by the database (GROUP BY), never by a loop over answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, case, delete, distinct, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Answer,
    Ballot,
    ChatGroup,
    Household,
    Participation,
    Question,
    QuestionOption,
    Resident,
    Survey,
    SurveyScope,
    Unit,
)


async def scope_paths(session: AsyncSession, survey_id: int) -> list[str] | None:
    """The paths of the survey's scope units; None when it covers the whole community."""
    rows = (await session.execute(
        select(SurveyScope.unit_id, Unit.path).outerjoin(Unit, Unit.id == SurveyScope.unit_id)
        .where(SurveyScope.survey_id == survey_id))).all()
    if any(unit_id is None for unit_id, _ in rows):
        return None
    return [path for _, path in rows]


def in_scope(paths: list[str] | None, floor: type[Unit] | Any = Unit) -> Any:
    """A condition on a floor unit: below one of the scope paths (true for None)."""
    if paths is None:
        return True
    return or_(*[floor.path.startswith(p) for p in paths])


def scoped_households(community_id: int, paths: list[str] | None) -> Select[Any]:
    return (select(Household.id).join(Unit, Unit.id == Household.floor_id)
            .where(Household.community_id == community_id, in_scope(paths)))


def eligible_residents(community_id: int, paths: list[str] | None, owners_only: bool,
                       ) -> Select[Any]:
    """(user id, household id) of verified residents of households in scope."""
    stmt = (select(Resident.user_id, Resident.household_id)
            .where(Resident.status == "verified",
                   Resident.household_id.in_(scoped_households(community_id, paths))))
    if owners_only:
        stmt = stmt.where(Resident.relation == "owner")
    return stmt


async def groups_in_scope(session: AsyncSession, community_id: int, paths: list[str] | None,
                          ) -> list[tuple[int, int, int, str | None]]:
    """Active residents' groups bound to a unit inside the scope:
    (group id, chat id, thread id, unit path)."""
    rows = await session.execute(
        select(ChatGroup.id, ChatGroup.chat_id, ChatGroup.thread_id, Unit.path)
        .join(Unit, Unit.id == ChatGroup.unit_id)
        .where(ChatGroup.community_id == community_id, ChatGroup.purpose == "residents",
               ChatGroup.active.is_(True), in_scope(paths))
        .order_by(ChatGroup.id))
    return [tuple(r) for r in rows]


async def turnout_by_floor(session: AsyncSession, survey: Survey, paths: list[str] | None,
                           ) -> list[dict[str, Any]]:
    """Per floor of the scope: its building, households in scope and answered, residents
    answered, and households collected door to door."""
    floor = Unit.__table__.alias("floor")
    homes = (select(Household.floor_id, Household.building_id,
                    func.count(Household.id).label("households"))
             .join(floor, floor.c.id == Household.floor_id)
             .where(Household.community_id == survey.community_id,
                    True if paths is None else or_(*[floor.c.path.startswith(p)
                                                     for p in paths]))
             .group_by(Household.floor_id, Household.building_id)).subquery()
    answered = (select(Household.floor_id,
                       func.count(distinct(Participation.household_id)).label("answered"),
                       func.count(Participation.user_id).label("residents"),
                       func.count(distinct(case((Participation.source == "door",
                                                 Participation.household_id))))
                       .label("door"))
                .join(Household, Household.id == Participation.household_id)
                .where(Participation.survey_id == survey.id)
                .group_by(Household.floor_id)).subquery()
    rows = await session.execute(
        select(homes.c.floor_id, homes.c.building_id, homes.c.households,
               func.coalesce(answered.c.answered, 0), func.coalesce(answered.c.residents, 0),
               func.coalesce(answered.c.door, 0))
        .outerjoin(answered, answered.c.floor_id == homes.c.floor_id))
    return [{"floor_id": f, "building_id": b, "households": h, "answered": a,
             "residents": r, "door": d} for f, b, h, a, r, d in rows]


async def option_counts(session: AsyncSession, survey_id: int) -> dict[int, int]:
    rows = await session.execute(
        select(Answer.option_id, func.count()).join(Ballot, Ballot.id == Answer.ballot_id)
        .where(Ballot.survey_id == survey_id, Answer.option_id.is_not(None))
        .group_by(Answer.option_id))
    return {option_id: n for option_id, n in rows}


async def respondents_per_question(session: AsyncSession, survey_id: int) -> dict[int, int]:
    rows = await session.execute(
        select(Answer.question_id, func.count(distinct(Answer.ballot_id)))
        .join(Ballot, Ballot.id == Answer.ballot_id).where(Ballot.survey_id == survey_id)
        .group_by(Answer.question_id))
    return {question_id: n for question_id, n in rows}


async def rating_counts(session: AsyncSession, survey_id: int) -> dict[int, dict[int, int]]:
    rows = await session.execute(
        select(Answer.question_id, Answer.rating, func.count())
        .join(Ballot, Ballot.id == Answer.ballot_id)
        .where(Ballot.survey_id == survey_id, Answer.rating.is_not(None))
        .group_by(Answer.question_id, Answer.rating))
    result: dict[int, dict[int, int]] = {}
    for question_id, rating, n in rows:
        result.setdefault(question_id, {})[rating] = n
    return result


async def ballot_count(session: AsyncSession, survey_id: int) -> tuple[int, int]:
    """(all ballots, ballots collected door to door)."""
    row = (await session.execute(
        select(func.count(), func.count(case((Ballot.source == "door", 1))))
        .where(Ballot.survey_id == survey_id))).one()
    return row[0], row[1]


async def free_texts(session: AsyncSession, survey_id: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Answer.question_id, Answer.text).join(Ballot, Ballot.id == Answer.ballot_id)
        .where(Ballot.survey_id == survey_id, Answer.text.is_not(None))
        .order_by(Answer.question_id, Answer.id))
    return [(q, t) for q, t in rows]


async def questions_of(session: AsyncSession, survey_id: int,
                       ) -> list[tuple[Question, list[QuestionOption]]]:
    questions = list((await session.execute(
        select(Question).where(Question.survey_id == survey_id).order_by(Question.position)
    )).scalars())
    options = list((await session.execute(
        select(QuestionOption).where(QuestionOption.question_id.in_([q.id for q in questions]))
        .order_by(QuestionOption.question_id, QuestionOption.position))).scalars())
    by_question: dict[int, list[QuestionOption]] = {}
    for option in options:
        by_question.setdefault(option.question_id, []).append(option)
    return [(q, by_question.get(q.id, [])) for q in questions]


async def replace_ballot(session: AsyncSession, survey_id: int, key: str, source: str,
                         now: Any, answers: list[dict[str, Any]]) -> None:
    """Writes a respondent's answers, replacing what they answered before."""
    old = await session.scalar(select(Ballot.id).where(Ballot.survey_id == survey_id,
                                                       Ballot.ballot_key == key))
    if old is not None:
        await session.execute(delete(Answer).where(Answer.ballot_id == old))
        await session.execute(delete(Ballot).where(Ballot.id == old))
    ballot = Ballot(survey_id=survey_id, ballot_key=key, source=source, at=now)
    session.add(ballot)
    await session.flush()
    if answers:
        await session.execute(Answer.__table__.insert(),
                              [{"ballot_id": ballot.id, **a} for a in answers])


#: An anonymous ballot's key is 64 hex digits; re-inserted, its first digit is moved out of
#: the hex range, so the copy and the original can be told apart and matched one to one.
_MOVED = dict(zip("0123456789abcdef", "GHIJKLMNOPQRSTUV", strict=True))


def _moved(key: Any) -> Any:
    return case(_MOVED, value=func.substr(key, 1, 1), else_="~") + func.substr(key, 2)


async def shuffle_ballots(session: AsyncSession, survey_id: int) -> None:
    """Re-inserts a survey's ballots, with their answers, in random order: once the salt
    is wiped, neither a ballot's row id nor its answers' ids tell when it was cast (and so,
    next to the participation rows, whose it was). Done in the database: five statements."""
    ballots, answers = Ballot.__table__, Answer.__table__
    last = await session.scalar(select(func.coalesce(func.max(ballots.c.id), 0)))
    await session.execute(insert(ballots).from_select(
        ["survey_id", "ballot_key", "source", "at"],
        select(ballots.c.survey_id, _moved(ballots.c.ballot_key), ballots.c.source,
               ballots.c.at).where(ballots.c.survey_id == survey_id)
        .order_by(func.random())))
    old, new = ballots.alias("old"), ballots.alias("new")
    # The copy of each answer's ballot, found by its moved key through the unique index
    # (a join lets SQLite's planner scan the copies for every answer).
    copy = (select(new.c.id).where(new.c.survey_id == survey_id,
                                   new.c.ballot_key == _moved(old.c.ballot_key))
            .scalar_subquery())
    await session.execute(insert(answers).from_select(
        ["ballot_id", "question_id", "option_id", "rating", "text"],
        select(copy.label("copy"), answers.c.question_id, answers.c.option_id,
               answers.c.rating, answers.c.text)
        .join(old, old.c.id == answers.c.ballot_id)
        .where(old.c.survey_id == survey_id, old.c.id <= last)
        .order_by("copy", answers.c.id)))
    originals = select(ballots.c.id).where(ballots.c.survey_id == survey_id,
                                           ballots.c.id <= last)
    await session.execute(delete(answers).where(answers.c.ballot_id.in_(originals)))
    await session.execute(delete(ballots).where(ballots.c.survey_id == survey_id,
                                                ballots.c.id <= last))


async def drop_ballot(session: AsyncSession, survey_id: int, key: str) -> None:
    old = await session.scalar(select(Ballot.id).where(Ballot.survey_id == survey_id,
                                                       Ballot.ballot_key == key))
    if old is not None:
        await session.execute(delete(Answer).where(Answer.ballot_id == old))
        await session.execute(delete(Ballot).where(Ballot.id == old))


async def missing_households(session: AsyncSession, survey: Survey, paths: list[str] | None,
                             floor_ids: list[int]) -> list[Household]:
    """Households of these floors (in scope) that nobody has answered for yet."""
    answered = select(Participation.household_id).where(Participation.survey_id == survey.id)
    return list((await session.execute(
        select(Household).join(Unit, Unit.id == Household.floor_id)
        .where(Household.floor_id.in_(floor_ids), in_scope(paths),
               Household.id.not_in(answered))
        .order_by(Household.floor_id, Household.room))).scalars())


def due_to_close(now: Any) -> Select[Any]:
    return (select(Survey).where(Survey.status == "open", Survey.deadline <= now)
            .order_by(Survey.deadline))


def due_to_remind(now: Any) -> Select[Any]:
    return (select(Survey).where(Survey.status == "open", Survey.remind_at <= now,
                                 Survey.reminded_at.is_(None)).order_by(Survey.remind_at))


def not_answered(survey: Survey, paths: list[str] | None) -> Select[Any]:
    """Eligible residents nobody has answered for: not themselves, not their household by
    door-to-door, and — one answer per household — nobody of their household."""
    eligible = eligible_residents(survey.community_id, paths,
                                  survey.audience == "owners").subquery()
    mine = Participation.survey_id == survey.id
    if survey.audience == "households":
        condition = eligible.c.household_id.not_in(select(Participation.household_id)
                                                   .where(mine))
    else:
        condition = and_(
            eligible.c.user_id.not_in(select(Participation.user_id)
                                      .where(mine, Participation.user_id.is_not(None))),
            eligible.c.household_id.not_in(select(Participation.household_id)
                                           .where(mine, Participation.source == "door")))
    return select(eligible.c.user_id, eligible.c.household_id).where(condition).distinct()


async def ballot_answers(session: AsyncSession, survey_id: int, key: str,
                         ) -> list[tuple[int, int | None, int | None, str | None]]:
    rows = await session.execute(
        select(Answer.question_id, Answer.option_id, Answer.rating, Answer.text)
        .join(Ballot, Ballot.id == Answer.ballot_id)
        .where(Ballot.survey_id == survey_id, Ballot.ballot_key == key).order_by(Answer.id))
    return [tuple(r) for r in rows]


async def scope_floors(session: AsyncSession, community_id: int, paths: list[str] | None,
                       ) -> list[int]:
    """The floors of the scope that have households."""
    return list((await session.execute(
        select(Household.floor_id).join(Unit, Unit.id == Household.floor_id)
        .where(Household.community_id == community_id, in_scope(paths)).distinct()
    )).scalars())


async def floors_under(session: AsyncSession, path: str) -> set[int]:
    return set((await session.execute(
        select(Unit.id).where(Unit.path.startswith(path), Unit.kind == "floor"))).scalars())
