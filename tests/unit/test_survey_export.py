"""The committee's export of a survey: one row per ballot; a named survey shows the
household and who answered (or who recorded it at the door); an anonymous one shows no
household, person or time, in CSV as in XLSX; residents without a role are refused; and a
resident's text never runs as a spreadsheet formula — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from bot.domain.roster_files import parse_csv, parse_xlsx
from bot.domain.surveys import AnswerValue, Audience, QuestionDraft, QuestionKind, SurveyDraft
from bot.services.answering import submit_answers, submit_door_answers
from bot.services.errors import NotPermitted
from bot.services.roles_admin import grant_role
from bot.services.survey_close import close_survey
from bot.services.survey_export import export_survey
from bot.services.surveys import get_survey, publish_survey
from storage import UnitOfWork
from tests.builders import make_resident, make_roster, make_user

ADMIN, CONTACT, LI, ZHAO = 1, 2, 11, 13
QUESTIONS = (QuestionDraft(QuestionKind.SINGLE, "同意加装电梯吗？", ("同意", "不同意")),
             QuestionDraft(QuestionKind.MULTI, "最关心什么？", ("费用", "噪音", "采光"),
                           required=False),
             QuestionDraft(QuestionKind.RATING, "对物业满意吗？", required=False),
             QuestionDraft(QuestionKind.TEXT, "其他意见", required=False))
TIME = re.compile(r"\d{4}-\d\d-\d\d|\d\d:\d\d")


@pytest.fixture
async def world(db, clock):
    roster = await make_roster(db, clock, admin_id=ADMIN, floors=2, rooms=2)
    await make_resident(db, clock, LI, roster.homes["101"], "owner", name="李阿姨")
    await make_resident(db, clock, ZHAO, roster.homes["102"], "tenant", name="赵先生")
    await make_user(db, clock, CONTACT, "王联络")
    await grant_role(UnitOfWork(db, clock), actor_id=ADMIN, community_id=roster.community_id,
                     user_id=CONTACT, role="floor_contact", unit_id=roster.floors["2"])
    return roster


async def survey_with_answers(db, clock, roster, *, anonymous: bool) -> int:
    """李阿姨 and 赵先生 answer themselves; the contact records 201 at the door."""
    uow = UnitOfWork(db, clock)
    published = await publish_survey(uow, creator_id=ADMIN, community_id=roster.community_id,
                                     draft=SurveyDraft(
        title="加装电梯意见征集", questions=QUESTIONS, scope_unit_ids=(roster.building_id,),
        audience=Audience.RESIDENTS, deadline=clock.now() + timedelta(days=3),
        anonymous=anonymous))
    q = (await get_survey(uow, published.survey_id)).questions
    yes, no = (o.id for o in q[0].options)
    cost, noise, _light = (o.id for o in q[1].options)
    await submit_answers(uow, user_id=LI, survey_id=published.survey_id, answers={
        q[0].id: AnswerValue(option_ids=(yes,)), q[1].id: AnswerValue(option_ids=(noise, cost)),
        q[2].id: AnswerValue(rating=4), q[3].id: AnswerValue(text="=HYPERLINK(\"x\")")})
    await submit_answers(uow, user_id=ZHAO, survey_id=published.survey_id,
                         answers={q[0].id: AnswerValue(option_ids=(no,))})
    await submit_door_answers(uow, recorder_id=CONTACT, survey_id=published.survey_id,
                              household_id=roster.homes["201"],
                              answers={q[0].id: AnswerValue(option_ids=(yes,))})
    return published.survey_id


async def test_named_export_shows_households_and_who_answered(db, clock, world):
    survey_id = await survey_with_answers(db, clock, world, anonymous=False)
    name, data = await export_survey(UnitOfWork(db, clock), ADMIN, survey_id, "csv")
    assert name == f"survey-{survey_id}-20261201.csv"
    header, *rows = parse_csv(data)
    assert header == ["household", "respondent", "source", "time", "1. 同意加装电梯吗？",
                      "2. 最关心什么？", "3. 对物业满意吗？", "4. 其他意见"]
    assert [r[:3] + r[4:] for r in rows] == [
        ["幸福小区 1号楼 1 101", "李阿姨", "self", "同意", "费用; 噪音", "4",
         "'=HYPERLINK(\"x\")"],
        ["幸福小区 1号楼 1 102", "赵先生", "self", "不同意", "", "", ""],
        ["幸福小区 1号楼 2 201", "door to door by 王联络", "door to door", "同意", "", "", ""]]
    assert rows[0][3] == "2026-12-01 09:00"  # the community's time (Asia/Shanghai)


async def test_anonymous_export_has_no_identity(db, clock, world):
    survey_id = await survey_with_answers(db, clock, world, anonymous=True)
    uow = UnitOfWork(db, clock)
    await close_survey(uow, user_id=ADMIN, survey_id=survey_id)
    _name, data = await export_survey(uow, ADMIN, survey_id, "csv", chinese=True)
    _name, book = await export_survey(uow, ADMIN, survey_id, "xlsx")
    for header, *rows in (parse_csv(data), parse_xlsx(book)):
        assert header[:2] in (["选票", "来源"], ["ballot", "source"])
        assert len(rows) == 3
        assert sorted(r[0] for r in rows) == ["1", "2", "3"]
        cells = " ".join(" ".join(r) for r in rows)
        for identity in ("101", "102", "201", "李阿姨", "赵先生", "王联络", "1号楼"):
            assert identity not in cells
        assert not TIME.search(cells)
        assert sorted(r[2] for r in rows) == ["不同意", "同意", "同意"]


async def test_formulas_in_answers_stay_text_in_xlsx(db, clock, world):
    survey_id = await survey_with_answers(db, clock, world, anonymous=False)
    _name, data = await export_survey(UnitOfWork(db, clock), ADMIN, survey_id, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cell = sheet.cell(row=2, column=8)
    assert cell.value == "=HYPERLINK(\"x\")"
    assert cell.data_type == "s"
    assert sheet.cell(row=2, column=7).value == 4  # a rating stays a number


async def test_only_creator_admins_and_committee_may_export(db, clock, world):
    survey_id = await survey_with_answers(db, clock, world, anonymous=False)
    uow = UnitOfWork(db, clock)
    for user in (LI, CONTACT):  # a resident; a floor contact who did not create it
        with pytest.raises(NotPermitted):
            await export_survey(uow, user, survey_id, "csv")
    await make_user(db, clock, 20, "Committee")
    await grant_role(uow, actor_id=ADMIN, community_id=world.community_id, user_id=20,
                     role="residents_committee", unit_id=None)
    _name, data = await export_survey(uow, 20, survey_id, "xlsx")
    assert len(parse_xlsx(data)) == 4
