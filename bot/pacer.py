"""One pacer for every message the bot sends, so broadcasts keep to Telegram's limits and a
direct reply is never stuck behind them.

Limits kept: `rate` messages per second overall (no bursts), 20 per minute in a group, and
about one per second in any chat (a bucket of two). A direct reply (the priority lane) takes
the next free global slot before any waiting broadcast message does.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

#: Which lane the current task sends on: handlers default to the priority lane; the outbox
#: sender sets "bulk" in its own tasks.
LANE: contextvars.ContextVar[str] = contextvars.ContextVar("zhongyi_lane", default="priority")

GROUP_WINDOW = 60.0
MARGIN = 0.25  # seconds of slack against clock and network jitter


@dataclass
class _ChatState:
    tokens: float
    updated: float
    blocked_until: float = 0.0
    recent: deque[float] = field(default_factory=deque)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Pacer:
    def __init__(
        self, rate: float, *, group_per_minute: int = 20, chat_per_second: float = 1.0,
        chat_burst: int = 2, monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate
        self._group_limit = group_per_minute
        self._chat_rate = chat_per_second
        self._chat_burst = chat_burst
        self._now = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._priority_waiting = 0
        self._chats: dict[int, _ChatState] = {}

    def _chat(self, chat_id: int) -> _ChatState:
        state = self._chats.get(chat_id)
        if state is None:
            state = _ChatState(tokens=float(self._chat_burst), updated=self._now())
            self._chats[chat_id] = state
        return state

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until this chat may receive another message (0 when it may now)."""
        state = self._chats.get(chat_id)
        if state is None:
            return 0.0
        now = self._now()
        waits = [state.blocked_until - now]
        tokens = min(self._chat_burst, state.tokens + (now - state.updated) * self._chat_rate)
        if tokens < 1:
            waits.append((1 - tokens) / self._chat_rate)
        if chat_id < 0:
            while state.recent and state.recent[0] <= now - GROUP_WINDOW - MARGIN:
                state.recent.popleft()
            if len(state.recent) >= self._group_limit:
                waits.append(state.recent[0] + GROUP_WINDOW + MARGIN - now)
        return max(0.0, *waits)

    def busy_chats(self, horizon: float = 1.0) -> set[int]:
        """Chats that cannot take a message within `horizon` seconds. Chats idle for longer
        than a group's window are forgotten on the way, so the table does not grow."""
        busy = set()
        for chat_id in list(self._chats):
            if self.chat_wait(chat_id) > horizon:
                busy.add(chat_id)
            elif self._idle(chat_id):
                del self._chats[chat_id]
        return busy

    def _idle(self, chat_id: int) -> bool:
        state = self._chats[chat_id]
        now = self._now()
        return (not state.lock.locked() and state.blocked_until <= now
                and now - state.updated > GROUP_WINDOW + MARGIN)

    def penalize(self, chat_id: int, seconds: float) -> None:
        """Holds a chat back after Telegram answered 429 with `retry_after`."""
        state = self._chat(chat_id)
        state.blocked_until = max(state.blocked_until, self._now() + seconds + MARGIN)

    async def acquire(self, chat_id: int, *, priority: bool) -> None:
        """Waits until a message to `chat_id` keeps every limit, and books it."""
        state = self._chat(chat_id)
        async with state.lock:
            # Waiting on time, not on an event: the chat's budget refills by itself.
            while (wait := self.chat_wait(chat_id)) > 0:  # noqa: ASYNC110
                await self._sleep(wait)
            await self._global_slot(priority)
            now = self._now()
            tokens = min(self._chat_burst,
                         state.tokens + (now - state.updated) * self._chat_rate)
            state.tokens, state.updated = tokens - 1, now
            if chat_id < 0:
                state.recent.append(now)

    async def _global_slot(self, priority: bool) -> None:
        if priority:
            self._priority_waiting += 1
        try:
            while True:
                now = self._now()
                free = priority or self._priority_waiting == 0
                if free and now >= self._next_slot:
                    # Keep the schedule when a wake-up is late, so the average rate holds.
                    late = now - self._next_slot < self._interval
                    self._next_slot = (self._next_slot if late else now) + self._interval
                    return
                await self._sleep(max(self._next_slot - now, self._interval / 4))
        finally:
            if priority:
                self._priority_waiting -= 1
