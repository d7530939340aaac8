"""aiogram FSM storage backed by our `flow_states` table, so a conversation survives a
restart and is shared by every process on the same database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StorageKey

from bot.domain.clock import Clock
from storage import Database, flow_repo


class DatabaseStorage(BaseStorage):
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self._keys.build(key)

    async def set_state(self, key: StorageKey, state: str | State | None = None) -> None:
        value = state.state if isinstance(state, State) else state
        await flow_repo.save(self._db, self._key(key), self._clock.now(), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await flow_repo.load(self._db, self._key(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await flow_repo.save(self._db, self._key(key), self._clock.now(), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await flow_repo.load(self._db, self._key(key))
        return data

    async def close(self) -> None:
        """The database is closed by its owner, not by the FSM."""
