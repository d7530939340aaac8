"""Benchmark of one message fanned out to many groups through the outbox.

Enqueues one `daily_digest` outbox row for each of `--groups` (default 1,000; `--quick`: 100)
groups in an SQLite file, then runs the real OutboxSender, the real Pacer at `--rate`
(SEND_RATE, default 25/s) and a real aiogram Bot over HTTP (AiohttpSession) against the fake
Bot API server started in this process with Telegram's limits on (30/s overall, 20/min per
group, a per-chat bucket; a send over a limit answers 429). Everything is wired by `build_app`,
so the pacer sits on the Bot session exactly as in production. It waits until every row is
'sent'.

Printed: wall time; the floor groups / SEND_RATE and the ratio (target ≤ 1.1); 429 answers
(target 0); messages the server delivered (must equal the groups, none twice); resident
memory (VmRSS, and the peak VmHWM, from /proc) of this process, which also runs the fake
server and holds the 1,000 groups' rows (bench/dispatch.py measures a bot process alone).

    /work/venv/bin/python bench/fanout.py [--groups N | --quick] [--rate R]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `tests.fakes`

import bot as _zhongyi  # noqa: E402,F401,I001 - first, as `python -m bot` (bot/lazy_models.py)
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.support import memory_mb, verdict
from bot.app import build_app
from bot.config import Settings
from bot.domain.clock import SystemClock
from bot.ui.render import render
from storage import Database, UnitOfWork, outbox_repo
from storage.migrate import upgrade
from tests.fakes.telegram_server import FakeTelegramServer, Limits

TOKEN = "123456:BENCH-TOKEN-abcdefghijklmnop"
FIRST_GROUP = -1001_000_000_000
TARGET_RATIO = 1.1
POLL = 0.05  # seconds between checks of the outbox; bounds the error of the wall time


async def enqueue(db: Database, chat_ids: list[int]) -> dict[str, object]:
    """One digest per group, in one transaction, as a service would write them."""
    clock = SystemClock()
    now = clock.now()
    params: dict[str, object] = {"community": "幸福里", "day": now.isoformat(),
                                 "timezone": "Asia/Shanghai", "groups_active": 3,
                                 "groups_inactive": 0}
    async with UnitOfWork(db, clock) as uow:
        for chat_id in chat_ids:
            outbox_repo.enqueue(uow.session, chat_id=chat_id, kind="daily_digest",
                                params=params, now=now)
        await uow.commit()
    return params


async def wait_all_sent(db: Database, n: int, limit: float) -> dict[str, int]:
    deadline = time.perf_counter() + limit
    while True:
        counts = await outbox_repo.counts(db)
        if counts.get(outbox_repo.SENT, 0) >= n or time.perf_counter() > deadline:
            return counts
        await asyncio.sleep(POLL)


async def run(groups: int, rate: float, limit: float) -> None:
    chat_ids = [FIRST_GROUP - i for i in range(groups)]
    with tempfile.TemporaryDirectory(prefix="zhongyi-fanout-") as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/zhongyi.sqlite3")
        await upgrade(db)
        server = await FakeTelegramServer(TOKEN, limits=Limits()).start()
        try:
            for index, chat_id in enumerate(chat_ids):
                server.group(chat_id, f"幸福里 {index + 1} 号楼")
                server.set_member(chat_id, server.bot.id, "member")
            settings = Settings(telegram_bot_token=TOKEN, telegram_api_url=server.base_url,
                                send_rate=rate, _env_file=None)
            session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
            app = build_app(settings, SystemClock(), session=session, db=db)
            params = await enqueue(db, chat_ids)
            render(app.i18n, "daily_digest", params, settings.default_locale)  # fails loudly
            print(f"{groups} digests enqueued; sending at SEND_RATE={rate:g}/s "
                  f"(fake Telegram at {server.base_url}, limits on)")

            started = time.perf_counter()
            sender = asyncio.create_task(app.sender.run(), name="outbox")
            counts = await wait_all_sent(db, groups, limit)
            wall = time.perf_counter() - started
            await app.sender.stop()
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            await app.bot.session.close()
            report(server, counts, groups, rate, wall)
        finally:
            await server.stop()
            await db.dispose()


def report(server: FakeTelegramServer, counts: dict[str, int], groups: int, rate: float,
           wall: float) -> None:
    delivered = Counter(message["chat"]["id"] for message in server.sent())
    twice = sum(1 for n in delivered.values() if n > 1)
    floor = groups / rate
    ratio = wall / floor
    rss, peak = memory_mb()
    sent = counts.get(outbox_repo.SENT, 0)
    print()
    print(f"outbox rows           {dict(sorted(counts.items()))}")
    print(f"wall time             {wall:8.2f} s   (until every row was 'sent')")
    print(f"floor {groups}/{rate:g}       {floor:8.2f} s")
    print(f"ratio                 {ratio:8.3f}     target <= {TARGET_RATIO}  "
          f"{verdict(ratio <= TARGET_RATIO and sent == groups)}")
    print(f"429 answers           {server.count_429:8d}     target 0     "
          f"{verdict(server.count_429 == 0)}")
    ok = sum(delivered.values()) == groups and twice == 0 and set(delivered) == set(
        FIRST_GROUP - i for i in range(groups))
    print(f"delivered             {sum(delivered.values()):8d}     to {len(delivered)} groups, "
          f"{twice} twice; must be {groups}, none twice  {verdict(ok)}")
    print(f"sendMessage calls     {len(server.calls_of('sendMessage')):8d}     "
          f"(429 answers included)")
    print(f"calls refused (4xx)   {len(server.errors):8d}")
    print(f"RSS                   {rss:8.1f} MB  (peak {peak:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=1000, help="groups to send to")
    parser.add_argument("--quick", action="store_true", help="100 groups, for a fast run")
    parser.add_argument("--rate", type=float, default=25.0, help="SEND_RATE, messages/s")
    parser.add_argument("--timeout", type=float, help="seconds to wait (default 3x floor+30)")
    args = parser.parse_args()
    groups = 100 if args.quick else args.groups
    timeout = args.timeout or 3 * groups / args.rate + 30
    asyncio.run(run(groups, args.rate, timeout))


if __name__ == "__main__":
    main()
