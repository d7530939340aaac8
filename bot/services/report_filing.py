"""Filing reports: the case is saved with its deadlines and dispatched at once — its card to
the responsible body's groups (or its members in private) and, if the reporter allows it, an
anonymous card to the building's residents' group.

A district files thousands of reports a day, in bursts (a lift stops, a pipe bursts, and
half the building reports). `file_reports` files any number in one transaction with a
handful of statements: one read per report of all it needs (where its cards go included),
then one statement per table for all of them; each view is built from what was read, not
read back. `ReportDesk` is what the bot submits through: reports that arrive while a
transaction is busy share the next one (`storage.group_commit`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import Place, Status, windows
from bot.domain.clock import Clock
from bot.services.case_sweep import schedule
from bot.services.case_views import (
    RESIDENTS,
    CaseView,
    Label,
    ViewContext,
    build_view,
    card_params,
    ref,
    targets_of,
)
from bot.services.errors import NotFound, ServiceError
from bot.services.reports import ReportDraft, check_draft, checked
from storage import Database, UnitOfWork, case_batch_repo, cases_repo, outbox_repo
from storage.case_batch_repo import BodyRow, GroupRow
from storage.group_commit import GroupCommit


@dataclass
class _Filing:
    """A report that passed its checks, with what its insert and its cards need."""

    case: Any  # a SimpleNamespace of the case's columns, inserted with Core
    body: BodyRow
    context: ViewContext
    groups: list[GroupRow]
    building_path: str | None


async def file_reports(session: AsyncSession, now: datetime,
                       reports: list[tuple[int, ReportDraft]],
                       ) -> list[CaseView | ServiceError]:
    """Files each (reporter, draft) in `session`'s transaction; for each, the case's view,
    or the refusal (then nothing of that report is written). Case numbers follow the
    order of `reports` within each community."""
    prepared: list[_Filing | ServiceError] = []
    for user_id, draft in reports:
        try:
            prepared.append(await _prepare(session, now, user_id, draft))
        except ServiceError as refusal:
            prepared.append(refusal)
    filings = [p for p in prepared if isinstance(p, _Filing)]
    if not filings:
        return list(prepared)  # type: ignore[arg-type]  # refusals only
    numbers = await cases_repo.next_numbers(session, {f.case.community_id for f in filings})
    for filing in filings:
        filing.case.number = numbers[filing.case.community_id]
        numbers[filing.case.community_id] += 1
    ids = await cases_repo.insert_cases(session, [vars(f.case) for f in filings])
    events, posts, views = [], [], {}
    for filing, case_id in zip(filings, ids, strict=True):
        filing.case.id = case_id
        submitted = case_batch_repo.new_event(case_id, "submitted", now,
                                              filing.case.reporter_id,
                                              urgent=filing.case.urgent)
        events.append(submitted)
        views[id(filing)] = view = build_view(filing.case, [submitted], filing.context)
        posts += await _posts(session, filing, view, now)
    await case_batch_repo.insert_events(session, events)
    await outbox_repo.enqueue_many(session, posts)
    return [views[id(p)] if isinstance(p, _Filing) else p for p in prepared]


async def submit_report(uow: UnitOfWork, user_id: int, draft: ReportDraft) -> CaseView:
    """Files one report in a unit of work of its own."""
    async with uow:
        [outcome] = await file_reports(uow.session, uow.now(), [(user_id, draft)])
        if isinstance(outcome, ServiceError):
            raise outcome
        await uow.commit()
    return outcome


class ReportDesk:
    """Where the bot's residents submit: reports that arrive together are filed together,
    each committed with its update's inbox row; a refusal is raised to its own caller."""

    def __init__(self, db: Database, clock: Clock, *, max_batch: int = 200) -> None:
        self._group: GroupCommit[tuple[int, ReportDraft], CaseView] = GroupCommit(
            db, clock, file_reports, max_batch=max_batch)

    async def submit(self, uow: UnitOfWork, user_id: int, draft: ReportDraft) -> CaseView:
        return await self._group.run(uow, (user_id, draft))

    @property
    def transactions(self) -> Counter[int]:
        """How many transactions held how many reports."""
        return self._group.sizes


async def _prepare(session: AsyncSession, now: datetime, user_id: int,
                   draft: ReportDraft) -> _Filing:
    """Reads what the report needs and checks it; raises the refusal."""
    inputs, groups = await cases_repo.report_inputs(
        session, user_id, draft.household_id, draft.category_id,
        RESIDENTS if draft.shared else None)
    if inputs is None:
        await checked(session, user_id, draft)  # raises the precise refusal
        raise NotFound("category")
    check_draft(draft)
    case, body, context = await _new_case(session, user_id, draft, inputs, now)
    return _Filing(case, body, context, groups, inputs.building_path)


