"""Closing motions at the deadline (the sweeper) or early (the creator or the committee):
the result computed in SQL and explained threshold by threshold, announced to every group
in scope and to the committee; a passed motion becomes a decision for its body. The tally
can be downloaded as CSV or XLSX — without names or homes when the ballot was secret.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import MANAGERS
from bot.domain.voting import OWNER_RULES, Outcome, Rule, Tally, decide
from bot.services.decision_views import schedule
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.motion_views import (
    current_tally,
    load_motion,
    post_params,
    queue_refresh,
    ref,
    tally_json,
    view_of,
)
from bot.services.permissions import has_role
from bot.services.reports import ensure_defaults
from bot.services.survey_export import csv_bytes, xlsx_bytes
from storage import (
    UnitOfWork,
    cases_repo,
    due,
    groups_repo,
    motions_repo,
    outbox_repo,
    roster_repo,
    surveys_repo,
)
from storage.deliberation_models import Decision, Motion


def result_json(rule: Rule, tally: Tally, outcome: Outcome) -> dict[str, Any]:
    return {"rule": str(rule), "passed": outcome.passed, "quorum": outcome.quorum,
            "checks": [{"name": c.name, "value": c.value, "base": c.base,
                        "num": c.threshold.numerator, "den": c.threshold.denominator,
                        "strict": c.strict, "met": c.met} for c in outcome.checks],
            "tally": tally_json(tally)}


async def _decision(session: AsyncSession, motion: Motion, now: datetime) -> Decision:
    """The passed motion becomes a decision for its body (property management unless the
    creator chose another), due `decision_days` later."""
    body_id = motion.decision_body_id
    if body_id is None:
        await ensure_defaults(session, motion.community_id)
        body_id = next(b.id for b in await cases_repo.bodies(session, motion.community_id)
                       if b.key == "property")
    decision = Decision(community_id=motion.community_id, motion_id=motion.id, body_id=body_id,
                        title=motion.question, status="open", progress=0,
                        due_at=now + timedelta(days=motion.decision_days), quiet_days=7,
                        last_update_at=now, overdue_reminded=False, created_at=now)
    schedule(decision, now)
    session.add(decision)
    await session.flush()
    return decision


async def _close(session: AsyncSession, motion: Motion, now: datetime) -> dict[str, Any]:
    tally = await current_tally(session, motion)
    rule = Rule(motion.rule)
    outcome = decide(rule, tally)
    result = result_json(rule, tally, outcome)
    motion.status, motion.closed_at, motion.result = "closed", now, result
    decision = await _decision(session, motion, now) if outcome.passed else None
    view = await view_of(session, motion)
    params = {**post_params(view, tally, closed=True), "result": result,
              "decision_id": decision.id if decision else None,
              "decision_due": decision.due_at.isoformat() if decision else None}
    paths = await motions_repo.scope_paths(session, motion.id)
    chats = [(chat, thread) for _g, chat, thread, _p in await surveys_repo.groups_in_scope(
        session, motion.community_id, paths)]
    chats += [(chat, 0) for chat in await groups_repo.active_chats(
        session, motion.community_id, "committee")]
    for chat_id, thread_id in dict.fromkeys(chats):
        outbox_repo.enqueue(session, chat_id=chat_id, thread_id=thread_id,
                            kind="motion_result", params=params, now=now, ref=ref(motion.id))
    outbox_repo.enqueue(session, chat_id=motion.creator_id, kind="motion_result", now=now,
                        params={**params, "exports": True}, ref=ref(motion.id))
    await queue_refresh(session, motion, now, closed=True, tally=tally)
    return result


async def close_due_motions(uow: UnitOfWork, now: datetime, limit: int) -> int:
    """Sweeper task: closes every open motion whose deadline has passed."""
    async with uow:
        motions = await due.claim(uow.session, motions_repo.due_to_close(now), limit)
        for motion in motions:
            await _close(uow.session, motion, now)
        await uow.commit()
    return len(motions)


async def _may_manage(session: AsyncSession, user_id: int, motion: Motion) -> None:
    if motion.creator_id != user_id and not await has_role(
            session, user_id, motion.community_id, None, MANAGERS):
        raise NotPermitted("not_motion_creator")


async def close_motion(uow: UnitOfWork, *, user_id: int, motion_id: int) -> dict[str, Any]:
    """Closes a motion early: its creator, a community admin or a committee member."""
    async with uow:
        session = uow.session
        motion = await load_motion(session, motion_id)
        await _may_manage(session, user_id, motion)
        if motion.status != "open":
            raise InvalidInput("motion_closed")
        result = await _close(session, motion, uow.now())
        await uow.commit()
    return result


HEADERS = {False: ("household", "owner", "area_m2", "choice", "source", "time"),
           True: ("户", "业主", "面积(m²)", "表决", "方式", "时间")}
SECRET_HEADERS = {False: ("choice", "voters", "area_m2"), True: ("表决", "人数", "面积(m²)")}
CHOICES = {False: {"for": "for", "against": "against", "abstain": "abstain"},
           True: {"for": "同意", "against": "反对", "abstain": "弃权"}}
SOURCES = {False: {"self": "self", "door": "door to door"}, True: {"self": "本人", "door": "入户"}}


async def export_motion(uow: UnitOfWork, *, user_id: int, motion_id: int, fmt: str,
                        chinese: bool = False) -> tuple[str, bytes]:
    """The tally as (file name, bytes): one row per ballot, or — for a secret ballot — one
    row per choice, so nobody's vote can be read from it."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("unsupported_file", filename=fmt)
    async with uow(readonly=True):
        session = uow.session
        motion = await load_motion(session, motion_id)
        await _may_manage(session, user_id, motion)
        if motion.secret:
            tally = await current_tally(session, motion)
            header = list(SECRET_HEADERS[chinese])
            rows = [[CHOICES[chinese][str(c)], tally.voters.get(c, 0),
                     tally.areas.get(c, 0) / 100] for c in tally.voters]
        else:
            timezone = (await groups_repo.community_of(session, motion.community_id)).timezone
            paths = await motions_repo.scope_paths(session, motion.id)
            labels = await roster_repo.labels(session, motion.community_id)
            owners = motion.rule in OWNER_RULES
            header, rows = list(HEADERS[chinese]), []
            for key, floor_id, room, choice, source, at, area in (
                    await motions_repo.ballots_for_export(session, motion, paths, owners)):
                rows.append([f"{labels.get(floor_id, '')} {room}", key if owners else "",
                             float(area or 0), CHOICES[chinese][choice],
                             SOURCES[chinese][source],
                             at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")])
        day = uow.now().strftime("%Y%m%d")
    data = csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(header, rows)
    return f"motion-{motion_id}-{day}.{fmt}", data
