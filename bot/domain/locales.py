"""Which language a reader gets."""

from __future__ import annotations

SUPPORTED = ("zh_CN", "en")


def from_language_code(code: str | None) -> str | None:
    """Maps Telegram's `language_code` (IETF tag) to a supported locale, if any.

    Every Chinese variant (zh, zh-hans, zh-hant, zh-TW, zh-HK…) maps to zh_CN, the only
    Chinese catalog; any English variant to en.
    """
    if not code:
        return None
    primary = code.replace("_", "-").split("-")[0].lower()
    if primary == "zh":
        return "zh_CN"
    if primary == "en":
        return "en"
    return None


def pick_locale(
    *, chosen: str | None, language_code: str | None, community: str | None, fallback: str,
) -> str:
    """Private chats: the user's choice, then Telegram's language, then the community's
    default, then the deployment default. Groups pass their own setting as `chosen`."""
    if chosen in SUPPORTED:
        return chosen
    return from_language_code(language_code) or (community if community in SUPPORTED
                                                   else None) or fallback
