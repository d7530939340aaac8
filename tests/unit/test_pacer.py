"""The pacer keeps Telegram's limits: overall rate, 20 a minute per group, about one a
second per chat, and lets a direct reply overtake waiting broadcast messages."""

from __future__ import annotations

import asyncio

from bot.pacer import GROUP_WINDOW, Pacer


class VirtualTime:
    """A monotonic clock that only moves when someone sleeps (one task at a time)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def make(rate: float = 25, **kwargs: object) -> tuple[Pacer, VirtualTime]:
    vt = VirtualTime()
    return Pacer(rate, monotonic=vt.monotonic, sleep=vt.sleep, **kwargs), vt


async def test_overall_rate_has_no_burst():
    pacer, vt = make(rate=25)
    stamps = []
    for chat in range(1, 101):
        await pacer.acquire(-chat, priority=False)
        stamps.append(vt.now)
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert min(gaps) >= 0.04 - 1e-9
    assert stamps[-1] - stamps[0] < 99 * 0.04 + 0.01


async def test_group_gets_at_most_twenty_a_minute():
    pacer, vt = make(rate=30, chat_per_second=100, chat_burst=100)
    stamps = []
    for _ in range(40):
        await pacer.acquire(-5, priority=False)
        stamps.append(vt.now)
    for i in range(20, 40):
        assert stamps[i] - stamps[i - 20] >= GROUP_WINDOW
    assert pacer.busy_chats(horizon=1.0) == {-5}


async def test_private_chat_about_one_per_second_after_a_small_burst():
    pacer, vt = make(rate=30)
    stamps = []
    for _ in range(6):
        await pacer.acquire(7, priority=False)
        stamps.append(vt.now)
    assert stamps[1] - stamps[0] < 0.1
    assert stamps[5] - stamps[2] >= 3 - 1e-6


async def test_retry_after_blocks_the_chat():
    pacer, vt = make(rate=30)
    pacer.penalize(-9, 12)
    start = vt.now
    await pacer.acquire(-9, priority=True)
    assert vt.now - start >= 12


async def test_priority_reply_overtakes_waiting_broadcast():
    pacer = Pacer(20)  # real time: 50 ms a slot
    order: list[str] = []

    async def send(name: str, chat: int, priority: bool) -> None:
        await pacer.acquire(chat, priority=priority)
        order.append(name)

    broadcast = [asyncio.create_task(send(f"b{i}", -100 - i, False)) for i in range(6)]
    await asyncio.sleep(0.01)
    reply = asyncio.create_task(send("reply", 55, True))
    await asyncio.gather(reply, *broadcast)
    assert order.index("reply") <= 2


async def test_idle_chats_are_forgotten():
    pacer, vt = make(rate=30)
    for chat in range(1, 51):
        await pacer.acquire(chat, priority=False)
    vt.now += 61
    await pacer.acquire(-1, priority=False)
    assert pacer.busy_chats() == set()
    assert set(pacer._chats) == {-1}
