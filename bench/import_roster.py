"""Benchmark: importing a roster of 2,000 households (1 compound, 20 buildings × 2 entrances
× 25 floors × 2 rooms) through the services — stage (parse, check, preview, draft) and
apply — then re-importing it with every tenth area edited, and that file again as XLSX
(nothing to change), on an SQLite file and on PostgreSQL. The issue's target is ≤ 5 s
per import (stage + apply) on each database.

Run: python bench/import_roster.py   (ZHONGYI_TEST_PG overrides the PostgreSQL URL)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from bench.support import postgres_schema, postgres_unreachable
from bot.domain.clock import FrozenClock
from bot.domain.roster_files import parse_csv, write_xlsx
from bot.services.communities import create_community
from bot.services.roster_import import apply_import, stage_import
from storage import Database, UnitOfWork
from storage.migrate import upgrade

TARGET_SECONDS = 5.0
ADMIN = 1


def roster_csv(edited: bool = False) -> bytes:
    """2,000 households; `edited` changes the area of every tenth one."""
    lines = ["compound,building,entrance,floor,room,area,owner_key"]
    n = 0
    for building in range(1, 21):
        for entrance in (1, 2):
            for floor in range(1, 26):
                for room in (1, 2):
                    n += 1
                    area = 80 + room + (0.5 if edited and n % 10 == 0 else 0)
                    lines.append(f"幸福小区,{building}号楼,{entrance}单元,{floor},"
                                 f"{floor}0{room},{area},O-{building}-{entrance}-{floor}")
    return "\n".join(lines).encode()


async def timed(step: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await step()
    return time.perf_counter() - start, result


async def run(name: str, db: Database) -> None:
    await upgrade(db)
    clock = FrozenClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    community = await create_community(
        UnitOfWork(db, clock), creator_id=ADMIN, bootstrap_admins=frozenset({ADMIN}),
        name="Bench", timezone="Asia/Shanghai", locale="zh_CN", daily_time="08:00")
    edited = roster_csv(edited=True)
    header, *rows = parse_csv(edited)
    as_xlsx = write_xlsx(header, rows)
    runs = (("import", "roster.csv", roster_csv()), ("re-import", "roster.csv", edited),
            ("same xlsx", "roster.xlsx", as_xlsx))
    for label, filename, data in runs:
        stage_s, preview = await timed(lambda filename=filename, data=data: stage_import(
            UnitOfWork(db, clock), ADMIN, community.id, filename, data))
        apply_s, result = await timed(lambda preview=preview: apply_import(
            UnitOfWork(db, clock), ADMIN, preview.import_id))
        total = stage_s + apply_s
        verdict = "ok" if total <= TARGET_SECONDS else f"SLOWER than {TARGET_SECONDS:.0f} s"
        print(f"{name:<10} {label:<9} households={preview.summary.households} "
              f"new={result.new} updated={result.updated} stage={stage_s:.2f}s "
              f"apply={apply_s:.2f}s total={total:.2f}s {verdict}")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        try:
            await run("sqlite", db)
        finally:
            await db.dispose()
    reason = await postgres_unreachable()
    if reason:
        print(f"postgresql skipped: {reason}")
        return
    async with postgres_schema() as db:
        await run("postgresql", db)


if __name__ == "__main__":
    asyncio.run(main())
