"""Telegram's flood limits as enforced by the fake Bot API server, plus a manual test clock.

Telegram documents (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this)
about 30 messages per second overall, 20 messages per minute to one group, and about one message
per second to one chat (short bursts are tolerated). Breaking them yields
``429 Too Many Requests: retry after N``. :class:`RateLimiter` reproduces this deterministically
on an injectable clock; a refused call consumes no quota.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["FakeClock", "Limits", "RateLimiter"]

Clock = Callable[[], float]


@dataclass(frozen=True)
class Limits:
    """Send limits of the fake server (defaults: Telegram's documented ones)."""

    global_per_second: int = 30  # sends in any sliding 1 s window, all chats together
    group_per_minute: int = 20  # sends to one group (chat id < 0) in any sliding 60 s window
    chat_per_second: float = 1.0  # refill rate of the per-chat token bucket
    chat_burst: int = 3  # capacity of the per-chat token bucket
    callback_answer_timeout: float | None = 15.0  # answerCallbackQuery later -> "query is too old"
    enabled: bool = True

    @classmethod
    def off(cls) -> Limits:
        """No flood limits and no callback-answer deadline."""
        return cls(enabled=False, callback_answer_timeout=None)


class FakeClock:
    """A monotonic clock that only moves when told to: ``clock.advance(1.5)``."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("a monotonic clock cannot go back")
        self.now += seconds
        return self.now


class RateLimiter:
    """Sliding windows (global, per group) and a token bucket per chat."""

    def __init__(self, limits: Limits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self._global: deque[float] = deque()
        self._groups: dict[int | str, deque[float]] = {}
        self._buckets: dict[int | str, tuple[float, float]] = {}  # chat -> (tokens, at)

    def acquire(self, chat_id: int | str) -> int | None:
        """Record a send to ``chat_id`` and return None, or return retry_after (s) if refused."""
        if not self.limits.enabled:
            return None
        now = self.clock()
        waits = [self._window_wait(self._global, now, 1.0, self.limits.global_per_second)]
        group = _is_group(chat_id)
        if group:
            window = self._groups.setdefault(chat_id, deque())
            waits.append(self._window_wait(window, now, 60.0, self.limits.group_per_minute))
        tokens = self._tokens(chat_id, now)
        if tokens < 1.0:
            waits.append((1.0 - tokens) / self.limits.chat_per_second)
        wait = max(waits)
        if wait > 0:
            return max(1, math.ceil(wait - 1e-9))
        self._global.append(now)
        if group:
            self._groups[chat_id].append(now)
        self._buckets[chat_id] = (tokens - 1.0, now)
        return None

    def _tokens(self, chat_id: int | str, now: float) -> float:
        burst = float(self.limits.chat_burst)
        tokens, at = self._buckets.get(chat_id, (burst, now))
        return min(burst, tokens + (now - at) * self.limits.chat_per_second)

    @staticmethod
    def _window_wait(window: deque[float], now: float, span: float, limit: int) -> float:
        """Seconds until one more event fits in a sliding window of ``span`` seconds."""
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) < limit:
            return 0.0
        return window[len(window) - limit] + span - now


def _is_group(chat_id: int | str) -> bool:
    return isinstance(chat_id, str) or chat_id < 0
