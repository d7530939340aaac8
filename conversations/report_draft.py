"""The steps of /report (conversations/report_issue, report_place) and the draft they fill
in the flow's data, read back as the services' `ReportDraft`."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup

from bot.services.reports import ReportDraft


class Report(StatesGroup):
    category = State()
    description = State()
    similar = State()
    photos = State()
    place = State()
    location = State()
    urgent = State()
    summary = State()


def draft_of(data: dict) -> ReportDraft:
    return ReportDraft(category_id=int(data["category_id"]), description=data["description"],
                       household_id=int(data["household_id"]), place=data["place"],
                       photos=tuple(data["photos"]), latitude=data.get("latitude"),
                       longitude=data.get("longitude"), urgent=data["urgent"],
                       shared=data["shared"])
