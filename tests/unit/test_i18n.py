"""The catalogs: every message of the code is in messages.pot, translated in zh_CN and en,
with the same placeholders as its msgid."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.domain.locales import from_language_code, pick_locale
from bot.ui import fmt
from bot.ui.i18n import LOCALES_DIR, compile_catalogs

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "__": None}


def source_messages() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "handlers", "conversations", "storage"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS,
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(locale: str):
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_template_has_every_message_of_the_code():
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    missing = source_messages() - template
    assert not missing, f"run pybabel extract (see README): {sorted(missing)[:5]}"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_catalog_is_complete_and_placeholders_match(locale: str):
    messages = [m for m in catalog(locale) if m.id]
    wanted = source_messages()
    ids = {m.id for m in messages}
    assert wanted <= ids, f"run pybabel update: {sorted(wanted - ids)[:5]}"
    untranslated = [m.id for m in messages if m.id in wanted and (not m.string or m.fuzzy)]
    assert not untranslated, f"{locale}: untranslated {untranslated[:5]}"
    mismatched = [m.id for m in messages if m.string and placeholders(m.id) != placeholders(
        m.string)]
    assert not mismatched, f"{locale}: placeholders differ in {mismatched[:5]}"


def test_chinese_catalog_is_really_chinese():
    chinese = [m for m in catalog("zh_CN") if m.id and re.search(r"[A-Za-z]{4}", m.id)]
    same = [m.id for m in chinese if m.string == m.id]
    assert len(same) <= len(chinese) // 10, f"copied, not translated: {same[:5]}"


def test_catalogs_compile(tmp_path: Path):
    for locale in ("zh_CN", "en"):
        target = tmp_path / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "messages.po").write_bytes(
            (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").read_bytes())
    written = compile_catalogs(tmp_path)
    assert len(written) == 2
    assert compile_catalogs(tmp_path) == []


@pytest.mark.parametrize(("code", "expected"), [
    ("zh", "zh_CN"), ("zh-hans", "zh_CN"), ("zh-hant", "zh_CN"), ("zh-TW", "zh_CN"),
    ("zh-HK", "zh_CN"), ("en", "en"), ("en-GB", "en"), ("ru", None), (None, None),
])
def test_language_codes_map_to_catalogs(code, expected):
    assert from_language_code(code) == expected


def test_locale_precedence():
    assert pick_locale(chosen="en", language_code="zh", community="zh_CN", fallback="zh_CN") \
        == "en"
    assert pick_locale(chosen=None, language_code="zh-TW", community="en", fallback="en") \
        == "zh_CN"
    assert pick_locale(chosen=None, language_code="fr", community="en", fallback="zh_CN") \
        == "en"
    assert pick_locale(chosen=None, language_code=None, community=None, fallback="zh_CN") \
        == "zh_CN"


def test_babel_formats_for_the_reader():
    from datetime import UTC, datetime

    moment = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)
    assert "09:30" in fmt.when(moment, "Asia/Shanghai", "zh_CN")
    assert "2026年12月1日" in fmt.day(moment, "Asia/Shanghai", "zh_CN")
    assert fmt.day(moment, "Asia/Shanghai", "en") == "December 1, 2026"
    assert fmt.percent(0.6667, "en") == "66.7%"
    assert fmt.number(12345, "zh_CN") == "12,345"


def test_english_times_are_24_hour_like_the_timelines_and_zh_durations_are_short():
    from datetime import UTC, datetime, timedelta

    moment = datetime(2026, 11, 29, 23, 38, tzinfo=UTC)
    assert fmt.when(moment, "Asia/Shanghai", "en") == "Nov 30, 2026, 07:38"
    assert fmt.short_when(moment, "Asia/Shanghai", "en") == "Nov 30 07:38"
    assert fmt.when(moment, "Asia/Shanghai", "zh_CN") == "2026年11月30日 07:38"
    assert fmt.duration(timedelta(seconds=7), "zh_CN") == "7秒"
    assert fmt.duration(timedelta(days=1), "zh_CN") == "1天"
    assert fmt.duration(timedelta(seconds=7), "en") == "7 seconds"
