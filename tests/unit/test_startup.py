"""Start-up against a Bot API it can't use: one line for the operator, a non-zero exit, no
traceback — in polling and in webhook mode."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import pytest

from tests.fakes.telegram_server import FakeTelegramServer

TOKEN = "123456789:AAE-startup-SECRET"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run_bot(workdir: Path, api_url: str, *, webhook: bool = False) -> tuple[int, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(workdir), "TELEGRAM_BOT_TOKEN": TOKEN,
           "TELEGRAM_API_URL": api_url, "PYTHONPATH": str(Path(__file__).parents[2])}
    if webhook:
        env.update(WEBHOOK_URL="https://example.invalid", WEBHOOK_SECRET="s3cret",
                   WEBHOOK_LISTEN=f"127.0.0.1:{free_port()}")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=workdir, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, stderr.decode()


def assert_one_line(stderr: str, *words: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in lines[0], stderr
    assert TOKEN.split(":")[1] not in stderr


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_an_unreachable_bot_api_stops_the_start_with_one_line(tmp_path, webhook):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    code, stderr = await run_bot(tmp_path, url, webhook=webhook)
    assert code == 1
    assert_one_line(stderr, f"Cannot reach the Bot API at {url}", "TELEGRAM_API_URL")


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_a_refused_token_stops_the_start_with_one_line(tmp_path, webhook):
    async with FakeTelegramServer("987654321:AAE-another-bot") as server:
        code, stderr = await run_bot(tmp_path, server.base_url, webhook=webhook)
        assert [call.status for call in server.calls] == [401]
    assert code == 1
    assert_one_line(stderr, "Telegram refused the token (401)", "TELEGRAM_BOT_TOKEN")
    assert not (tmp_path / "data").exists()  # stopped before touching the database
