"""Command and button handlers, one module per feature, each with a `make_router()`.

Routers are built fresh for every Dispatcher (tests run several in one process)."""

from aiogram import Router

from handlers import (
    basic,
    binding,
    case_stats,
    cases,
    decisions,
    errors,
    fallback,
    groups,
    join_review,
    language,
    meetings,
    motions,
    polls,
    profile,
    survey_admin,
)


def make_router() -> Router:
    """Every feature router. /cancel and the other commands work in any state, so this
    router is included before the conversations."""
    router = Router(name="handlers")
    router.include_routers(errors.make_router(), basic.make_router(), language.make_router(),
                           groups.make_router(), binding.make_router(),
                           join_review.make_router(), profile.make_router(),
                           polls.make_router(), survey_admin.make_router(),
                           cases.make_router(), decisions.make_router(), case_stats.make_router(),
                           motions.make_router(), meetings.make_router())
    return router


def make_fallback_router() -> Router:
    """Must be included after every other router: it answers whatever nobody handled."""
    return fallback.make_router()


__all__ = ["make_fallback_router", "make_router"]
