"""Logging setup with a filter that blanks secrets (the bot token) wherever they appear,
including in URLs that libraries log."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, "***")
            record.exc_text, record.exc_info = text, None
        return True


def setup_logging(level: str, secrets: list[str] | None = None) -> None:
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    root.setLevel(level)
    if secrets:
        for handler in root.handlers:
            handler.filters = [f for f in handler.filters if not isinstance(f, RedactSecrets)]
            handler.addFilter(RedactSecrets(secrets))
    # aiohttp's access log and aiogram's event log are noisy at INFO.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # Two lines per sweep would drown the log; failures are still logged as errors.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    # The database layers log statements with their values (INFO for SQLAlchemy, DEBUG for
    # the drivers): residents' names and conversation data must not end up in logs.
    for name in ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool"):
        logging.getLogger(name).setLevel(logging.WARNING)
