"""Formatting parser of the fake Bot API: ``text`` + ``parse_mode`` -> visible text + entities.

Telegram parses ``parse_mode`` markup on its side: the stored message has the *visible* text and a
list of ``MessageEntity`` objects (offsets in UTF-16 code units), length limits such as
"1-4096 characters after entities parsing" apply to the visible text, and malformed markup is
rejected with ``400 Bad Request: can't parse entities: ...``. This module reproduces that closely
enough for tests: HTML (the supported tag set), MarkdownV2 (reserved characters must be escaped)
and legacy Markdown. It is a faithful approximation, not a byte-exact copy of Telegram's parser.
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = ["EntityParseError", "parse_text", "utf16_len"]


class EntityParseError(ValueError):
    """Markup that Telegram would refuse with "Bad Request: can't parse entities: ..."."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of MessageEntity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def parse_text(
    text: str, parse_mode: str | None = None, entities: list[dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(visible_text, entities)`` as Telegram would store the message.

    Explicit ``entities`` win over ``parse_mode`` (Telegram ignores parse_mode then). Leading and
    trailing whitespace is trimmed like Telegram does. Raises :class:`EntityParseError`.
    """
    if entities is not None:
        plain, ents = text, [dict(e) for e in entities]
    else:
        mode = (parse_mode or "").strip().lower()
        if mode == "":
            plain, ents = text, []
        elif mode == "html":
            plain, ents = _Builder.from_html(text)
        elif mode in ("markdownv2", "markdown"):
            plain, ents = _Builder.from_markdown(text, v2=mode == "markdownv2")
        else:
            raise EntityParseError(f"unsupported parse_mode {parse_mode!r}")
    return _trim(plain, ents)


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    stripped = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped)
    stripped = stripped.rstrip()
    total = utf16_len(stripped)
    result = []
    for ent in entities:
        start = max(ent["offset"] - shift, 0)
        end = min(ent["offset"] + ent["length"] - shift, total)
        if end > start:
            result.append({**ent, "offset": start, "length": end - start})
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, result


_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji", "tg-time": "date_time",
}  # fmt: skip
_ATTR = r"""\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?"""
_TAG_RE = re.compile(rf"<(/?)([a-zA-Z][\w-]*)((?:{_ATTR})*)\s*>")
_ATTR_RE = re.compile(r"([\w-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_HTML_ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_MD_NAMES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_MD_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


class _Builder:
    """Accumulates visible text and entities while a markup string is scanned."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.pos16 = 0
        self.entities: list[dict[str, Any]] = []
        # open entities: (marker, entity without length, start offset, byte offset of marker)
        self.stack: list[tuple[str, dict[str, Any], int, int]] = []

    def emit(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos16 += utf16_len(chunk)

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def open(self, marker: str, entity: dict[str, Any], index: int) -> None:
        self.stack.append((marker, entity, self.pos16, self.byte_offset(index)))

    def close(self) -> None:
        _marker, entity, start, _ = self.stack.pop()
        if self.pos16 > start:
            self.entities.append({**entity, "offset": start, "length": self.pos16 - start})

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        entities = [e for e in self.entities if not e["type"].startswith("_")]
        return "".join(self.parts), entities

    # -- HTML ------------------------------------------------------------------------------
    @classmethod
    def from_html(cls, text: str) -> tuple[str, list[dict[str, Any]]]:
        b = cls(text)
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "<":
                i = b._html_tag(i)
                continue
            if ch == "&" and (m := _HTML_ENTITY_RE.match(text, i)):
                decoded = html.unescape(m.group(0))
                if decoded != m.group(0):
                    b.emit(decoded)
                    i = m.end()
                    continue
                raise EntityParseError(
                    f'Unsupported HTML entity "{m.group(0)}" at byte offset {b.byte_offset(i)}'
                )
            b.emit(ch)
            i += 1
        if b.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{b.stack[-1][0]}"'
            )
        return b.result()

    def _html_tag(self, i: int) -> int:
        m = _TAG_RE.match(self.source, i)
        offset = self.byte_offset(i)
        if m is None:
            name = re.match(r"</?([\w-]*)", self.source[i:])
            tag = name.group(1) if name else ""
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {offset}')
        closing, name = m.group(1) == "/", m.group(2).lower()
        if closing:
            if not self.stack:
                raise EntityParseError(f'Unexpected end tag at byte offset {offset}')
            if self.stack[-1][0] != name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {offset}, expected "
                    f'"</{self.stack[-1][0]}>", found "</{name}>"'
                )
            self.close()
            return m.end()
        if name not in _HTML_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
        attrs = {
            a.group(1).lower(): next((g for g in a.groups()[1:] if g is not None), "")
            for a in _ATTR_RE.finditer(m.group(3))
        }
        entity: dict[str, Any] = {"type": _HTML_TAGS[name]}
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(f'Unsupported start tag "span" at byte offset {offset}')
        if name == "a":
            entity["url"] = html.unescape(attrs.get("href", ""))
        elif name == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        elif name == "tg-emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id", "")
        elif name == "code" and self.stack and self.stack[-1][0] == "pre":
            language = attrs.get("class", "")
            if language.startswith("language-"):
                self.stack[-1][1]["language"] = language.removeprefix("language-")
                entity["type"] = "_code_in_pre"
        self.open(name, entity, i)
        return m.end()

    # -- Markdown / MarkdownV2 ---------------------------------------------------------------
    @classmethod
    def from_markdown(cls, text: str, *, v2: bool) -> tuple[str, list[dict[str, Any]]]:
        b = cls(text)
        markers = _MD_NAMES if v2 else {"*": "bold", "_": "italic"}
        i = 0
        while i < len(text):
            ch = text[i]
            nxt = text[i + 1] if i + 1 < len(text) else ""
            pair = ch + nxt
            if ch == "\n" and b.stack and b.stack[-1][0] == ">":
                b.close()
            if ch == "\\" and nxt and (0 < ord(nxt) <= 126 if v2 else nxt in "_*`["):
                b.emit(nxt)
                i += 2
            elif ch == "`":
                i = b._md_code(i, v2=v2)
            elif ch == "[":
                b.open("[", {"type": "text_link"}, i)
                i += 1
            elif ch == "]" and b.stack and b.stack[-1][0] == "[":
                i = b._md_link_url(i, v2=v2)
            elif v2 and ch == ">" and (i == 0 or text[i - 1] == "\n"):
                b._md_quote_line(i)
                i += 1
            elif (marker := pair if pair in markers else ch) in markers:
                if b.stack and b.stack[-1][0] == marker:
                    b.close()
                else:
                    b.open(marker, {"type": markers[marker]}, i)
                i += len(marker)
            elif v2 and ch in _MD_V2_RESERVED:
                raise EntityParseError(
                    f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
                )
            else:
                b.emit(ch)
                i += 1
        if b.stack and b.stack[-1][0] == ">":
            b.close()
        if b.stack:
            _marker, entity, _, offset = b.stack[-1]
            kind = entity["type"].replace("_", " ").title().replace(" ", "")
            raise EntityParseError(f"Can't find end of {kind} entity at byte offset {offset}")
        return b.result()

    def _md_code(self, i: int, *, v2: bool) -> int:
        fence = "```" if self.source.startswith("```", i) else "`"
        j = i + len(fence)
        chunk: list[str] = []
        while j < len(self.source) and not self.source.startswith(fence, j):
            if v2 and self.source[j] == "\\" and j + 1 < len(self.source):
                j += 1
            chunk.append(self.source[j])
            j += 1
        if j >= len(self.source):
            kind = "Pre" if fence == "```" else "Code"
            raise EntityParseError(
                f"Can't find end of {kind} entity at byte offset {self.byte_offset(i)}"
            )
        content = "".join(chunk)
        entity: dict[str, Any] = {"type": "code"}
        if fence == "```":
            entity["type"] = "pre"
            first, sep, rest = content.partition("\n")
            if sep and first and not any(c.isspace() for c in first):
                entity["language"], content = first, rest
        self.open(fence, entity, i)
        self.emit(content)
        self.close()
        return j + len(fence)

    def _md_link_url(self, i: int, *, v2: bool) -> int:
        if not self.source.startswith("(", i + 1):
            if v2:
                raise EntityParseError(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            self.stack.pop()
            self.emit("]")
            return i + 1
        end = self.source.find(")", i + 2)
        if end < 0:
            raise EntityParseError(
                f"Can't find end of a URL at byte offset {self.byte_offset(i + 1)}"
            )
        self.stack[-1][1]["url"] = self.source[i + 2 : end].replace("\\)", ")")
        self.close()
        return end + 1

    def _md_quote_line(self, i: int) -> None:
        previous = self.entities[-1] if self.entities else None
        if previous and previous["type"] == "blockquote" and (
            previous["offset"] + previous["length"] + 1 == self.pos16
        ):
            # consecutive quoted lines form one blockquote: reopen the previous entity
            self.entities.pop()
            self.stack.append((">", {"type": "blockquote"}, previous["offset"], 0))
            return
        self.open(">", {"type": "blockquote"}, i)

