"""Typed callback data: every button kind has its own versioned prefix, so no filter can
take another kind's button for its own."""

from __future__ import annotations

import importlib
import pkgutil

from aiogram.filters.callback_data import CallbackData

import bot.ui


def kinds() -> list[type[CallbackData]]:
    for module in pkgutil.iter_modules(bot.ui.__path__):
        importlib.import_module(f"bot.ui.{module.name}")
    found, stack = [], list(CallbackData.__subclasses__())
    while stack:
        kind = stack.pop()
        stack += kind.__subclasses__()
        if kind.__module__.startswith("bot.ui."):
            found.append(kind)
    return found


def test_every_button_kind_has_its_own_versioned_prefix():
    prefixes = [kind.__prefix__ for kind in kinds()]
    assert len(prefixes) > 20
    assert all(p.startswith("v1") for p in prefixes)
    assert sorted(p for p in prefixes if prefixes.count(p) > 1) == []
