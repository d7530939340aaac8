"""Entry point: `python -m bot` (or `zhongyi`) runs the bot; `python -m bot migrate`
only applies the database migrations."""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.config import SettingsError, load_settings
from bot.logs import setup_logging

log = logging.getLogger("bot")


async def _migrate() -> None:
    from storage import Database
    from storage.migrate import upgrade

    settings = load_settings()
    db = Database(settings.database_url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()


async def _run() -> int:
    settings = load_settings()
    setup_logging(settings.log_level, secrets=[settings.token])
    from bot.app import BotApiUnusable, build_app, check_bot_api, run_polling

    try:
        await check_bot_api(settings)
    except BotApiUnusable as exc:
        print(f"zhongyi: {exc}", file=sys.stderr)
        return 1
    app = build_app(settings)
    if settings.webhook_url:
        from bot.webhook import run_webhook

        await run_webhook(app)
    else:
        log.info("starting long polling against %s", settings.telegram_api_url)
        await run_polling(app)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    setup_logging("INFO")
    try:
        if args[:1] == ["migrate"]:
            asyncio.run(_migrate())
            print("database is up to date")
        elif args:
            print("usage: python -m bot [migrate]", file=sys.stderr)
            return 2
        else:
            return asyncio.run(_run())
    except SettingsError as exc:
        print(f"zhongyi: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
