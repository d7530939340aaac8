"""Multi-step flows, one module each with a `make_router()`; state lives in the FSM storage
(our database table or Redis), so a flow survives a restart."""

from aiogram import Router

from conversations import (
    answer_survey,
    case_answer,
    case_note,
    create_meeting,
    create_motion,
    create_poll,
    create_survey,
    decision_progress,
    door_to_door,
    edit_categories,
    edit_roster,
    import_roster,
    join_household,
    manage_roles,
    meeting_minutes,
    new_community,
    report_issue,
)


def make_router() -> Router:
    router = Router(name="conversations")
    router.include_routers(new_community.make_router(), join_household.make_router(),
                           manage_roles.make_router(), edit_roster.make_router(),
                           import_roster.make_router(), answer_survey.make_router(),
                           door_to_door.make_router(), create_survey.make_router(),
                           create_poll.make_router(), report_issue.make_router(),
                           case_note.make_router(), case_answer.make_router(),
                           edit_categories.make_router(),
                           create_motion.make_router(), create_meeting.make_router(),
                           meeting_minutes.make_router(), decision_progress.make_router())
    return router


__all__ = ["make_router"]
