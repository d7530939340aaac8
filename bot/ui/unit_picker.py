"""A keyboard for walking the community tree: open a compound or building, pick a unit."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.units import UnitLevel
from bot.ui.callbacks import UnitCB

KIND_ICONS = {"compound": "🏘", "building": "🏢", "entrance": "🚪", "floor": "🔢"}


def unit_keyboard(level: UnitLevel, flow: str, *, pick_top: bool = False,
                  ) -> InlineKeyboardMarkup:
    """Children open (floors are picked at once); the current unit can be picked; Up goes
    back one level. `pick_top` offers the whole community at the top level."""
    builder = InlineKeyboardBuilder()
    community = level.community_id
    for child in level.children:
        action = "pick" if child.kind == "floor" else "open"
        builder.button(text=f"{KIND_ICONS.get(child.kind, '')} {child.name}",
                       callback_data=UnitCB(flow=flow, action=action, community=community,
                                            unit=child.id))
    width = 4 if level.children and level.children[0].kind == "floor" else 2
    sizes = [width] * ((len(level.children) + width - 1) // width)
    extra = 0
    if level.current is not None:
        builder.button(text=_("✅ Choose {unit}").format(unit=level.current.label),
                       callback_data=UnitCB(flow=flow, action="pick", community=community,
                                            unit=level.current.id))
        builder.button(text=_("⬆️ Up"),
                       callback_data=UnitCB(flow=flow, action="open", community=community,
                                            unit=level.parent_id or 0))
        extra = 2
    elif pick_top:
        builder.button(text=_("✅ The whole community"),
                       callback_data=UnitCB(flow=flow, action="pick", community=community,
                                            unit=0))
        extra = 1
    builder.adjust(*sizes, *([1] * extra)) if sizes else builder.adjust(1)
    return builder.as_markup()
