"""Puts the routers together. Order matters: commands that leave a flow come first, then the
conversations, then the catch-all that answers stale buttons and stray messages."""

from __future__ import annotations

from aiogram import Router

import conversations
import handlers


def build_router() -> Router:
    root = Router(name="root")
    root.include_routers(handlers.make_router(), conversations.make_router(),
                         handlers.make_fallback_router())
    return root
