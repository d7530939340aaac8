"""Fixtures of the end-to-end tier: fake Bot API servers (Telegram's limits on) and real bot
processes, a transcript per test, and the bot's log attached to every failure.

Starting `python -m bot` costs seconds (mostly importing aiogram), so the bots every
collected module needs are all started at once, at the beginning of the run, and each module
waits for its own. A module declares them in `BOTS` (fixture name → :class:`BotSpec`);
without it, it gets one bot named `bot` and its server, `server`. All e2e tests share the
session's event loop (`pytest.mark.asyncio(loop_scope="session")`), where the servers run.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
import pytest_asyncio

from tests.e2e.harness import BOTS, TOKEN, BotProcess, Transcript
from tests.fakes.telegram_server import FakeTelegramServer, Limits

ADMIN_EN, ADMIN_ZH, ADMIN_HELP, ADMIN_CANCEL, ADMIN_RESTART = 9001, 9002, 9003, 9004, 9005
ADMINS = (ADMIN_EN, ADMIN_ZH, ADMIN_HELP, ADMIN_CANCEL, ADMIN_RESTART)
WEBHOOK_SECRET = "s3cr3t_Token"


@dataclass(frozen=True)
class BotSpec:
    """One bot a module needs: its server's limits, extra environment, webhook mode."""

    limits: Limits = field(default_factory=Limits)
    env: dict[str, str] = field(default_factory=dict)
    webhook: bool = False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Fleet:
    """The bots of the run, keyed by (module, fixture name), each starting in a task."""

    def __init__(self) -> None:
        self.bots: dict[tuple[str, str], BotProcess] = {}
        self.starting: dict[tuple[str, str], asyncio.Task[None]] = {}

    async def add(self, key: tuple[str, str], spec: BotSpec, workdir: object) -> None:
        server = await FakeTelegramServer(TOKEN, limits=spec.limits).start()
        env = dict(spec.env)
        if spec.webhook:
            env.update(WEBHOOK_URL="https://example.invalid", WEBHOOK_SECRET=WEBHOOK_SECRET,
                       WEBHOOK_LISTEN=f"127.0.0.1:{free_port()}")
        process = BotProcess(server, workdir, admins=ADMINS, env=env, owner=key[0])
        self.bots[key] = process
        self.starting[key] = asyncio.create_task(process.start(), name=f"start {key}")

    async def ready(self, key: tuple[str, str]) -> BotProcess:
        await self.starting[key]  # raises BotDied, with the log, if it could not start
        return self.bots[key]

    async def close(self) -> None:
        for task in self.starting.values():
            task.cancel()
        await asyncio.gather(*self.starting.values(), return_exceptions=True)
        await asyncio.gather(*(p.kill() for p in self.bots.values() if p.running))
        for process in self.bots.values():
            await process.server.stop()


def _specs(module: object) -> dict[str, BotSpec]:
    return getattr(module, "BOTS", {"bot": BotSpec()})


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def fleet(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                ) -> AsyncIterator[Fleet]:
    """Starts, all together, the bots of every collected e2e module."""
    fleet = Fleet()
    modules = {item.module for item in request.session.items
               if item.get_closest_marker("e2e") and isinstance(item, pytest.Function)}
    for module in sorted(modules, key=lambda m: m.__name__):
        for name, spec in _specs(module).items():
            short = module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
            await fleet.add((module.__name__, name), spec,
                            tmp_path_factory.mktemp(f"{short}-{name}"))
    yield fleet
    await fleet.close()


async def module_bot(fleet: Fleet, request: pytest.FixtureRequest,
                     name: str) -> AsyncIterator[BotProcess]:
    """A module's bot, ready; stopped with SIGTERM (and checked) when the module ends."""
    process = await fleet.ready((request.module.__name__, name))
    yield process
    if process.running:
        code = await process.stop()
        assert code == 0, f"the bot exited with {code} on SIGTERM:\n{process.tail()}"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bot(fleet: Fleet, request: pytest.FixtureRequest) -> AsyncIterator[BotProcess]:
    async for process in module_bot(fleet, request, "bot"):
        yield process


@pytest.fixture(scope="module")
def server(bot: BotProcess) -> FakeTelegramServer:
    return bot.server


@pytest.fixture
def transcript(server: FakeTelegramServer, bot: BotProcess,
               request: pytest.FixtureRequest) -> Transcript:
    """A transcript whose leftovers (refused calls, tracebacks, missing zh_CN texts) fail
    the test at its end."""
    t = Transcript(server, bot)
    request.node.e2e_transcripts = [*getattr(request.node, "e2e_transcripts", []), t]
    return t


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Iterator[object]:
    """Fails a test that went through but left problems behind: calls the fake Telegram
    refused as the bot's fault (bad parameters, unknown methods...) and its transcripts'
    leftovers."""
    servers = {id(p.server): p.server for p in BOTS}
    before = {key: len(server.errors) for key, server in servers.items()}
    result = yield
    problems = [p for t in getattr(pyfuncitem, "e2e_transcripts", []) for p in t.problems()]
    refused = [c for key, server in servers.items() for c in server.errors[before[key]:]]
    if refused:
        problems.insert(0, "calls Telegram would refuse: " + "; ".join(
            f"{c.method} {c.params} -> {c.description}" for c in refused))
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)
    return result


@pytest.fixture(autouse=True)
def _log_marks(request: pytest.FixtureRequest) -> None:
    """Remembers where each bot's log stood when the test began."""
    request.node.e2e_log_marks = {id(p): p.log_size() for p in BOTS}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Iterator[pytest.TestReport]:
    """Attaches to a failed test what each bot it used logged meanwhile."""
    report = yield
    marks = getattr(item, "e2e_log_marks", None)
    if report.failed and marks is not None:
        for process in BOTS:
            since = marks.get(id(process), 0)
            mine = process.owner in ("", item.module.__name__)
            if mine and process.log_size() > since:
                report.sections.append((f"bot log {process.workdir.name}",
                                        process.tail(200, since)))
    return report
