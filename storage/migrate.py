"""Applies Alembic migrations, on start and from `python -m bot migrate`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from storage.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(db: Database, revision: str = "head") -> None:
    """Brings the schema to `revision` over the database's own engine."""
    url = db.url.render_as_string(hide_password=False)

    def _run(connection: object) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with db.engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
