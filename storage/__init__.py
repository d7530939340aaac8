"""Persistence: SQLAlchemy models, the unit of work, queries and Alembic migrations.

Nothing here imports aiogram; everything here is called from `bot/services` (and from the
adapters in `bot/` that plug storage into aiogram and the scheduler).
"""

from storage.db import Database
from storage.uow import DuplicateUpdate, UnitOfWork

__all__ = ["Database", "DuplicateUpdate", "UnitOfWork"]
