"""Webhook mode: an aiohttp server that checks Telegram's secret token (401 otherwise, in
constant time), plus `/healthz` and `/metrics` for the operator."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import App
from storage import outbox_repo

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"


def make_web_app(app: App) -> web.Application:
    settings = app.settings
    assert settings.webhook_secret is not None
    web_app = web.Application()
    SimpleRequestHandler(
        dispatcher=app.dp, bot=app.bot,
        secret_token=settings.webhook_secret.get_secret_value(),
        handle_in_background=True,
    ).register(web_app, path=WEBHOOK_PATH)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def metrics(_request: web.Request) -> web.Response:
        counts = await outbox_repo.counts(app.db)
        lines = ["# TYPE zhongyi_outbox_messages gauge"]
        lines += [f'zhongyi_outbox_messages{{status="{status}"}} {n}'
                  for status, n in sorted(counts.items())]
        return web.Response(text="\n".join(lines) + "\n", content_type="text/plain")

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)

    async def register_webhook(_web_app: web.Application) -> None:
        url = settings.webhook_url.rstrip("/") + WEBHOOK_PATH if settings.webhook_url else None
        await app.bot.set_webhook(url, secret_token=settings.webhook_secret.get_secret_value(),
                                  allowed_updates=app.dp.resolve_used_update_types())

    web_app.on_startup.append(register_webhook)
    setup_application(web_app, app.dp, bot=app.bot)
    return web_app


async def run_webhook(app: App) -> None:
    host, port = app.settings.webhook_host_port
    runner = web.AppRunner(make_web_app(app))
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("webhook server listening on %s:%s", host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
        log.info("stopping the webhook server")
    finally:
        await runner.cleanup()  # on_shutdown: the dispatcher's shutdown, stop_background
