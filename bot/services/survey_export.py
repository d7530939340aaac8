"""The answers of a survey as a CSV or XLSX file, for its creator, the community admins and
the committee: one row per ballot, one column per question.

A named survey's row says which household answered, who (or which floor contact recorded
it at the door), how and when. An anonymous survey's row has only a ballot number, the
source and the answers — no household, no person and no time, since a time could point at
someone; its ballots are numbered in the order of their salted keys, which says nothing
about who answered or when. Text a spreadsheet would run as a formula stays text.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from bot.domain.roles import MANAGERS
from bot.services.errors import InvalidInput, NotPermitted
from bot.services.permissions import has_role
from bot.services.surveys import load_survey
from bot.services.units import label_of
from storage import UnitOfWork, surveys_repo
from storage.models import (
    Answer,
    Ballot,
    Community,
    Household,
    Participation,
    Survey,
    Unit,
    User,
)

HEADERS = {False: ("ballot", "household", "respondent", "source", "time"),
           True: ("选票", "户", "答卷人", "来源", "时间")}
SOURCES = {False: {"self": "self", "door": "door to door"},
           True: {"self": "本人", "door": "上门收集"}}
DOOR_BY = {False: "door to door by {name}", True: "上门收集：{name}"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def _answers(session: Any, survey_id: int, options: dict[int, tuple[int, str]],
                   ) -> dict[int, dict[int, list[Any]]]:
    """ballot id → question id → its values (option texts in option order, a rating, a text)."""
    rows = await session.execute(
        select(Answer.ballot_id, Answer.question_id, Answer.option_id, Answer.rating,
               Answer.text).join(Ballot, Ballot.id == Answer.ballot_id)
        .where(Ballot.survey_id == survey_id).order_by(Answer.ballot_id, Answer.id))
    found: dict[int, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for ballot_id, question_id, option_id, rating, text in rows:
        value = options[option_id] if option_id is not None else (
            (0, rating) if rating is not None else (0, text))
        found[ballot_id][question_id].append(value)
    return found


async def _named(session: Any, survey: Survey, timezone: str, chinese: bool,
                 ) -> list[tuple[int, list[Any]]]:
    """(ballot id, [household, respondent, source, time]) of a named survey's ballots."""
    respondent, recorder = aliased(User), aliased(User)
    rows = (await session.execute(
        select(Ballot.id, Ballot.source, Ballot.at, Household.floor_id, Household.room,
               respondent.first_name, recorder.first_name)
        .outerjoin(Participation, and_(Participation.survey_id == Ballot.survey_id,
                                       Participation.respondent_key == Ballot.ballot_key))
        .outerjoin(Household, Household.id == Participation.household_id)
        .outerjoin(respondent, respondent.id == Participation.user_id)
        .outerjoin(recorder, recorder.id == Participation.recorded_by)
        .where(Ballot.survey_id == survey.id))).all()
    # One query loads every unit; while `units` holds them, label_of reads the identity map.
    units = {u.id: u for u in (await session.execute(
        select(Unit).where(Unit.community_id == survey.community_id))).scalars()}
    labels = {floor_id: await label_of(session, units[floor_id])
              for floor_id in {r.floor_id for r in rows if r.floor_id is not None}}
    zone = ZoneInfo(timezone)
    named = []
    for ballot_id, source, at, floor_id, room, name, recorder in rows:
        home = f"{labels[floor_id]} {room}" if floor_id is not None else ""
        who = DOOR_BY[chinese].format(name=recorder or "?") if source == "door" else name or ""
        named.append((ballot_id, [home, who, SOURCES[chinese].get(source, source),
                                  at.astimezone(zone).strftime("%Y-%m-%d %H:%M")]))
    named.sort(key=lambda r: (r[1][0], r[1][3]))
    return named


async def _anonymous(session: Any, survey_id: int, chinese: bool,
                     ) -> list[tuple[int, list[Any]]]:
    rows = await session.execute(select(Ballot.id, Ballot.source)
                                 .where(Ballot.survey_id == survey_id)
                                 .order_by(Ballot.ballot_key))
    return [(ballot_id, [number, SOURCES[chinese].get(source, source)])
            for number, (ballot_id, source) in enumerate(rows, 1)]


async def export_survey(uow: UnitOfWork, user_id: int, survey_id: int, fmt: str,
                        chinese: bool = False) -> tuple[str, bytes]:
    """The survey's ballots as (file name, bytes); headers in Chinese when `chinese`."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("unsupported_file", filename=fmt)
    async with uow(readonly=True):
        session = uow.session
        survey = await load_survey(session, survey_id)
        if survey.creator_id != user_id and not await has_role(
                session, user_id, survey.community_id, None, MANAGERS):
            raise NotPermitted("not_creator")
        questions = await surveys_repo.questions_of(session, survey_id)
        options = {o.id: (o.position, o.text) for _q, opts in questions for o in opts}
        answers = await _answers(session, survey_id, options)
        if survey.anonymous:
            people = await _anonymous(session, survey_id, chinese)
            header = [HEADERS[chinese][0], HEADERS[chinese][3]]
        else:
            timezone = await session.scalar(select(Community.timezone).where(
                Community.id == survey.community_id))
            people = await _named(session, survey, timezone, chinese)
            header = list(HEADERS[chinese][1:])
        day = uow.now().strftime("%Y%m%d")
    header += [f"{n}. {q.text}" for n, (q, _opts) in enumerate(questions, 1)]
    rows = []
    for ballot_id, identity in people:
        given = answers.get(ballot_id, {})
        rows.append(identity + [_cell(sorted(given.get(q.id, []))) for q, _opts in questions])
    data = csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(header, rows)
    return f"survey-{survey_id}-{day}.{fmt}", data


def _cell(values: list[tuple[int, Any]]) -> Any:
    if len(values) == 1:
        return values[0][1]
    return "; ".join(str(v) for _position, v in values)


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM (Excel on Chinese Windows); a cell that starts like a formula gets
    a leading apostrophe, as OWASP advises against CSV injection."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in [header, *rows]:
        writer.writerow([f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START)
                         else v for v in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """One sheet; ratings stay numbers, and text starting with "=" is stored as text."""
    from openpyxl import Workbook  # imported on first export: ~20 MB a process otherwise
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("sheet1")
    for row in [header, *rows]:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and cell.data_type == "f":
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
