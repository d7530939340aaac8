"""Settings: defaults, validation messages that name the key, and the missing-token line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import SettingsError, load_settings


def test_defaults_run_on_sqlite_with_no_other_service(monkeypatch: pytest.MonkeyPatch):
    for key in ("DATABASE_URL", "REDIS_URL", "WEBHOOK_URL", "SEND_RATE", "DEFAULT_LOCALE"):
        monkeypatch.delenv(key, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url.startswith("sqlite+aiosqlite:///./data/")
    assert settings.redis_url is None
    assert settings.webhook_url is None
    assert settings.send_rate == 25
    assert settings.default_locale == "zh_CN"
    assert settings.default_timezone == "Asia/Shanghai"


@pytest.mark.parametrize(("key", "value", "words"), [
    ("SEND_RATE", "fast", "SEND_RATE"),
    ("SEND_RATE", "100", "SEND_RATE"),
    ("DEFAULT_LOCALE", "fr", "DEFAULT_LOCALE: must be one of zh_CN, en"),
    ("DEFAULT_TIMEZONE", "Mars/Olympus", "DEFAULT_TIMEZONE: is not an IANA time zone"),
    ("BOOTSTRAP_ADMIN_IDS", "12,abc", "BOOTSTRAP_ADMIN_IDS: must be Telegram user ids"),
    ("TELEGRAM_API_URL", "localhost:8081", "TELEGRAM_API_URL: must start with http"),
    ("WEBHOOK_LISTEN", "8080", "WEBHOOK_LISTEN: must be host:port"),
    ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
])
def test_invalid_value_names_the_key(monkeypatch: pytest.MonkeyPatch, key, value, words):
    monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError, match=words):
        load_settings(_env_file=None)


def test_webhook_needs_a_secret(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET must be set"):
        load_settings(_env_file=None)


def test_bootstrap_ids_are_parsed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOOTSTRAP_ADMIN_IDS", "11, 22;33")
    assert load_settings(_env_file=None).bootstrap_admin_ids == {11, 22, 33}


def test_without_token_the_bot_exits_with_one_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "@BotFather" in lines[0]
    assert "Traceback" not in result.stderr


def test_logs_keep_sql_and_residents_data_out_even_at_debug():
    import logging

    from bot.logs import setup_logging

    setup_logging("DEBUG", secrets=["123456:SECRET"])
    for name in ("sqlalchemy.engine", "aiosqlite", "asyncpg"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    setup_logging("INFO")
