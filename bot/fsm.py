"""aiogram FSM storage backed by our `flow_states` table, so a conversation survives a
restart.

Reads are served from a write-through cache of recent keys: every update reads its state,
and in one process (the database storage's deployment; several processes use Redis) the
cache always holds what was last written. A key not in the cache is read with the update's
first statement (see `InboxMiddleware`), which hands it over with `prime`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StorageKey

from bot.domain.clock import Clock
from storage import Database, flow_repo

CACHE_SIZE = 10_000


class DatabaseStorage(BaseStorage):
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        self._cache: OrderedDict[str, tuple[str | None, dict[str, Any]]] = OrderedDict()

    def _key(self, key: StorageKey) -> str:
        return self._keys.build(key)

    async def _load(self, key: str) -> tuple[str | None, dict[str, Any]]:
        found = self._cache.get(key)
        if found is None:
            found = await flow_repo.load(self._db, key)
            self._remember(key, found)
        else:
            self._cache.move_to_end(key)
        return found

    def _remember(self, key: str, value: tuple[str | None, dict[str, Any]]) -> None:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def uncached_key(self, key: StorageKey) -> str | None:
        """The row key to read along with the update's first statement, or None when the
        cache already knows it."""
        name = self._key(key)
        return None if name in self._cache else name

    def prime(self, name: str, value: tuple[str | None, dict[str, Any]]) -> None:
        """Takes a row read elsewhere; what the cache holds meanwhile is at least as new
        (every write goes through it), so it wins."""
        if name not in self._cache:
            self._remember(name, value)

    async def set_state(self, key: StorageKey, state: str | State | None = None) -> None:
        value = state.state if isinstance(state, State) else state
        name = self._key(key)
        _, data = await self._load(name)
        await flow_repo.save(self._db, name, self._clock.now(), state=value)
        self._remember(name, (value, data))

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self._load(self._key(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        name = self._key(key)
        state, _ = await self._load(name)
        await flow_repo.save(self._db, name, self._clock.now(), data=dict(data))
        self._remember(name, (state, dict(data)))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._load(self._key(key))
        return dict(data)

    async def close(self) -> None:
        """The database is closed by its owner, not by the FSM."""
