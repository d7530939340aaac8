"""Telegram Bot API schema (``api.min.json``) and request validation for the fake Bot API server.

The machine-readable Bot API reference (Bot API 10.1, scraped from core.telegram.org by
PaulSonOfLars/telegram-bot-api-spec) lives outside the project, in
``<project>/../shared/telegram-bot-api/api.min.json``; the ``ZHONGYI_BOTAPI_SPEC`` environment
variable overrides the path. :class:`BotApiSpec` answers "would Telegram accept this call?":

* the method exists (case-insensitive, like Telegram);
* every required parameter is present (``None`` counts as absent);
* documented lengths ("1-4096 characters", "0-1024 characters after entities parsing",
  "1-64 bytes") are parsed from the descriptions and enforced on strings, recursively inside
  nested objects (reply markups, bot commands, input media, ...), after parsing ``parse_mode``
  markup where the description says so;
* a few rules Telegram enforces with special errors: inline buttons (``BUTTON_DATA_INVALID``,
  ``BUTTON_TEXT_INVALID``, a button needs an action) and bot commands (``BOT_COMMAND_INVALID``).

Requests arrive form-encoded, so values are strings and nested objects are JSON strings:
:meth:`BotApiSpec.decode_params` turns them into Python values using the declared types.
Unknown extra parameters are accepted (Telegram ignores them).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakes.telegram_entities import EntityParseError, parse_text

__all__ = ["DEFAULT_SPEC_PATH", "SPEC_ENV_VAR", "BotApiSpec", "FieldSpec", "MethodSpec"]

SPEC_ENV_VAR = "ZHONGYI_BOTAPI_SPEC"
DEFAULT_SPEC_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared" / "telegram-bot-api" / "api.min.json"
)

_SCALARS = frozenset({"String", "Integer", "Float", "Boolean", "InputFile"})
_LENGTH_RE = re.compile(r"(\d+)-(\d+) (characters|bytes)")
_ITEMS_RE = re.compile(r"(\d+)-(\d+) items|At most (\d+) \w+ can be specified")
_CONST_RE = re.compile(r"(?:always|must be) \"?([a-z_]+)\"?")
_INT_RE = re.compile(r"-?\d+")
_DISCRIMINATORS = frozenset({"type", "status", "source"})
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
# (type, field) -> the error Telegram answers when the documented length is broken
_SPECIAL_ERRORS = {
    ("InlineKeyboardButton", "callback_data"): "BUTTON_DATA_INVALID",
    ("BotCommand", "command"): "BOT_COMMAND_INVALID",
    ("BotCommand", "description"): "BOT_COMMAND_DESCRIPTION_INVALID",
}


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str
    length: tuple[int, int] | None = None  # documented (min, max)
    in_bytes: bool = False  # the length is counted in UTF-8 bytes, not characters
    after_entities: bool = False  # the length applies after parse_mode markup is parsed
    constant: str | None = None  # 'always "creator"' / 'must be photo' discriminators
    items: tuple[int, int] | None = None  # documented number of array items

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> FieldSpec:
        description = raw.get("description", "")
        length = _LENGTH_RE.search(description)
        constant = _CONST_RE.search(description)
        items = _ITEMS_RE.search(description)
        return cls(
            name=raw["name"],
            types=tuple(raw["types"]),
            required=bool(raw["required"]),
            description=description,
            length=(int(length.group(1)), int(length.group(2))) if length else None,
            in_bytes=bool(length) and length.group(3) == "bytes",
            after_entities="after entit" in description,
            constant=constant.group(1) if constant and raw["name"] in _DISCRIMINATORS else None,
            items=(
                (int(items.group(1) or 0), int(items.group(2) or items.group(3)))
                if items
                else None
            ),
        )


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method: its parameters and the types it may return."""

    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]


