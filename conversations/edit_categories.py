"""/categories: a community admin or committee member edits, by buttons, what residents may
report, who handles it and how fast, and where each body receives its cases.

One message is edited in place; every step is one tap. Typed text is asked only for a name.

```mermaid
flowchart LR
    list -->|category| category
    category -->|body| pick_body --> category
    category -->|deadline| pick_hours --> category
    category -->|rename| name --> category
    category -->|hide / show| category
    list -->|new| new_name --> category
    list -->|bodies| bodies -->|body| body
    body -->|group / default| bodies
    body -->|rename| body_name --> body
```
"""

from __future__ import annotations

from datetime import timedelta

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.cases import HOUR_CHOICES
from bot.services import UnitOfWork
from bot.services.case_categories import (
    DEADLINES,
    NAME_MAX,
    URGENT_OF,
    BodyChoice,
    BodyInfo,
    CategoryInfo,
    GroupOption,
    add_category,
    body_detail,
    category_detail,
    change_body_group,
    change_category_body,
    change_deadline,
    list_bodies,
    list_categories,
    rename_body,
    rename_category,
    show_category,
)
from bot.services.communities import managed_communities
from bot.services.errors import InvalidInput, NotFound, NotPermitted, ServiceError
from bot.ui import fmt
from bot.ui.case_texts import body_name, category_name
from bot.ui.category_callbacks import BodyCB, CategoriesCB, CategoryCB
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED
from bot.ui.roster_texts import purpose_name

Row = list[tuple[str, CallbackData]]


class EditCategories(StatesGroup):
    browse = State()
    new_name = State()
    category_name = State()
    body_name = State()


# -- texts and keyboards ------------------------------------------------------------------

def keyboard(*rows: Row) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=text, callback_data=data.pack()) for text, data in row]
        for row in rows if row])


def hours_text(hours: float, locale: str) -> str:
    return fmt.duration(timedelta(hours=hours), locale)


def deadline_name(deadline: str) -> str:
    return {"ack": _("⏱ Time to acknowledge"), "resolve": _("🛠 Time to resolve"),
            "urgent_ack": _("⚡ Urgent: time to acknowledge"),
            "urgent_resolve": _("⚡ Urgent: time to resolve")}[deadline]


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


def list_screen(community_id: int, categories: tuple[CategoryInfo, ...],
                ) -> tuple[str, InlineKeyboardMarkup]:
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


def category_screen(c: CategoryInfo, locale: str) -> tuple[str, InlineKeyboardMarkup]:
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


def hours_screen(c: CategoryInfo, deadline: str, locale: str,
                 ) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("{deadline} for “{category}”: now {time}. Choose the new time:").format(
        deadline=deadline_name(deadline), category=category_name(c.label.json()),
        time=hours_text(c.hours(deadline), locale))]
    if deadline in URGENT_OF:
        lines.append(_("An urgent case cannot get more time than a normal one ({time}).")
                     .format(time=hours_text(c.hours(URGENT_OF[deadline]), locale)))
    urgent = {v: k for k, v in URGENT_OF.items()}.get(deadline)
    if urgent is not None:
        lines.append(_("It cannot be shorter than the urgent time ({time}).").format(
            time=hours_text(c.hours(urgent), locale)))
    buttons = [(("✔️ " if h == c.hours(deadline) else "") + hours_text(h, locale),
                CategoryCB(action="set", category=c.id, value=f"{deadline}={h:g}"))
               for h in HOUR_CHOICES]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    return "\n".join(lines), keyboard(*rows, [(_("⬅️ Back"), CategoryCB(action="open",
                                                                         category=c.id))])


def body_picker(c: CategoryInfo, bodies: tuple[BodyInfo, ...],
                ) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[(("✔️ " if b.id == c.body_id else "") + body_name(b.label.json()),
              CategoryCB(action="body", category=c.id, value=str(b.id)))] for b in bodies]
    return (_("Who handles “{category}”?").format(category=category_name(c.label.json())),
            keyboard(*rows, [(_("⬅️ Back"), CategoryCB(action="open", category=c.id))]))


def bodies_screen(community_id: int, bodies: tuple[BodyInfo, ...],
                  ) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("Who handles reports, and where their cases go:")]
    lines += [_("{body}: {where}").format(body=body_name(b.label.json()), where=destination(b))
              for b in bodies]
    lines.append(_("Tap a body to choose its group or rename it."))
    rows = [[(body_name(b.label.json()), BodyCB(action="open", body=b.id))] for b in bodies]
    return "\n".join(lines), keyboard(
        *rows, [(_("⬅️ Back"), CategoriesCB(action="list", community=community_id))])


def body_screen(choice: BodyChoice) -> tuple[str, InlineKeyboardMarkup]:
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


def saved(screen: tuple[str, InlineKeyboardMarkup]) -> tuple[str, InlineKeyboardMarkup]:
    """The screen under a confirmation (after a typed name, which comes as a new message)."""
    return _("✅ Saved.") + "\n\n" + screen[0], screen[1]


