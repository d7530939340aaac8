"""Screens of the /categories editor: the list of categories, one category with its body and
deadlines, the body and deadline pickers, the name prompts, the bodies and one body with the
groups its cases may go to. Each screen is a (text, keyboard) pair the conversation renders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.services.case_categories import (
    DEADLINES,
    NAME_MAX,
    BodyChoice,
    BodyInfo,
    CategoryInfo,
    GroupOption,
    allowed_hours,
)
from bot.services.communities import CommunityInfo
from bot.ui import fmt
from bot.ui.case_texts import body_name, category_name
from bot.ui.category_callbacks import BodyCB, CategoriesCB, CategoryCB
from bot.ui.roster_texts import purpose_name

Row = list[tuple[str, CallbackData]]
Screen = tuple[str, InlineKeyboardMarkup]


def keyboard(*rows: Row) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=text, callback_data=data.pack()) for text, data in row]
        for row in rows if row])


def hours_text(hours: float, locale: str) -> str:
    return fmt.duration(timedelta(hours=hours), locale)


def deadline_name(deadline: str) -> str:
    return {"ack": _("⏱ Time to acknowledge"), "resolve": _("🛠 Time to resolve"),
            "urgent_ack": _("⚡ Time to acknowledge an urgent case"),
            "urgent_resolve": _("⚡ Time to resolve an urgent case")}[deadline]


def group_title(group: GroupOption) -> str:
    return group.title or str(group.chat_id)


def destination(body: BodyInfo) -> str:
    """Where the body's cases go, as the overview and the body screen say it."""
    if not body.targets:
        return _("👤 its members in private")
    groups = ", ".join(group_title(g) for g in body.targets)
    if body.group_id is None:
        return _("👥 {groups} (default)").format(groups=groups)
    return _("👥 {groups}").format(groups=groups)


def community_picker(communities: Sequence[CommunityInfo]) -> Screen:
    """Asked first when the user manages several communities."""
    return _("Which community?"), keyboard(
        *[[(c.name, CategoriesCB(action="list", community=c.id))] for c in communities])


def list_screen(community_id: int, categories: tuple[CategoryInfo, ...]) -> Screen:
    rows: list[Row] = [[(
        _("✅ {name}").format(name=category_name(c.label.json())) if c.active
        else _("💤 {name} (hidden)").format(name=category_name(c.label.json())),
        CategoryCB(action="open", category=c.id))] for c in categories]
    text = _("What residents can report. ✅ offered to residents, 💤 hidden.\n"
             "Tap a category to change who handles it and how fast.")
    return text, keyboard(*rows,
                          [(_("➕ New category"), CategoriesCB(action="new",
                                                               community=community_id))],
                          [(_("🏢 Bodies"), CategoriesCB(action="bodies",
                                                         community=community_id))],
                          [(_("✔️ Done"), CategoriesCB(action="done", community=community_id))])


def category_screen(c: CategoryInfo, locale: str) -> Screen:
    lines = [category_name(c.label.json())]
    if not c.active:
        lines.append(_("💤 Hidden: residents cannot choose it."))
    lines.append(_("🏢 Handled by: {body}").format(body=body_name(c.body.json())))
    times = {d: _("{deadline}: {time}").format(deadline=deadline_name(d),
                                                time=hours_text(c.hours(d), locale))
             for d in DEADLINES}
    lines += times.values()
    toggle = ((_("💤 Hide from residents"), "hide") if c.active
              else (_("✅ Offer to residents again"), "show"))
    return "\n".join(lines), keyboard(
        [(_("🏢 Change who handles it"), CategoryCB(action="bodies", category=c.id))],
        *[[(times[d], CategoryCB(action="hours", category=c.id, value=d))] for d in DEADLINES],
        [(_("✏️ Rename"), CategoryCB(action="rename", category=c.id))],
        [(toggle[0], CategoryCB(action=toggle[1], category=c.id))],
        [(_("⬅️ Back"), CategoriesCB(action="list", community=c.community_id))])


