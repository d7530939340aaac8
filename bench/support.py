"""What the benchmarks share: a scratch PostgreSQL schema, the process's memory, and how a
figure is judged against its target."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text

from storage import Database

PG_URL = os.environ.get("ZHONGYI_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


async def postgres_unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    import asyncpg

    try:
        conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg", "postgresql"),
                                     timeout=5)
        await conn.close()
    except Exception as exc:  # any failure means: no server to measure
        return f"not reachable at {PG_URL} ({exc.__class__.__name__}: {exc})"
    return None


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[Database]:
    """A database in a fresh schema on the server, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield db
    finally:
        await db.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def memory_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"
