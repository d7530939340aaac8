"""Settings read from the environment or a `.env` file (every key is in `.env.example`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SUPPORTED_LOCALES = ("zh_CN", "en")
TELEGRAM_API_DEFAULT = "https://api.telegram.org"


class SettingsError(Exception):
    """Raised with one human-readable line per bad setting."""


class Settings(BaseSettings):
    """Every knob of a deployment; defaults run one process on an SQLite file."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = TELEGRAM_API_DEFAULT
    database_url: str = "sqlite+aiosqlite:///./data/zhongyi.sqlite3"
    redis_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0:8080"
    default_locale: str = "zh_CN"
    default_timezone: str = "Asia/Shanghai"
    bootstrap_admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    send_rate: float = Field(default=25.0, gt=0, le=30)
    log_level: str = "INFO"
    sweep_interval: float = Field(default=30.0, gt=0)
    daily_digest_time: str = "08:00"

    @field_validator("telegram_bot_token", "redis_url", "webhook_url", "webhook_secret",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            head, _, tail = value.get_secret_value().partition(":")
            if not head.isdigit() or not tail:
                raise ValueError("must look like 123456789:AA... (the token @BotFather gave you)")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not an IANA time zone such as Asia/Shanghai") from None
        return value

    @field_validator("bootstrap_admin_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("must be Telegram user ids separated by commas")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be host:port, for example 0.0.0.0:8080")
        return value

    @field_validator("daily_digest_time")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        hour, _, minute = value.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError("must be a local time HH:MM, for example 08:00")
        return f"{int(hour):02d}:{int(minute):02d}"

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET must be set when WEBHOOK_URL is set")
        if self.webhook_secret is not None:
            secret = self.webhook_secret.get_secret_value()
            allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
            if not 1 <= len(secret) <= 256 or not set(secret) <= allowed:
                raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")
        return self

    @property
    def token(self) -> str:
        if self.telegram_bot_token is None:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram "
                "(send /newbot), then put the token it gives you in .env as "
                "TELEGRAM_BOT_TOKEN=123456789:AA..."
            )
        return self.telegram_bot_token.get_secret_value()

    @property
    def webhook_host_port(self) -> tuple[str, int]:
        host, _, port = self.webhook_listen.rpartition(":")
        return host, int(port)

    def sqlite_path(self) -> Path | None:
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix):
            rest = self.database_url[len(prefix):]
            return None if rest in ("", ":memory:") else Path(rest)
        return None


def load_settings(**overrides: object) -> Settings:
    """Reads the settings, turning validation errors into one line per key."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            key = "_".join(str(p) for p in error["loc"]).upper() or "settings"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{key}: {message}" if key != "settings" else message)
        raise SettingsError("; ".join(lines)) from None