async def _posts(session: AsyncSession, filing: _Filing, view: CaseView,
                 now: datetime) -> list[dict[str, Any]]:
    """The outbox rows of a new case: its card for the body, and the anonymous card for
    the neighbours when shared."""
    case, body = filing.case, filing.body
    targets, neighbours = await targets_of(
        session, [body], (case.community_id, filing.building_path or "")
        if case.shared and case.building_id is not None else None, filing.groups)
    card = {**card_params(view), "first": True}
    rows = [outbox_repo.row(chat_id=chat_id, thread_id=thread_id, kind="case_card",
                            params=card, now=now, ref=ref(case.id))
            for chat_id, thread_id in targets[body.id]]
    if neighbours:
        anonymous = card_params(view, anonymous=True)
        rows += [outbox_repo.row(chat_id=chat_id, thread_id=thread_id,
                                 kind="case_neighbours", params=anonymous, now=now,
                                 ref=ref(case.id)) for chat_id, thread_id in neighbours]
    return rows


async def _new_case(session: AsyncSession, user_id: int, draft: ReportDraft, inputs: Any,
                    now: datetime) -> tuple[Any, BodyRow, ViewContext]:
    """The case (not yet saved, with its deadlines and next look) and what its view needs,
    from the row of `cases_repo.report_inputs`."""
    body = BodyRow(inputs.body_id, inputs.community_id, inputs.body_key, inputs.body_role,
                   inputs.body_level, inputs.body_name, inputs.body_group_id)
    ack_hours, resolve_hours = ((inputs.urgent_ack_hours, inputs.urgent_resolve_hours)
                                if draft.urgent else (inputs.ack_hours, inputs.resolve_hours))
    ack_window, resolve_window = windows(draft.urgent, inputs.ack_hours, inputs.resolve_hours,
                                         inputs.urgent_ack_hours, inputs.urgent_resolve_hours)
    at_home = draft.place == Place.HOME
    # Plain attributes, not an ORM object: it is inserted with Core and only read after.
    case = SimpleNamespace(
        id=None, community_id=inputs.community_id, number=0, category_id=draft.category_id,
        body_id=body.id, level=body.level, base_level=body.level, reporter_id=user_id,
        household_id=inputs.id if at_home else None, building_id=inputs.building_id,
        place=draft.place, latitude=draft.latitude, longitude=draft.longitude,
        description=draft.description.strip(), photos=list(draft.photos),
        urgent=draft.urgent, shared=draft.shared, supporters=0, status=Status.NEW,
        created_at=now, acked_at=None, resolved_at=None, closed_at=None,
        ack_hours=ack_hours, resolve_hours=resolve_hours, ack_due=now + ack_window,
        resolve_due=now + resolve_window, ack_reminded=False, resolve_reminded=False,
        rating=None, waiting_since=None, reporter_reminded=False)
    schedule(case, now)
    names = {}
    if inputs.user_id is not None:
        names[user_id] = (inputs.first_name or (f"@{inputs.username}" if inputs.username
                                                else str(user_id)))
    chain = {(body.community_id, body.level): body}
    if inputs.above_id is not None:
        chain[(body.community_id, inputs.above_level)] = BodyRow(
            inputs.above_id, body.community_id, inputs.above_key, inputs.above_role,
            inputs.above_level, inputs.above_name, inputs.above_group_id)
    return case, body, ViewContext(
        {case.community_id: inputs.timezone}, {body.id: body}, chain,
        {case.category_id: Label(inputs.category_key, inputs.category_name)}, names,
        {inputs.id: (inputs.floor_id, inputs.room)},
        await _labels(session, inputs, inputs.floor_id if at_home else inputs.building_id))


async def _labels(session: AsyncSession, inputs: Any, unit_id: int | None) -> dict[int, str]:
    """The full name of the floor or building, from the units read with the report's
    inputs (a read of its own only for a tree deeper than the usual kinds)."""
    if unit_id is None:
        return {}
    path = inputs.floor_path if unit_id == inputs.floor_id else inputs.building_path
    names = cases_repo.units_read(inputs)
    if path is None:  # the unit is gone: nothing to name
        return {}
    missing = case_batch_repo.missing_on([path], names)
    names.update(await case_batch_repo.unit_names(session, missing))
    return {unit_id: case_batch_repo.label_from(path, names)}
