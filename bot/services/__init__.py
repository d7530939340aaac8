"""Use cases. Each takes plain values and a unit of work, owns its transaction and returns
frozen dataclasses. Nothing here sends or translates: messages for later go to the outbox
as a kind and its parameters."""

from bot.services.errors import InvalidInput, NotFound, NotPermitted, ServiceError
from storage import UnitOfWork

__all__ = ["InvalidInput", "NotFound", "NotPermitted", "ServiceError", "UnitOfWork"]
