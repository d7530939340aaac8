"""/poll (private chat): a one-question survey whose option buttons are posted directly in
the groups, where residents vote with one tap.

community → scope → question → options (one per line) → audience → live counts or after
closing → deadline → preview (the group post with its buttons) → Publish. Only the command
is here: the draft and its steps are the survey's (create_survey's router handles them,
branching on the draft's kind), so the two flows cannot drift apart.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.services import UnitOfWork
from conversations.create_survey import start_draft


async def cmd_poll(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Starts a poll draft."""
    await start_draft(message, state, uow, "poll")


def make_router() -> Router:
    router = Router(name="create_poll")
    router.message.filter(F.chat.type == "private")
    router.message.register(cmd_poll, Command("poll"), StateFilter("*"))
    return router
