"""Benchmark of incoming updates through the real Dispatcher and the real database.

Each update is a `/start` from a new private user, fed to the aiogram Dispatcher that
`build_app` wires (inbox, locale and FSM middlewares, the real routers): the handler records
the user (`register_user`, one write transaction with the inbox row), clears the flow state
and replies. Replies go to a session that answers at once and a pacer with no practical limit,
so neither Telegram nor pacing is measured — only the bot and its database.

Measured, on an SQLite file and on PostgreSQL (skipped with a reason when unreachable):

* throughput: N updates (`--updates`, default 2,000) in flight at most `--concurrency` (100)
  at a time, as polling with `handle_as_tasks` runs them → updates/s, and the CPU time of the
  process per update (all threads; other load on the machine moves it far less);
* latency at a fixed offered load: `--rate` (100) updates/s for `--seconds` (10), arrivals on
  a timer, each measured from its scheduled arrival to the end of its handling → p50/p99 ms;
* the floor: a bare Dispatcher with a no-op handler, measured the same way in the same run;
* resident memory of a bot process: a child process that imports what `python -m bot`
  imports, in the same order, and runs only the bot (SQLite) through the same load — its
  VmRSS at the end and its peak VmHWM, from /proc. (This process also holds the floor's
  Dispatcher and both databases' engines; its own figure is printed beside.)

Updates are built from their JSON as each arrives, as polling does, and at most
`--concurrency` are in flight.

Targets: ≥ 300 DB-writing updates/s on SQLite; p99 ≤ 100 ms at 100 updates/s;
RSS ≤ 150 MB.

    /work/venv/bin/python bench/dispatch.py [--updates N] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

import bot as _zhongyi  # noqa: E402,F401,I001 - first, as `python -m bot` (bot/lazy_models.py)
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import func, select

from bench.support import memory_mb, postgres_schema, postgres_unreachable, verdict
from bot.app import build_app
from bot.config import Settings
from bot.domain.clock import SystemClock
from bot.pacer import Pacer
from storage import Database
from storage.migrate import upgrade
from storage.models import InboxEntry
from storage.models import User as UserRow

TOKEN = "123456:BENCH-TOKEN-abcdefghijklmnop"
BOT_USER = User(id=123456, is_bot=True, first_name="Zhongyi", username="zhongyi_bench_bot")
TARGET_UPDATES_PER_S = 300.0
TARGET_P99_MS = 100.0
TARGET_RSS_MB = 150.0
WARMUP = 50

Feed = Callable[[Update], Awaitable[Any]]


class InstantSession(BaseSession):
    """Answers every Bot API call at once; serializes the parameters like a real session."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0
        self._ids = itertools.count(1)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> Any:
        for value in method.model_dump(warnings=False).values():
            self.prepare_value(value, bot=bot, files={})
        name = method.__api_method__
        if name == "getMe":
            return BOT_USER
        if name in ("sendMessage", "sendPhoto", "sendDocument"):
            self.sent += 1
            chat_id = method.chat_id  # type: ignore[attr-defined]
            return Message(message_id=next(self._ids), date=datetime.now(UTC),
                           chat=Chat(id=chat_id, type="private" if chat_id > 0 else "group"),
                           from_user=BOT_USER, text=getattr(method, "text", None))
        return True

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncIterator[bytes]:
        raise NotImplementedError
        yield b""  # pragma: no cover

    async def close(self) -> None:
        return None


class Ids:
    """Distinct user and update ids for the whole run, so every update writes its own row."""

    def __init__(self) -> None:
        self.users = itertools.count(10_000_001)
        self.updates = itertools.count(1)

    def starts(self, n: int, bot: Bot) -> Iterator[Update]:
        """`/start` from n new private users, each parsed when it is taken, mounted on
        `bot` like polling's updates."""
        for _ in range(n):
            user_id, update_id = next(self.users), next(self.updates)
            message = {
                "message_id": update_id, "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": f"居民{user_id}"},
                "from": {"id": user_id, "is_bot": False, "first_name": f"居民{user_id}",
                         "language_code": "zh-hans"},
                "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            }
            yield Update.model_validate({"update_id": update_id, "message": message},
                                        context={"bot": bot})


