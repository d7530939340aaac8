"""Closing surveys (at the deadline by the sweeper, or early by the creator), the results
every group in scope receives, reminders, and the committee's export.

Every figure comes from GROUP BY queries; the results are kept as a snapshot with the
survey. Closing wipes an anonymous survey's salt and re-inserts its ballots in random
order, so they can no longer be tied to anyone; free-text answers go only to the creator
and the committee groups.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.roles import MANAGERS, Role
from bot.domain.surveys import QuestionKind, share
from bot.services.answering import queue_poll_refresh
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.permissions import has_role
from bot.services.surveys import load_survey, ref, view_of
from bot.services.units import info
from storage import (
    UnitOfWork,
    due,
    groups_repo,
    membership_repo,
    outbox_repo,
    roster_repo,
    surveys_repo,
)
from storage.models import Survey


async def compute_results(session: Any, survey: Survey) -> dict[str, Any]:
    """The survey's figures, JSON-ready: per question counts and shares (ratings: mean and
    distribution), turnout per building and floor, and the door-to-door share."""
    view = await view_of(session, survey)
    paths = await surveys_repo.scope_paths(session, survey.id)
    counts = await surveys_repo.option_counts(session, survey.id)
    respondents = await surveys_repo.respondents_per_question(session, survey.id)
    ratings = await surveys_repo.rating_counts(session, survey.id)
    ballots, door_ballots = await surveys_repo.ballot_count(session, survey.id)
    questions = []
    for q in view.questions:
        answered = respondents.get(q.id, 0)
        entry: dict[str, Any] = {"id": q.id, "kind": str(q.kind), "text": q.text,
                                 "respondents": answered}
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
            entry["options"] = [{"text": o.text, "count": counts.get(o.id, 0),
                                 "share": share(counts.get(o.id, 0), answered)}
                                for o in q.options]
        elif q.kind is QuestionKind.RATING:
            dist = ratings.get(q.id, {})
            total = sum(dist.values())
            entry["ratings"] = {str(v): dist.get(v, 0) for v in range(1, 6)}
            entry["mean"] = sum(v * n for v, n in dist.items()) / total if total else None
        questions.append(entry)
    floors = await surveys_repo.turnout_by_floor(session, survey, paths)
    # One query for every unit's name: labels are built from paths in memory.
    labels = await roster_repo.labels(session, survey.community_id)
    buildings: dict[int, dict[str, Any]] = {}
    for f in floors:
        f["label"] = labels[f["floor_id"]]
        b = buildings.setdefault(f["building_id"], {"building_id": f["building_id"],
                                                    "label": labels[f["building_id"]],
                                                    "households": 0, "answered": 0,
                                                    "residents": 0, "door": 0})
        for key in ("households", "answered", "residents", "door"):
            b[key] += f[key]
    total = {key: sum(f[key] for f in floors)
             for key in ("households", "answered", "residents", "door")}
    return {"survey_id": survey.id, "kind": survey.kind, "title": survey.title,
            "audience": survey.audience, "anonymous": survey.anonymous,
            "ballots": ballots, "door_ballots": door_ballots, "questions": questions,
            "turnout": total, "buildings": sorted(buildings.values(),
                                                  key=lambda b: b["label"]),
            "floors": sorted(floors, key=lambda f: f["label"])}


def group_turnout(results: dict[str, Any], path_floor_ids: set[int]) -> dict[str, int]:
    """Turnout of the floors a group covers."""
    mine = [f for f in results["floors"] if f["floor_id"] in path_floor_ids]
    return {key: sum(f[key] for f in mine)
            for key in ("households", "answered", "residents", "door")}


async def _close(session: Any, survey: Survey, now: datetime) -> int:
    """Closes one survey and queues its results; returns the number of groups told."""
    results = await compute_results(session, survey)
    survey.status, survey.closed_at, survey.salt, survey.results = "closed", now, None, results
    if survey.anonymous:
        await surveys_repo.shuffle_ballots(session, survey.id)
    community = await groups_repo.community_of(session, survey.community_id)
    paths = await surveys_repo.scope_paths(session, survey.id)
    groups = await surveys_repo.groups_in_scope(session, survey.community_id, paths)
    # The groups need the totals and their own turnout, not every floor's line.
    summary = {key: value for key, value in results.items() if key != "floors"}
    base = {"results": summary, "timezone": community.timezone,
            "deadline": survey.deadline.isoformat(), "closed_at": now.isoformat()}
    for _group_id, chat_id, thread_id, path in groups:
        floor_ids = await surveys_repo.floors_under(session, path)
        outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id,
                            kind="survey_results", now=now, ref=ref(survey.id),
                            params={**base, "group": group_turnout(results, floor_ids)})
    readers = {survey.creator_id} | set(await groups_repo.active_chats(
        session, survey.community_id, "committee"))
    # Turnout of every building and floor, for the people who follow up door to door.
    for chat_id in readers:
        outbox_repo.enqueue(session, chat_id=chat_id, kind="survey_turnout", now=now,
                            params={"title": survey.title, "buildings": results["buildings"],
                                    "floors": results["floors"]})
    texts = await surveys_repo.free_texts(session, survey.id)
    if texts:
        by_question: dict[str, list[str]] = {}
        titles = {q["id"]: q["text"] for q in results["questions"]}
        for question_id, text in texts:
            by_question.setdefault(titles[question_id], []).append(text)
        for chat_id in readers:
            outbox_repo.enqueue(session, chat_id=chat_id, kind="survey_texts", now=now,
                                params={"title": survey.title, "texts": by_question})
    if survey.kind == "poll":
        await queue_poll_refresh(session, survey, await view_of(session, survey), now,
                                 closed=True)
    return len(groups)


async def close_due_surveys(uow: UnitOfWork, now: datetime, limit: int) -> int:
    """Sweeper task: closes every open survey whose deadline has passed."""
    async with uow:
        surveys = await due.claim(uow.session, surveys_repo.due_to_close(now), limit)
        for survey in surveys:
            await _close(uow.session, survey, now)
        await uow.commit()
    return len(surveys)


async def close_survey(uow: UnitOfWork, *, user_id: int, survey_id: int) -> int:
    """Closes a survey early: its creator or a community admin/committee member."""
    async with uow:
        session = uow.session
        survey = await load_survey(session, survey_id)
        if survey.creator_id != user_id and not await has_role(
                session, user_id, survey.community_id, None, MANAGERS):
            raise NotPermitted("not_creator")
        if survey.status != "open":
            raise InvalidInput("already_closed")
        groups = await _close(session, survey, uow.now())
        await uow.commit()
    return groups


async def send_due_reminders(uow: UnitOfWork, now: datetime, limit: int) -> int:
    """Sweeper task: one private nudge to each eligible resident who has not answered, and
    to each floor contact the list of their floor's households still missing."""
    async with uow:
        session = uow.session
        surveys = await due.claim(session, surveys_repo.due_to_remind(now), limit)
        for survey in surveys:
            survey.reminded_at = now
            paths = await surveys_repo.scope_paths(session, survey.id)
            params = {"survey_id": survey.id, "title": survey.title,
                      "deadline": survey.deadline.isoformat(),
                      "timezone": (await groups_repo.community_of(
                          session, survey.community_id)).timezone}
            missing = (await session.execute(surveys_repo.not_answered(survey, paths))).all()
            for user_id in sorted({u for u, _ in missing}):
                outbox_repo.enqueue(session, chat_id=user_id, kind="survey_reminder",
                                    params=params, now=now)
            await _remind_contacts(session, survey, paths, params, now)
        await uow.commit()
    return len(surveys)


async def _remind_contacts(session: Any, survey: Survey, paths: list[str] | None,
                           params: dict[str, Any], now: datetime) -> None:
    for floor_id in await surveys_repo.scope_floors(session, survey.community_id, paths):
        floor = await roster_repo.get_unit(session, floor_id)
        contacts = await membership_repo.reviewers(session, survey.community_id,
                                                   Role.FLOOR_CONTACT, [floor.path])
        if not contacts:
            continue
        homes = await surveys_repo.missing_households(session, survey, paths, [floor_id])
        if not homes:
            continue
        rooms = [h.room for h in homes]
        label = (await info(session, floor)).label
        for contact in contacts:
            outbox_repo.enqueue(session, chat_id=contact, kind="survey_missing", now=now,
                                params={**params, "floor": label, "rooms": rooms})


async def results_so_far(uow: UnitOfWork, survey_id: int) -> dict[str, Any] | None:
    """The current figures of an open survey whose results are live (None otherwise)."""
    async with uow(readonly=True):
        survey = await load_survey(uow.session, survey_id)
        if survey.status != "open" or not survey.live_results:
            return None
        return await compute_results(uow.session, survey)
