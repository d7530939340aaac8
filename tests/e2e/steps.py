"""Steps the longer transcripts share (the roster and the survey ones): expected texts that
tolerate a catalog not extracted yet, waiting for a keyboard the bot swapped in place, the
files and links the bot sent, and how dates and numbers read in each locale.

Formatting mirrors what the design promises (Babel, the reader's locale, the community's
timezone, dates without seconds), written out here rather than imported from `bot.ui`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_timedelta
from babel.numbers import format_decimal, format_percent

from bot.domain.clock import Clock
from storage import Database, UnitOfWork, communities_repo
from tests.e2e.harness import REPLY_TIMEOUT, Localized, Transcript, localized
from tests.fakes.telegram_server import FakeChat, FakeTelegramServer, FakeUser

JSON = dict[str, Any]


class Texts:
    """`en` / `zh` for one transcript. A msgid the catalogs do not hold yet (the code's text
    is newer than `pybabel extract`) gives the English text a reader would get and is
    listed, so the transcript goes on; `assert_catalogued()` fails at the end with the list.
    zh_CN texts that fall back to English are also reported by the transcript."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.absent: set[str] = set()

    def __call__(self, msgid: str, **kw: object) -> Localized:
        try:
            return localized(self.locale, msgid, **kw)
        except LookupError:
            self.absent.add(msgid)
            return Localized(msgid.format(**kw) if kw else msgid, msgid=msgid,
                             locale=self.locale, translated=self.locale == "en",
                             params=[str(v) for v in kw.values()])

    def assert_catalogued(self) -> None:
        assert not self.absent, (
            "the transcript went through, but these texts of the code are not in "
            "locales/messages.pot and the catalogs yet (run pybabel extract / update): "
            + "; ".join(repr(m) for m in sorted(self.absent)))


def capitalised(text: Localized) -> Localized:
    """A catalog word as the bot shows it alone, on a button or in a toast (“Owner”)."""
    return Localized(text[:1].upper() + text[1:], msgid=text.msgid, locale=text.locale,
                     translated=text.translated, params=text.params)


# -- formats, as a reader in `locale` sees them ----------------------------------------------
def number(value: float, locale: str) -> str:
    return format_decimal(value, locale=Locale.parse(locale))


def percent(share: float, locale: str) -> str:
    return format_percent(share, "#,##0.#%", locale=Locale.parse(locale))


def when(moment: datetime, timezone: str, locale: str) -> str:
    """A moment on the community's clock: the locale's medium date and a 24-hour time."""
    loc, local = Locale.parse(locale), moment.astimezone(ZoneInfo(timezone))
    return loc.datetime_formats["medium"].format(format_skeleton("Hm", local, locale=loc),
                                                 format_date(local, "medium", locale=loc))


def short_when(moment: datetime, timezone: str, locale: str) -> str:
    """A moment without the year, as timelines show it (“Dec 1 09:00”, “12月1日 09:00”)."""
    loc, local = Locale.parse(locale), moment.astimezone(ZoneInfo(timezone))
    return "{} {}".format(format_skeleton("MMMd", local, locale=loc),
                          format_skeleton("Hm", local, locale=loc))


def day_label(day: date, locale: str) -> str:
    """A day button: a short weekday and date (“Wed, Dec 2”, “12月2日周三”)."""
    return format_skeleton("MMMEd", day, locale=Locale.parse(locale))


def duration(delta: timedelta, locale: str) -> str:
    """Long forms in English (“7 seconds”), short ones in Chinese (“7秒”)."""
    loc = Locale.parse(locale)
    return format_timedelta(delta, format="short" if loc.language == "zh" else "long",
                            locale=loc)


# -- what the bot sent -----------------------------------------------------------------------
def _chat_id(chat: FakeUser | FakeChat | int) -> int:
    return chat if isinstance(chat, int) else chat.id


def labels(message: JSON) -> list[str]:
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["text"] for row in keyboard for b in row]


