"""Surveys: publishing rules, who may answer, the tallies (multiple choice, one answer per
household, owners only, anonymity, door-to-door overridden by the resident), reminders and
closing — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.surveys import AnswerValue, Audience, QuestionDraft, QuestionKind, SurveyDraft
from bot.services.answering import (
    NotEligible,
    cast_poll_vote,
    open_for_answering,
    pending_households,
    submit_answers,
    submit_door_answers,
)
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.roles_admin import grant_role
from bot.services.survey_close import close_survey, compute_results, send_due_reminders
from bot.services.surveys import get_survey, publish_survey
from bot.services.sweeper import SweepConfig, default_tasks, sweep
from storage import UnitOfWork, surveys_repo
from storage.models import Answer, Ballot, OutboxMessage, Question, Survey
from tests.builders import make_group, make_resident, make_roster, make_user

ADMIN, CONTACT = 1, 2


def draft(roster, clock, **changes) -> SurveyDraft:
    base = dict(
        title="加装电梯意见征集",
        questions=(
            QuestionDraft(QuestionKind.SINGLE, "同意加装电梯吗？", ("同意", "不同意")),
            QuestionDraft(QuestionKind.MULTI, "最关心什么？", ("费用", "噪音", "采光"),
                          required=False, max_choices=2),
            QuestionDraft(QuestionKind.RATING, "对物业满意吗？", required=False),
            QuestionDraft(QuestionKind.TEXT, "其他意见", required=False),
        ),
        scope_unit_ids=(roster.building_id,), audience=Audience.RESIDENTS,
        deadline=clock.now() + timedelta(days=3))
    base.update(changes)
    return SurveyDraft(**base)


@pytest.fixture
async def world(db, clock):
    roster = await make_roster(db, clock, admin_id=ADMIN, floors=2, rooms=2)
    # 101: two owners' family; 102: a tenant; 201: an owner; 202: nobody registered
    await make_resident(db, clock, 11, roster.homes["101"], "owner")
    await make_resident(db, clock, 12, roster.homes["101"], "family")
    await make_resident(db, clock, 13, roster.homes["102"], "tenant")
    await make_resident(db, clock, 14, roster.homes["201"], "owner")
    await make_user(db, clock, CONTACT, "Contact")
    await make_group(db, clock, roster.community_id, roster.building_id, -100)
    await make_group(db, clock, roster.community_id, roster.floors["2"], -200)
    await grant_role(UnitOfWork(db, clock), actor_id=ADMIN, community_id=roster.community_id,
                     user_id=CONTACT, role="floor_contact", unit_id=roster.floors["2"])
    return roster


async def publish(db, clock, roster, **changes) -> int:
    published = await publish_survey(UnitOfWork(db, clock), creator_id=ADMIN,
                                     community_id=roster.community_id,
                                     draft=draft(roster, clock, **changes))
    return published.survey_id


def ids(view):
    q = view.questions
    return q, [o.id for o in q[0].options], [o.id for o in q[1].options]


async def answer(db, clock, user, survey_id, first, second=(), rating=None, text=None):
    view = await get_survey(UnitOfWork(db, clock), survey_id)
    q, one, two = ids(view)
    answers = {q[0].id: AnswerValue(option_ids=(one[first],)),
               q[1].id: AnswerValue(option_ids=tuple(two[i] for i in second))}
    if rating:
        answers[q[2].id] = AnswerValue(rating=rating)
    if text:
        answers[q[3].id] = AnswerValue(text=text)
    return await submit_answers(UnitOfWork(db, clock), user_id=user, survey_id=survey_id,
                                answers=answers)


async def test_publishing_rules(db, clock, world):
    uow = UnitOfWork(db, clock)
    for changes, code in [({"questions": ()}, "no_questions"),
                          ({"deadline": clock.now() + timedelta(minutes=30)},
                           "deadline_too_soon"),
                          ({"questions": (QuestionDraft(QuestionKind.SINGLE, "q",
                                                        tuple(str(i) for i in range(11))),)},
                           "too_many_options")]:
        with pytest.raises(InvalidInput) as caught:
            await publish_survey(uow, creator_id=ADMIN, community_id=world.community_id,
                                 draft=draft(world, clock, **changes))
        assert caught.value.code == code
    with pytest.raises(NotPermitted):
        await publish_survey(uow, creator_id=11, community_id=world.community_id,
                             draft=draft(world, clock))
    published = await publish_survey(uow, creator_id=ADMIN, community_id=world.community_id,
                                     draft=draft(world, clock))
    assert published.groups == 2
    assert published.remind_at == clock.now() + timedelta(days=2)


async def test_tallies_multiple_choice_and_ratings(db, clock, world):
    survey_id = await publish(db, clock, world)
    await answer(db, clock, 11, survey_id, 0, (0, 1), rating=4)
    await answer(db, clock, 12, survey_id, 1, (0,), rating=2, text="楼道太暗")
    await answer(db, clock, 13, survey_id, 0, (2,))
    again = await answer(db, clock, 13, survey_id, 0, (1, 2))
    assert again.changed
    with pytest.raises(InvalidInput) as caught:
        await answer(db, clock, 14, survey_id, 0, (0, 1, 2))
    assert caught.value.code == "too_many_choices"
    await close_survey(UnitOfWork(db, clock), user_id=ADMIN, survey_id=survey_id)
    async with db.reading() as session:
        results = (await session.get(Survey, survey_id)).results
    single, multi, rating, _text = results["questions"]
    assert [(o["count"], round(o["share"], 3)) for o in single["options"]] == [
        (2, 0.667), (1, 0.333)]
    assert [o["count"] for o in multi["options"]] == [2, 2, 1]
    assert rating["ratings"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
    assert rating["mean"] == 3
    assert results["turnout"] == {"households": 4, "answered": 2, "residents": 3, "door": 0}
    async with db.reading() as session:
        kinds = sorted((await session.execute(select(OutboxMessage.kind, OutboxMessage.chat_id)
                                              .where(OutboxMessage.kind.in_(
                                                  ["survey_results", "survey_texts"])))).all())
    assert kinds == [("survey_results", -200), ("survey_results", -100),
                     ("survey_texts", ADMIN)]


async def test_one_answer_per_household_and_owners_only(db, clock, world):
    per_household = await publish(db, clock, world, audience=Audience.HOUSEHOLDS)
    await answer(db, clock, 11, per_household, 0)
    await answer(db, clock, 12, per_household, 1)  # same household: replaces
    owners = await publish(db, clock, world, audience=Audience.OWNERS)
    with pytest.raises(NotEligible) as caught:
        await answer(db, clock, 13, owners, 0)
    assert caught.value.code == "not_owner"
    await answer(db, clock, 11, owners, 0)
    await answer(db, clock, 14, owners, 0)
    uow = UnitOfWork(db, clock)
    await close_survey(uow, user_id=ADMIN, survey_id=per_household)
    await close_survey(uow, user_id=ADMIN, survey_id=owners)
    async with db.reading() as session:
        first = (await session.get(Survey, per_household)).results
        second = (await session.get(Survey, owners)).results
    assert [o["count"] for o in first["questions"][0]["options"]] == [0, 1]
    assert first["turnout"]["answered"] == 1
    assert [o["count"] for o in second["questions"][0]["options"]] == [2, 0]


async def test_who_may_not_answer(db, clock, world):
    survey_id = await publish(db, clock, world, scope_unit_ids=(world.floors["2"],))
    with pytest.raises(NotEligible) as caught:
        await open_for_answering(UnitOfWork(db, clock), 11, survey_id)  # lives on floor 1
    assert caught.value.code == "not_in_scope"
    with pytest.raises(NotEligible) as caught:
        await open_for_answering(UnitOfWork(db, clock), 999, survey_id)
    assert caught.value.code == "not_verified"
    clock.advance(timedelta(days=4))
    with pytest.raises(NotEligible) as caught:
        await answer(db, clock, 14, survey_id, 0)
    assert caught.value.code == "closed"


async def test_door_to_door_and_the_residents_own_answer_wins(db, clock, world):
    survey_id = await publish(db, clock, world)
    uow = UnitOfWork(db, clock)
    missing = await pending_households(uow, contact_id=CONTACT, survey_id=survey_id)
    assert [m.label.split()[-1] for m in missing] == ["201", "202"]
    view = await get_survey(uow, survey_id)
    q, one, _ = ids(view)
    door = {q[0].id: AnswerValue(option_ids=(one[1],)), q[1].id: AnswerValue(option_ids=())}
    await submit_door_answers(uow, recorder_id=CONTACT, survey_id=survey_id,
                              household_id=world.homes["201"], answers=door)
    await submit_door_answers(uow, recorder_id=CONTACT, survey_id=survey_id,
                              household_id=world.homes["202"], answers=door)
    with pytest.raises(NotPermitted):
        await submit_door_answers(uow, recorder_id=CONTACT, survey_id=survey_id,
                                  household_id=world.homes["101"], answers=door)
    async with db.reading() as session:
        told = (await session.execute(select(OutboxMessage.chat_id).where(
            OutboxMessage.kind == "door_recorded"))).scalars().all()
    assert told == [14]
    await answer(db, clock, 14, survey_id, 0)  # the resident of 201 answers: theirs wins
    with pytest.raises(InvalidInput):
        await submit_door_answers(uow, recorder_id=CONTACT, survey_id=survey_id,
                                  household_id=world.homes["201"], answers=door)
    await close_survey(uow, user_id=ADMIN, survey_id=survey_id)
    async with db.reading() as session:
        results = (await session.get(Survey, survey_id)).results
    assert [o["count"] for o in results["questions"][0]["options"]] == [1, 1]
    assert results["turnout"]["door"] == 1
    assert results["door_ballots"] == 1


async def test_anonymous_ballots_cannot_be_traced_after_closing(db, clock, world):
    survey_id = await publish(db, clock, world, anonymous=True)
    await answer(db, clock, 11, survey_id, 0)
    context = await open_for_answering(UnitOfWork(db, clock), 11, survey_id)
    assert list(context.previous.values())[0].option_ids  # the resident sees their own
    await close_survey(UnitOfWork(db, clock), user_id=ADMIN, survey_id=survey_id)
    async with db.reading() as session:
        keys = (await session.execute(select(Ballot.ballot_key))).scalars().all()
        survey = await session.get(Survey, survey_id)
    assert survey.salt is None
    assert all(len(k) == 64 and not k.startswith("u") for k in keys)
    async with db.reading() as session:
        stamps = set((await session.execute(select(Ballot.at))).scalars())
    assert stamps == {survey.created_at}


async def ballots_with_answers(db) -> list[tuple[int, list[tuple]]]:
    async with db.reading() as session:
        rows = (await session.execute(
            select(Ballot.id, Answer.question_id, Answer.option_id, Answer.rating,
                   Answer.text).join(Answer, Answer.ballot_id == Ballot.id)
            .order_by(Ballot.id, Answer.id))).all()
    ballots: dict[int, list[tuple]] = {}
    for ballot_id, *answer_values in rows:
        ballots.setdefault(ballot_id, []).append(tuple(answer_values))
    return list(ballots.items())


async def test_closing_an_anonymous_survey_reinserts_its_ballots_whole(db, clock, world):
    survey_id = await publish(db, clock, world, anonymous=True)
    await answer(db, clock, 11, survey_id, 0, (0, 2), rating=4, text="电梯太吵")
    await answer(db, clock, 13, survey_id, 1, (1,), rating=2)
    await answer(db, clock, 14, survey_id, 0, (), text="同意")
    before = await ballots_with_answers(db)
    await close_survey(UnitOfWork(db, clock), user_id=ADMIN, survey_id=survey_id)
    after = await ballots_with_answers(db)
    assert min(ballot_id for ballot_id, _ in after) > max(ballot_id for ballot_id, _ in before)
    assert sorted(answers for _, answers in after) == sorted(answers for _, answers in before)
    async with db.reading() as session:
        survey = await session.get(Survey, survey_id)
        assert survey.results == await compute_results(session, survey)


async def test_shuffled_ballots_no_longer_follow_the_order_they_were_cast(db, clock, world):
    survey_id = await publish(db, clock, world, anonymous=True)
    async with UnitOfWork(db, clock) as uow:
        question = await uow.session.scalar(select(Question.id).where(
            Question.survey_id == survey_id, Question.kind == "text"))
        for n in range(40):
            await surveys_repo.replace_ballot(uow.session, survey_id, f"{n:064x}", "bot",
                                              clock.now(), [{"question_id": question,
                                                             "text": str(n)}])
        await surveys_repo.shuffle_ballots(uow.session, survey_id)
        await uow.commit()
    texts = [answers[0][3] for _, answers in await ballots_with_answers(db)]
    assert sorted(texts, key=int) == [str(n) for n in range(40)]
    assert texts != [str(n) for n in range(40)]  # 1 chance in 40! of the same order


async def test_reminders_once_to_those_missing_and_contacts(db, clock, world):
    survey_id = await publish(db, clock, world)
    await answer(db, clock, 11, survey_id, 0)
    uow = UnitOfWork(db, clock)
    assert await send_due_reminders(uow, clock.now(), 10) == 0
    clock.advance(timedelta(days=2, minutes=1))
    assert await send_due_reminders(uow, clock.now(), 10) == 1
    assert await send_due_reminders(uow, clock.now(), 10) == 0
    async with db.reading() as session:
        rows = (await session.execute(select(OutboxMessage.kind, OutboxMessage.chat_id,
                                             OutboxMessage.params)
                                      .where(OutboxMessage.kind.in_(
                                          ["survey_reminder", "survey_missing"]))
                                      .order_by(OutboxMessage.id))).all()
    assert [(k, c) for k, c, _ in rows] == [("survey_reminder", 12), ("survey_reminder", 13),
                                           ("survey_reminder", 14), ("survey_missing", CONTACT)]
    assert rows[-1][2]["rooms"] == ["201", "202"]


async def test_sweeper_closes_at_the_deadline_and_polls_get_final_edit(db, clock, world):
    poll = await publish(db, clock, world, kind="poll", questions=(
        QuestionDraft(QuestionKind.SINGLE, "周六打扫楼道？", ("好", "不好")),))
    view = await get_survey(UnitOfWork(db, clock), poll)
    yes = view.questions[0].options[0].id
    vote, text = await cast_poll_vote(UnitOfWork(db, clock), user_id=11, survey_id=poll,
                                      option_id=yes)
    assert (vote.changed, text) == (False, "好")
    async with db.reading() as session:
        edits = (await session.execute(select(OutboxMessage.params).where(
            OutboxMessage.edit_of.is_not(None)))).scalars().all()
    assert len(edits) == 2
    assert edits[0]["counts"] == {str(yes): 1}
    clock.advance(timedelta(days=3))
    handled = await sweep(db, clock, default_tasks(SweepConfig()))
    assert handled["close_surveys"] == 1
    assert (await sweep(db, clock, default_tasks(SweepConfig())))["close_surveys"] == 0
    async with db.reading() as session:
        final = (await session.execute(select(OutboxMessage.params).where(
            OutboxMessage.edit_of.is_not(None)))).scalars().all()
    assert len(final) == 2
    assert all(p["closed"] for p in final)


async def test_closing_tells_the_creator_the_turnout_of_every_floor(db, clock, world):
    survey_id = await publish(db, clock, world)
    await answer(db, clock, 11, survey_id, 0)
    await close_survey(UnitOfWork(db, clock), user_id=ADMIN, survey_id=survey_id)
    async with db.reading() as session:
        chat, params = (await session.execute(select(OutboxMessage.chat_id, OutboxMessage.params)
                                              .where(OutboxMessage.kind == "survey_turnout"))
                        ).one()
    assert chat == ADMIN
    assert [(f["label"].split()[-1], f["answered"], f["households"])
            for f in params["floors"]] == [("1", 1, 2), ("2", 0, 2)]