class BotApiSpec:
    """The Bot API schema with Telegram-like validation of calls (see the module docstring)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data.get("version", "?")
        self.methods: dict[str, MethodSpec] = {
            name: MethodSpec(
                name=name,
                fields={f["name"]: FieldSpec.from_json(f) for f in raw.get("fields", [])},
                returns=tuple(raw.get("returns", [])),
            )
            for name, raw in data["methods"].items()
        }
        self.types: dict[str, dict[str, FieldSpec]] = {
            name: {f["name"]: FieldSpec.from_json(f) for f in raw.get("fields", [])}
            for name, raw in data["types"].items()
        }
        self.subtypes: dict[str, tuple[str, ...]] = {
            name: tuple(raw["subtypes"])
            for name, raw in data["types"].items()
            if raw.get("subtypes")
        }
        self._by_lower = {name.lower(): name for name in self.methods}

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> BotApiSpec:
        """Load (once per path) the spec from ``path``, ``$ZHONGYI_BOTAPI_SPEC`` or the default."""
        chosen = path or os.environ.get(SPEC_ENV_VAR) or DEFAULT_SPEC_PATH
        return _load_cached(str(Path(chosen).resolve()))

    # -- lookups ---------------------------------------------------------------------------
    def method_names(self) -> list[str]:
        """All method names with Telegram's spelling (``sendMessage``...)."""
        return sorted(self.methods)

    def canonical(self, method: str) -> str | None:
        """The official spelling of ``method`` (Telegram matches names case-insensitively)."""
        return self._by_lower.get(method.lower())

    def returns(self, method: str) -> tuple[str, ...]:
        """Return types of ``method``, e.g. ``("Message", "Boolean")``; KeyError if unknown."""
        name = self.canonical(method)
        if name is None:
            raise KeyError(method)
        return self.methods[name].returns

    def type_fields(self, type_name: str) -> dict[str, FieldSpec]:
        """Fields of a Bot API type (empty for unknown or abstract types)."""
        return self.types.get(type_name, {})

    # -- decoding ----------------------------------------------------------------------------
    def decode_params(self, method: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Convert form values (all strings) to Python values following the declared types."""
        name = self.canonical(method)
        fields = self.methods[name].fields if name else {}
        return {key: _decode_value(value, fields.get(key)) for key, value in raw.items()}

    # -- validation --------------------------------------------------------------------------
    def validate(self, method: str, params: Mapping[str, Any]) -> str | None:
        """Return ``None`` if Telegram would accept the call, else its error description."""
        name = self.canonical(method)
        if name is None:
            return "Bad Request: method not found"
        spec = self.methods[name]
        values = self.decode_params(name, params)
        try:
            self._check_required(spec, values)
            for key, value in values.items():
                field = spec.fields.get(key)
                if field is not None and value is not None:
                    self._check_value(field, value, key, values, owner=name)
        except _Invalid as exc:
            return f"Bad Request: {exc}"
        return None

    def check_object(self, type_name: str, obj: Any) -> list[str]:
        """Problems (missing required fields, broken lengths) of an object of ``type_name``.

        Used to make sure that the objects the fake server returns have the documented shape.
        """
        try:
            self._check_typed(obj, (type_name,), type_name)
        except _Invalid as exc:
            return [str(exc)]
        return []

    def _check_required(self, spec: MethodSpec, values: Mapping[str, Any]) -> None:
        text_like = spec.name in ("sendMessage", "editMessageText")
        if text_like and values.get("text") is None and values.get("rich_message") is None:
            raise _Invalid("message text is empty")
        for field in spec.fields.values():
            if field.required and values.get(field.name) is None:
                raise _Invalid(f"parameter '{field.name}' is required")
        if "inline_message_id" in spec.fields and values.get("inline_message_id") is None:
            for key in ("chat_id", "message_id"):
                if key in spec.fields and values.get(key) is None:
                    raise _Invalid(f"parameter '{key}' is required")

    def _check_value(
        self, field: FieldSpec, value: Any, path: str, container: Mapping[str, Any], *, owner: str
    ) -> None:
        """Check one value; ``container`` is the object (or params) holding it."""
        special = _SPECIAL_ERRORS.get((owner, field.name))
        if isinstance(value, str) and "String" in field.types:
            self._check_string(field, value, path, _markup_mode(container, field.name), special)
            return
        if isinstance(value, str) and not set(field.types) & {"String", "InputFile"}:
            if any(t.startswith("Array of") or t not in _SCALARS for t in field.types):
                raise _Invalid(f"can't parse {path} JSON object")
            raise _Invalid(f"parameter '{path}' must be of type {'/'.join(field.types)}")
        if isinstance(value, list) and field.items:
            low, high = field.items
            if not low <= len(value) <= high:
                raise _Invalid(f"{path} must include {low}-{high} items, got {len(value)}")
        self._check_typed(value, field.types, path)

    def _check_string(
        self, field: FieldSpec, value: str, path: str, parse_mode: str | None, special: str | None
    ) -> None:
        if field.length is None:
            return
        measured = value
        if field.after_entities:
            try:
                measured, _ = parse_text(value, parse_mode)
            except EntityParseError as exc:
                raise _Invalid(f"can't parse entities: {exc}") from None
        size = len(measured.encode("utf-8")) if field.in_bytes else len(measured)
        low, high = field.length
        if low <= size <= high:
            return
        if special:
            raise _Invalid(special)
        if size < low:
            if field.name == "text" and path == "text":
                raise _Invalid("message text is empty")
            raise _Invalid(f"{path} is too short ({size} < {low})")
        raise _Invalid(f"{path} is too long ({size} > {high})")

    def _check_typed(self, value: Any, types: tuple[str, ...], path: str) -> None:
        """Check a decoded value against a union of declared types (arrays and objects)."""
        arrays = tuple(t.removeprefix("Array of ") for t in types if t.startswith("Array of "))
        if isinstance(value, list):
            if not arrays:
                raise _Invalid(f"{path} must not be an array")
            for index, item in enumerate(value):
                self._check_typed(item, arrays, f"{path}[{index}]")
            return
        candidates = [t for t in _expand(types, self.subtypes) if t in self.types]
        if not isinstance(value, dict) or not candidates:
            return
        chosen = self._pick_type(value, candidates)
        fields = self.types[chosen]
        for field in fields.values():
            if field.required and value.get(field.name) is None:
                raise _Invalid(f"{path}: field '{field.name}' of {chosen} is required")
        for key, item in value.items():
            field = fields.get(key)
            if field is not None and item is not None:
                self._check_value(field, item, f"{path}.{key}", value, owner=chosen)
        self._check_special(chosen, value, path)

    def _pick_type(self, value: Mapping[str, Any], candidates: list[str]) -> str:
        """The candidate whose discriminator matches, else whose required fields are present."""
        def score(name: str) -> tuple[bool, bool]:
            fields = self.types[name].values()
            consts = [f for f in fields if f.constant and f.name in value]
            matches = all(value[f.name] == f.constant for f in consts)
            complete = all(f.name in value for f in fields if f.required)
            return (bool(consts) and matches, complete and matches)

        return max(candidates, key=score)

    @staticmethod
    def _check_special(type_name: str, value: Mapping[str, Any], path: str) -> None:
        if type_name == "InlineKeyboardButton":
            if not str(value.get("text", "")).strip():
                raise _Invalid("BUTTON_TEXT_INVALID")
            if not any(value.get(action) is not None for action in _BUTTON_ACTIONS):
                raise _Invalid(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
        elif type_name == "BotCommand" and not _COMMAND_RE.fullmatch(str(value.get("command"))):
            raise _Invalid("BOT_COMMAND_INVALID")


class _Invalid(Exception):
    """Internal: a validation failure carrying the text after "Bad Request: "."""


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> BotApiSpec:
    with open(path, encoding="utf-8") as fh:
        return BotApiSpec(json.load(fh))


def _markup_mode(container: Mapping[str, Any], name: str) -> str | None:
    """parse_mode that applies to the text field ``name``, None when explicit entities win."""
    entities_key = "entities" if name in ("text", "message_text") else f"{name}_entities"
    if container.get(entities_key) is not None:
        return None
    mode = container.get(f"{name}_parse_mode", container.get("parse_mode"))
    return mode if isinstance(mode, str) else None


def _expand(types: tuple[str, ...], subtypes: Mapping[str, tuple[str, ...]]) -> list[str]:
    result: list[str] = []
    for name in types:
        if name in subtypes:
            result.extend(_expand(subtypes[name], subtypes))
        else:
            result.append(name)
    return result


def _decode_value(value: Any, field: FieldSpec | None) -> Any:
    """Decode one form value; without a field spec, JSON objects/arrays are still parsed."""
    if not isinstance(value, str):
        return value
    types = set(field.types) if field else set()
    if "Integer" in types and _INT_RE.fullmatch(value):
        return int(value)
    if "Float" in types:
        try:
            return float(value)
        except ValueError:
            pass
    if "Boolean" in types and value in ("true", "false", "True", "False"):
        return value.lower() == "true"
    structured = field is None or any(t not in _SCALARS for t in types)
    if structured and value[:1] in ("{", "[") and "String" not in types - {"InputFile"}:
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