@dataclass
class Result:
    backend: str
    updates_per_s: float
    cpu_ms: float
    p50_ms: float
    p99_ms: float
    failures: int
    note: str = ""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def throughput(feed: Feed, updates: Iterator[Update],
                     concurrency: int) -> tuple[float, float, int]:
    """Updates/s with at most `concurrency` in flight, CPU ms per update (all threads of
    the process: a figure that other load on the machine barely moves) and failures."""
    handled = failed = 0

    async def worker() -> None:
        nonlocal handled, failed
        for update in updates:
            try:
                await feed(update)
            except Exception:  # counted: a failed update is a figure of this bench
                failed += 1
            handled += 1

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return handled / elapsed, cpu * 1000 / handled, failed


async def latency(feed: Feed, updates: Iterator[Update],
                  rate: float) -> tuple[list[float], int]:
    """Feeds one update every 1/rate s; each latency runs from its scheduled arrival, so a
    backlog shows up as latency instead of slowing the arrivals down."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    latencies: list[float] = []

    async def one(update: Update, due: float) -> None:
        await feed(update)
        latencies.append((loop.time() - due) * 1000)

    tasks = []
    for index, update in enumerate(updates):
        due = start + index / rate
        if (delay := due - loop.time()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(update, due)))
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    return latencies, sum(isinstance(o, BaseException) for o in outcomes)


async def measure(name: str, dp: Dispatcher, bot: Bot, ids: Ids,
                  args: argparse.Namespace, profile: cProfile.Profile | None = None) -> Result:
    async def feed(update: Update) -> Any:
        return await dp.feed_update(bot, update)

    await throughput(feed, ids.starts(WARMUP, bot), args.concurrency)
    batch = ids.starts(args.updates, bot)
    if profile is not None:
        profile.enable()
    rate, cpu_ms, failed = await throughput(feed, batch, args.concurrency)
    if profile is not None:
        profile.disable()
    lat, failed_lat = await latency(feed, ids.starts(int(args.rate * args.seconds), bot),
                                    args.rate)
    return Result(name, rate, cpu_ms, percentile(lat, 50), percentile(lat, 99),
                  failed + failed_lat)


async def bench_floor(ids: Ids, args: argparse.Namespace) -> Result:
    """The same measurements on a bare Dispatcher whose only handler does nothing."""
    dp = Dispatcher()

    async def noop(message: Message) -> None:
        return None

    dp.message.register(noop)
    bot = Bot(TOKEN, session=InstantSession())
    return await measure("floor (bare)", dp, bot, ids, args)


async def bench_app(name: str, db: Database, ids: Ids, args: argparse.Namespace) -> Result:
    session = InstantSession()
    settings = Settings(telegram_bot_token=TOKEN, _env_file=None)
    app = build_app(settings, SystemClock(), session=session, db=db,
                    pacer=Pacer(1e9, chat_per_second=1e9, chat_burst=10**9))
    profile = cProfile.Profile() if args.profile and name == "sqlite" else None
    result = await measure(name, app.dp, app.bot, ids, args, profile)
    if profile is not None:
        profile.dump_stats(args.profile)
        print(f"  (cProfile of the SQLite throughput phase written to {args.profile})")
    expected = WARMUP + args.updates + int(args.rate * args.seconds)
    async with db.reading() as check:
        users = await check.scalar(select(func.count()).select_from(UserRow))
        inbox = await check.scalar(select(func.count()).select_from(InboxEntry))
    if not users == inbox == session.sent == expected:
        result.note = (f"expected {expected} users/inbox rows/replies, "
                       f"got {users}/{inbox}/{session.sent}")
    return result


@contextlib.asynccontextmanager
async def postgres() -> AsyncIterator[Database | str]:
    """A migrated database in a fresh schema, dropped at the end; or why there is none."""
    reason = await postgres_unreachable()
    if reason:
        yield f"PostgreSQL {reason}"
        return
    async with postgres_schema() as db:
        await upgrade(db)
        yield db


def bare_aiogram_rss() -> float | None:
    """VmRSS (MB) of a fresh interpreter that only imports aiogram, as aiogram builds its
    models at import when nothing defers them (aiogram#1513)."""
    code = ("import aiogram, pathlib; print([l.split()[1] for l in pathlib.Path("
            "'/proc/self/status').read_text().splitlines() if l.startswith('VmRSS')][0])")
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=120, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return int(out.strip()) / 1024


def bot_process_rss(args: argparse.Namespace) -> tuple[float, float, float] | None:
    """(after imports, at the end, peak) VmRSS in MB of a child process running only the
    bot on SQLite through the same load (`--bot-only`)."""
    command = [sys.executable, __file__, "--bot-only", "--updates", str(args.updates),
               "--concurrency", str(args.concurrency), "--rate", str(args.rate),
               "--seconds", str(args.seconds)]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=900,
                             check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    imported, rss, peak = json.loads(out.splitlines()[-1])
    return imported, rss, peak


async def bot_only(args: argparse.Namespace) -> None:
    imported, _ = memory_mb()
    with tempfile.TemporaryDirectory(prefix="zhongyi-bench-") as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/zhongyi.sqlite3")
        await upgrade(db)
        try:
            await bench_app("sqlite", db, Ids(), args)
        finally:
            await db.dispose()
    print(json.dumps([imported, *memory_mb()]))


def report(results: list[Result], skipped: list[str], args: argparse.Namespace,
           rss_imported: float) -> None:
    rss, peak = memory_mb()
    bare = bare_aiogram_rss()
    print()
    print(f"{'backend':<14}{'updates/s':>11}{'CPU ms/upd':>12}{'p50 ms':>10}{'p99 ms':>10}"
          f"{'failed':>8}")
    for r in results:
        print(f"{r.backend:<14}{r.updates_per_s:>11.0f}{r.cpu_ms:>12.2f}{r.p50_ms:>10.1f}"
              f"{r.p99_ms:>10.1f}{r.failures:>8}  {r.note}")
    for line in skipped:
        print(f"SKIP {line}")
    print()
    print(f"throughput: {args.updates} updates, at most {args.concurrency} in flight; "
          f"latency: {args.rate:g} updates/s offered for {args.seconds:g} s")
    rows: list[tuple[str, str, bool]] = []
    for r in results:
        if r.backend == "sqlite":
            rows.append((f"sqlite updates/s >= {TARGET_UPDATES_PER_S:.0f}",
                         f"{r.updates_per_s:.0f}", r.updates_per_s >= TARGET_UPDATES_PER_S))
        if not r.backend.startswith("floor"):
            rows.append((f"{r.backend} p99 <= {TARGET_P99_MS:.0f} ms at {args.rate:g}/s",
                         f"{r.p99_ms:.1f} ms", r.p99_ms <= TARGET_P99_MS))
    child = bot_process_rss(args)
    if child is not None:
        rows.append((f"bot process RSS <= {TARGET_RSS_MB:.0f} MB", f"{child[2]:.1f} MB",
                     child[2] <= TARGET_RSS_MB))
    print(f"{'target':<34}{'measured':>12}")
    for label, value, ok in rows:
        print(f"{label:<34}{value:>12}  {verdict(ok)}")
    print(f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
          "other processes on the machine lower updates/s and raise latency)")
    if child is not None:
        print(f"(bot process on SQLite: {child[0]:.1f} MB after imports, {child[1]:.1f} MB at "
              f"the end, peak {child[2]:.1f} MB — the figure held to the target)")
    print(f"(this process, with the floor's Dispatcher and both databases: {rss:.1f} MB at "
          f"the end, peak {peak:.1f} MB, {rss_imported:.1f} MB after imports; "
          + (f"a process that only imports aiogram, with nothing deferring its models: "
             f"{bare:.1f} MB)" if bare else "bare: n/a)"))


async def run(args: argparse.Namespace) -> None:
    rss_imported, _ = memory_mb()
    ids = Ids()
    results = [await bench_floor(ids, args)]
    skipped: list[str] = []
    backends = args.backends.split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory(prefix="zhongyi-bench-") as tmp:
            db = Database(f"sqlite+aiosqlite:///{tmp}/zhongyi.sqlite3")
            await upgrade(db)
            try:
                results.append(await bench_app("sqlite", db, ids, args))
            finally:
                await db.dispose()
    if "postgres" in backends:
        async with postgres() as db:
            if isinstance(db, str):
                skipped.append(db)
            else:
                results.append(await bench_app("postgres", db, ids, args))
    report(results, skipped, args, rss_imported)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000, help="updates for throughput")
    parser.add_argument("--concurrency", type=int, default=100, help="updates in flight")
    parser.add_argument("--rate", type=float, default=100.0, help="offered load, updates/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the load")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument("--profile", metavar="FILE",
                        help="write a cProfile of the SQLite throughput phase to FILE")
    parser.add_argument("--bot-only", action="store_true",
                        help="run only the bot on SQLite and print its memory (the child "
                             "process that measures RSS)")
    args = parser.parse_args()
    asyncio.run(bot_only(args) if args.bot_only else run(args))


if __name__ == "__main__":
    main()
