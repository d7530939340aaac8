"""aiogram's Telegram types, validated as pydantic builds them: on first use, not at import.

aiogram declares its ~900 types with pydantic's `defer_build=True`, then builds every one of
them at import anyway (a `model_rebuild` loop at the end of `aiogram.types`, which passes the
namespace that resolves their forward references). That costs about 110 MB of resident
memory and a second of start-up for models a bot never meets (aiogram#1513): a process that
only runs `import aiogram` is 165 MB; with this, 58 MB.

`defer()` wraps `BaseModel.model_rebuild` for aiogram's classes only: the loop's calls keep
the namespace instead of building, and a later build — pydantic's own, the first time a
model validates or serializes — gets that namespace. Nothing changes for other models. It
must run before aiogram is imported; `bot/__init__.py` calls it. `tests/unit/
test_lazy_models.py` builds every aiogram model this way, as a check on each upgrade of
aiogram or pydantic.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

#: The names aiogram's types refer to one another by, as aiogram passes them.
NAMESPACE: dict[str, Any] = {}
_original = BaseModel.model_rebuild.__func__  # type: ignore[attr-defined]


def _model_rebuild(cls: type[BaseModel], **options: Any) -> bool | None:
    if cls.__module__.startswith("aiogram."):
        given = options.get("_types_namespace")
        if given is not None and not options.get("force"):
            NAMESPACE.update(given)  # aiogram's import-time loop: build on first use instead
            return None
        options["_types_namespace"] = {**NAMESPACE, **(given or {})}
    else:  # the caller's namespace is one frame further up than pydantic expects
        options["_parent_namespace_depth"] = options.get("_parent_namespace_depth", 2) + 1
    result: bool | None = _original(cls, **options)
    return result


def defer() -> None:
    """Installs the wrapper (once); call it before the first `import aiogram`."""
    if getattr(BaseModel.model_rebuild, "__func__", None) is not _model_rebuild:
        BaseModel.model_rebuild = classmethod(_model_rebuild)  # type: ignore[method-assign,assignment]