async def render(message: Message, screen: tuple[str, InlineKeyboardMarkup], *,
                 edit: bool = True) -> None:
    text, markup = screen
    if not edit:
        await message.answer(text, reply_markup=markup)
        return
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:  # a double tap shows the same screen again
            raise


async def refuse(query: CallbackQuery, error: ServiceError) -> None:
    """A button that points at nothing (any more) has expired; the rest say why."""
    stale = isinstance(error, NotFound) or error.code == "bad_hours"
    await query.answer(_("This button has expired.") if stale else describe(error),
                       show_alert=True)


# -- the flow, in the order the admin meets it --------------------------------------------

async def cmd_categories(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Opens the categories of the community (asked first when the user manages several)."""
    communities = await managed_communities(uow, message.from_user.id)
    if not communities:
        raise NotPermitted("not_manager")
    await state.clear()
    await state.set_state(EditCategories.browse)
    if len(communities) == 1:
        await render(message, list_screen(communities[0].id, await list_categories(
            uow, actor_id=message.from_user.id, community_id=communities[0].id)), edit=False)
        return
    await message.answer(_("Which community?"), reply_markup=keyboard(
        *[[(c.name, CategoriesCB(action="list", community=c.id))] for c in communities]))


async def on_list(query: CallbackQuery, callback_data: CategoriesCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Shows the community's categories, shown and hidden."""
    try:
        categories = await list_categories(uow, actor_id=query.from_user.id,
                                           community_id=callback_data.community)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.browse)
    await query.answer()
    await render(query.message, list_screen(callback_data.community, categories))


async def on_category(query: CallbackQuery, callback_data: CategoryCB, state: FSMContext,
                      uow: UnitOfWork, locale: str) -> None:
    """Opens a category, or changes its body, a deadline or whether it is shown."""
    user, action, value = query.from_user.id, callback_data.action, callback_data.value
    try:
        if action == "body":
            category = await change_category_body(uow, actor_id=user,
                                                  category_id=callback_data.category,
                                                  body_id=int(value))
        elif action == "set":
            deadline, _sep, hours = value.partition("=")
            category = await change_deadline(uow, actor_id=user,
                                             category_id=callback_data.category,
                                             deadline=deadline, hours=float(hours))
        elif action in ("hide", "show"):
            category = await show_category(uow, actor_id=user,
                                           category_id=callback_data.category,
                                           shown=action == "show")
        else:
            category = await category_detail(uow, actor_id=user,
                                             category_id=callback_data.category)
    except ValueError:
        await refuse(query, InvalidInput("bad_hours"))
        return
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.browse)
    await query.answer(_("✅ Saved.") if action != "open" else None)
    await render(query.message, category_screen(category, locale))


async def on_pick_body(query: CallbackQuery, callback_data: CategoryCB, uow: UnitOfWork,
                       ) -> None:
    """Lists the bodies that may handle the category."""
    try:
        category = await category_detail(uow, actor_id=query.from_user.id,
                                         category_id=callback_data.category)
        bodies = await list_bodies(uow, actor_id=query.from_user.id,
                                   community_id=category.community_id)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await query.answer()
    await render(query.message, body_picker(category, bodies))


async def on_pick_hours(query: CallbackQuery, callback_data: CategoryCB, uow: UnitOfWork,
                        locale: str) -> None:
    """Offers the choices for one deadline."""
    if callback_data.value not in DEADLINES:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    try:
        category = await category_detail(uow, actor_id=query.from_user.id,
                                         category_id=callback_data.category)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await query.answer()
    await render(query.message, hours_screen(category, callback_data.value, locale))


async def on_rename(query: CallbackQuery, callback_data: CategoryCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Asks for the category's new name."""
    try:
        category = await category_detail(uow, actor_id=query.from_user.id,
                                         category_id=callback_data.category)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.category_name)
    await state.update_data(category=category.id)
    await query.answer()
    await render(query.message, (
        _("Send the new name of “{name}” ({limit} characters at most).").format(
            name=category_name(category.label.json()), limit=NAME_MAX),
        keyboard([(_("⬅️ Back"), CategoryCB(action="open", category=category.id))])))


async def receive_category_name(message: Message, state: FSMContext, uow: UnitOfWork,
                                locale: str) -> None:
    """Renames the category and shows it again."""
    data = await state.get_data()
    try:
        category = await rename_category(uow, actor_id=message.from_user.id,
                                         category_id=data["category"], name=message.text)
    except ServiceError as exc:
        await message.answer(describe(exc))
        return
    await state.set_state(EditCategories.browse)
    await render(message, saved(category_screen(category, locale)), edit=False)


async def on_new(query: CallbackQuery, callback_data: CategoriesCB, state: FSMContext,
                 uow: UnitOfWork) -> None:
    """Asks for the new category's name (the role is checked now and again on saving)."""
    try:
        await list_categories(uow, actor_id=query.from_user.id,
                              community_id=callback_data.community)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.new_name)
    await state.update_data(community=callback_data.community)
    await query.answer()
    await render(query.message, (
        _("Send the name of the new category ({limit} characters at most). The residents' "
          "committee will handle it; you can change that and its deadlines next.").format(
            limit=NAME_MAX),
        keyboard([(_("⬅️ Back"), CategoriesCB(action="list",
                                               community=callback_data.community))])))