def url_of(message: JSON, label: str) -> str:
    """The URL of the link button `label` under a message."""
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    found = [b["url"] for row in keyboard for b in row if b["text"] == label and "url" in b]
    assert found, f"no link button {label!r} under {message.get('text')!r}: {keyboard}"
    return found[0]


def start_payload(url: str) -> str:
    """The deep link's /start payload (https://t.me/<bot>?start=<payload>)."""
    parsed = urlparse(url)
    assert parsed.netloc == "t.me", url
    return parse_qs(parsed.query)["start"][0]


def file_of(server: FakeTelegramServer, message: JSON, kind: str = "document") -> bytes:
    """The bytes of the file (or the largest photo) the bot sent with a message."""
    media = message[kind]
    ref = media[-1] if isinstance(media, list) else media
    return server.files[ref["file_id"]].content


def csv_file(rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


async def press_for_keyboard(t: Transcript, user: FakeUser, message: JSON, button: str,
                             timeout: float = REPLY_TIMEOUT) -> JSON:  # noqa: ASYNC109
    """Presses a button that makes the bot swap the message's keyboard in place (a tree
    picker opening a level): returns the message with its new buttons."""
    await t.press(user, message, button)
    chat_id, message_id = message["chat"]["id"], message["message_id"]
    try:
        call = await t.server.wait_for(
            "editMessageReplyMarkup",
            lambda c: (c.ok and c.params.get("chat_id") == chat_id
                       and c.params.get("message_id") == message_id
                       and bool(c.params.get("reply_markup"))), timeout=timeout)
    except TimeoutError:
        raise AssertionError(f"pressing {button!r} did not change the buttons of "
                             f"{message.get('text')!r} within {timeout}s") from None
    return call.result


async def user_sends_file(t: Transcript, user: FakeUser, name: str, content: bytes,
                          mime_type: str = "text/csv") -> JSON:
    return await t.arrives(t.server.send_document(user, name, content, mime_type))


async def user_sends_photo(t: Transcript, user: FakeUser, content: bytes,
                           caption: str | None = None) -> JSON:
    """The user sends a photo (two sizes, like Telegram); returns the update."""
    return await t.arrives(t.server.send_photo(user, content=content, caption=caption))


async def pinned(server: FakeTelegramServer, chat: FakeChat | int,
                 timeout: float = REPLY_TIMEOUT) -> int:  # noqa: ASYNC109
    """The id of the next message the bot pins in `chat`."""
    chat_id = _chat_id(chat)
    call = await server.wait_for("pinChatMessage",
                                 lambda c: c.params.get("chat_id") == chat_id, timeout=timeout)
    assert call.ok, f"pinChatMessage failed: {call.description}"
    return int(call.params["message_id"])


async def hold_roles(db: Database, clock: Clock, community_id: int, admin: int,
                     holders: Iterable[tuple[Any, str, int | None]]) -> None:
    """Roles held since before the story: (person, role, unit id or None). Saved as the
    roster has them, so their holders are not told now, as /roles would tell them."""
    async with UnitOfWork(db, clock) as uow:
        for person, role, unit_id in holders:
            await communities_repo.grant(uow.session, user_id=person.id,
                                         community_id=community_id, role=role,
                                         granted_by=admin, now=uow.now(), unit_id=unit_id)
        await uow.commit()


class Said(Texts):
    """`Texts` that remembers every text it gave, so that the Chinese transcript also fails
    for an untranslated piece of a message put together from several catalog texts."""

    def __init__(self, locale: str) -> None:
        super().__init__(locale)
        self.used: list[Localized] = []

    def __call__(self, msgid: str, **kw: object) -> Localized:
        value = super().__call__(msgid, **kw)
        self.used.append(value)
        return value

    def assert_translated(self) -> None:
        missing = sorted({v.msgid for v in self.used if not v.translated})
        assert not missing, f"{self.locale} has no translation yet for: {missing}"