def hours_screen(c: CategoryInfo, deadline: str, locale: str) -> Screen:
    lines = [_("{deadline} for “{category}”: now {time}. Choose the new time:").format(
        deadline=deadline_name(deadline), category=category_name(c.label.json()),
        time=hours_text(c.hours(deadline), locale))]
    allowed = allowed_hours(c, deadline)
    lines.append(_("Only the times that fit the other limits are offered: an urgent case never "
                   "gets more time than a normal one, and acknowledging a case never more "
                   "than resolving it."))
    if not allowed:
        lines.append(_("None fits the other limits as they are now: change those first."))
    buttons = [(("✔️ " if h == c.hours(deadline) else "") + hours_text(h, locale),
                CategoryCB(action="set", category=c.id, value=f"{deadline}={h:g}"))
               for h in allowed]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    return "\n".join(lines), keyboard(*rows, [(_("⬅️ Back"), CategoryCB(action="open",
                                                                         category=c.id))])


def body_picker(c: CategoryInfo, bodies: tuple[BodyInfo, ...]) -> Screen:
    rows = [[(("✔️ " if b.id == c.body_id else "") + body_name(b.label.json()),
              CategoryCB(action="body", category=c.id, value=str(b.id)))] for b in bodies]
    return (_("Who handles “{category}”?").format(category=category_name(c.label.json())),
            keyboard(*rows, [(_("⬅️ Back"), CategoryCB(action="open", category=c.id))]))


def rename_category_prompt(c: CategoryInfo) -> Screen:
    return (_("Send the new name of “{name}” ({limit} characters at most).").format(
                name=category_name(c.label.json()), limit=NAME_MAX),
            keyboard([(_("⬅️ Back"), CategoryCB(action="open", category=c.id))]))


def new_category_prompt(community_id: int) -> Screen:
    return (_("Send the name of the new category ({limit} characters at most). The residents' "
              "committee will handle it; you can change that and its deadlines next.").format(
                limit=NAME_MAX),
            keyboard([(_("⬅️ Back"), CategoriesCB(action="list", community=community_id))]))


def bodies_screen(community_id: int, bodies: tuple[BodyInfo, ...]) -> Screen:
    lines = [_("Who handles reports, and where their cases go:")]
    lines += [_("{body}: {where}").format(body=body_name(b.label.json()), where=destination(b))
              for b in bodies]
    lines.append(_("Tap a body to choose its group or rename it."))
    rows = [[(body_name(b.label.json()), BodyCB(action="open", body=b.id))] for b in bodies]
    return "\n".join(lines), keyboard(
        *rows, [(_("⬅️ Back"), CategoriesCB(action="list", community=community_id))])


def body_screen(choice: BodyChoice) -> Screen:
    body = choice.body
    lines = [body_name(body.label.json()),
             _("Cases go to: {where}").format(where=destination(body)),
             _("Choose the group for its cases. “Default” sends them to the community's "
               "groups of this body (committee or property management), or to its members "
               "in private when there is none.")]
    if not choice.groups:
        lines.append(_("No committee or property management group is connected yet: send "
                       "/bind in that group first."))
    rows = [[(("✔️ " if g.id == body.group_id else "")
              + _("👥 {group} · {purpose}").format(group=group_title(g),
                                                   purpose=purpose_name(g.purpose)),
              BodyCB(action="group", body=body.id, value=g.id))] for g in choice.groups]
    return "\n".join(lines), keyboard(
        *rows,
        [(("✔️ " if body.group_id is None else "") + _("↩️ Default"),
          BodyCB(action="group", body=body.id, value=0))],
        [(_("✏️ Rename"), BodyCB(action="rename", body=body.id))],
        [(_("⬅️ Back"), CategoriesCB(action="bodies", community=body.community_id))])


def rename_body_prompt(choice: BodyChoice) -> Screen:
    return (_("Send the new name of “{name}” ({limit} characters at most).").format(
                name=body_name(choice.body.label.json()), limit=NAME_MAX),
            keyboard([(_("⬅️ Back"), BodyCB(action="open", body=choice.body.id))]))


def saved(screen: Screen) -> Screen:
    """The screen under a confirmation (after a typed name, which comes as a new message)."""
    return _("✅ Saved.") + "\n\n" + screen[0], screen[1]