async def receive_new_name(message: Message, state: FSMContext, uow: UnitOfWork,
                           locale: str) -> None:
    """Creates the category (the service checks the role again) and opens it."""
    data = await state.get_data()
    try:
        category = await add_category(uow, actor_id=message.from_user.id,
                                      community_id=data["community"], name=message.text)
    except ServiceError as exc:
        await message.answer(describe(exc))
        return
    await state.set_state(EditCategories.browse)
    await render(message, category_screen(category, locale), edit=False)


async def on_bodies(query: CallbackQuery, callback_data: CategoriesCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    """Shows each body and where its cases go."""
    try:
        bodies = await list_bodies(uow, actor_id=query.from_user.id,
                                   community_id=callback_data.community)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.browse)
    await query.answer()
    await render(query.message, bodies_screen(callback_data.community, bodies))


async def on_body(query: CallbackQuery, callback_data: BodyCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Opens a body with the groups it may be given."""
    try:
        choice = await body_detail(uow, actor_id=query.from_user.id, body_id=callback_data.body)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.browse)
    await query.answer()
    await render(query.message, body_screen(choice))


async def on_group(query: CallbackQuery, callback_data: BodyCB, uow: UnitOfWork) -> None:
    """Sends the body's cases to the picked group (0: the default) and shows all bodies."""
    try:
        body = await change_body_group(uow, actor_id=query.from_user.id,
                                       body_id=callback_data.body,
                                       group_id=callback_data.value or None)
        bodies = await list_bodies(uow, actor_id=query.from_user.id,
                                   community_id=body.community_id)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await query.answer(_("✅ Saved."))
    await render(query.message, bodies_screen(body.community_id, bodies))


async def on_rename_body(query: CallbackQuery, callback_data: BodyCB, state: FSMContext,
                         uow: UnitOfWork) -> None:
    """Asks for the body's new name."""
    try:
        choice = await body_detail(uow, actor_id=query.from_user.id, body_id=callback_data.body)
    except ServiceError as exc:
        await refuse(query, exc)
        return
    await state.set_state(EditCategories.body_name)
    await state.update_data(body=choice.body.id)
    await query.answer()
    await render(query.message, (
        _("Send the new name of “{name}” ({limit} characters at most).").format(
            name=body_name(choice.body.label.json()), limit=NAME_MAX),
        keyboard([(_("⬅️ Back"), BodyCB(action="open", body=choice.body.id))])))


async def receive_body_name(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Renames the body and shows it again."""
    data = await state.get_data()
    try:
        await rename_body(uow, actor_id=message.from_user.id, body_id=data["body"],
                          name=message.text)
        choice = await body_detail(uow, actor_id=message.from_user.id, body_id=data["body"])
    except ServiceError as exc:
        await message.answer(describe(exc))
        return
    await state.set_state(EditCategories.browse)
    await render(message, saved(body_screen(choice)), edit=False)


async def receive_not_text(message: Message) -> None:
    """Answers a photo, sticker or voice message where a name is expected."""
    await message.answer(_("Please send the name as text."))


async def on_done(query: CallbackQuery, state: FSMContext) -> None:
    """Closes the editor; its buttons expire."""
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Done. Send /categories to change them again."),
                                  reply_markup=None)


def make_router() -> Router:
    router = Router(name="edit_categories")
    router.message.filter(F.chat.type == "private")
    flow = StateFilter(EditCategories)
    naming = StateFilter(EditCategories.new_name, EditCategories.category_name,
                         EditCategories.body_name)
    router.message.register(cmd_categories, Command("categories"), StateFilter("*"))
    cats, cat, body = CategoriesCB.filter, CategoryCB.filter, BodyCB.filter
    router.callback_query.register(on_list, flow, cats(F.action == "list"))
    router.callback_query.register(on_new, flow, cats(F.action == "new"))
    router.callback_query.register(on_bodies, flow, cats(F.action == "bodies"))
    router.callback_query.register(on_done, flow, cats(F.action == "done"))
    router.callback_query.register(on_category, flow, cat(F.action.in_(
        {"open", "body", "set", "hide", "show"})))
    router.callback_query.register(on_pick_body, flow, cat(F.action == "bodies"))
    router.callback_query.register(on_pick_hours, flow, cat(F.action == "hours"))
    router.callback_query.register(on_rename, flow, cat(F.action == "rename"))
    router.callback_query.register(on_body, flow, body(F.action == "open"))
    router.callback_query.register(on_group, flow, body(F.action == "group"))
    router.callback_query.register(on_rename_body, flow, body(F.action == "rename"))
    router.message.register(receive_new_name, EditCategories.new_name, TYPED)
    router.message.register(receive_category_name, EditCategories.category_name, TYPED)
    router.message.register(receive_body_name, EditCategories.body_name, TYPED)
    router.message.register(receive_not_text, naming, NOT_COMMAND)
    return router
