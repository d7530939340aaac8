"""gettext catalogs under `locales/`, compiled from the .po files when they are newer.

Compiling at start means a fresh checkout needs no build step and the .mo files never go
stale; `pybabel compile -d locales -D messages` does the same by hand.
"""

from __future__ import annotations

import logging
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.domain.locales import SUPPORTED

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Writes each LC_MESSAGES/messages.mo that is missing or older than its .po."""
    written = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parents[1].name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
        log.info("compiled %s", mo_path.relative_to(locales_dir))
    return written


def make_i18n(default_locale: str, locales_dir: Path = LOCALES_DIR) -> I18n:
    compile_catalogs(locales_dir)
    i18n = I18n(path=locales_dir, default_locale=default_locale, domain=DOMAIN)
    missing = set(SUPPORTED) - set(i18n.available_locales)
    if missing:
        raise RuntimeError(f"missing catalogs for {', '.join(sorted(missing))} in {locales_dir}")
    return i18n
