"""/motion (private chat): a committee member or organizer puts a question to the vote.

community → question → what it comes from (a report case or a survey, optional) → rule
(simple majority, two thirds, or the Civil Code's owners' double majority, ordinary or
special matters) → who votes (the whole community, a building…) → deadline → secret ballot
or not → which body carries it out if it passes → preview → Publish. The motion is posted
with For / Against / Abstain buttons in every residents' group in scope; nothing is sent
before Publish.
"""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.clock import Clock
from bot.services import NotPermitted, ServiceError, UnitOfWork
from bot.services.meeting_agenda import agenda_sources
from bot.services.motions import MotionDraft, check_question, create_motion, decision_bodies
from bot.services.survey_drafting import organizer_communities, scope_choices
from bot.services.units import unit_level
from bot.ui import fmt
from bot.ui.case_texts import body_name
from bot.ui.errors import describe
from bot.ui.filters import NOT_COMMAND, TYPED
from bot.ui.motion_callbacks import MotionDraftCB
from bot.ui.motion_texts import rule_explained, rule_name
from bot.ui.unit_picker import KIND_ICONS
from conversations import motion_deadline
from conversations.motion_deadline import ask_deadline
from conversations.motion_draft import MotionSteps, chosen, markup

RULES = ("simple", "two_thirds", "art278", "art278_special")
WHOLE = "0"


async def cmd_motion(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Starts a motion for an organizer; refuses anyone else."""
    communities = await organizer_communities(uow, message.from_user.id)
    if not communities:
        raise NotPermitted("not_motion_organizer")
    await state.clear()
    await state.set_data({"communities": {str(c.id): [c.name, c.timezone]
                                          for c in communities}})
    if len(communities) == 1:
        await _use_community(message, state, str(communities[0].id))
        return
    await state.set_state(MotionSteps.community)
    await message.answer(_("Which community?"), reply_markup=markup(
        [(c.name, "community", str(c.id)) for c in communities]))


async def _use_community(message: Message, state: FSMContext, community: str) -> None:
    name, timezone = (await state.get_data())["communities"][community]
    await state.update_data(community=int(community), timezone=timezone)
    await state.set_state(MotionSteps.question)
    await message.answer(_("🗳 A motion for {community}. What is the question to vote on? "
                           "Write it so that For and Against are clear, e.g. “Install a lift "
                           "in building 3, paid from the maintenance fund”.").format(
        community=name))


async def on_community(query: CallbackQuery, callback_data: MotionDraftCB,
                       state: FSMContext) -> None:
    if callback_data.value not in (await state.get_data()).get("communities", {}):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await chosen(query, (await state.get_data())["communities"][callback_data.value][0])
    await _use_community(query.message, state, callback_data.value)


async def receive_question(message: Message, state: FSMContext, uow: UnitOfWork) -> None:
    """Stores the question and asks for the rule."""
    try:
        question = check_question(message.text)
    except ServiceError as error:
        await message.answer(describe(error))
        return
    data = await state.update_data(question=question)
    sources = await agenda_sources(uow, message.from_user.id, data["community"])
    if not sources:
        await ask_rule(message, state)
        return
    await state.update_data(origins={f"{s.kind}-{s.id}": s.text for s in sources})
    await state.set_state(MotionSteps.origin)
    items = [(("📋 " if s.kind == "case" else "📊 ") + s.text[:50], "origin", f"{s.kind}-{s.id}")
             for s in sources]
    await message.answer(_("Does it come from a report case or a survey? Its reporter and "
                           "the groups will be told when the decision is carried out."),
                         reply_markup=markup([*items, (_("⏭ No"), "origin", "")]))


async def on_origin(query: CallbackQuery, callback_data: MotionDraftCB,
                    state: FSMContext) -> None:
    """Stores the case or survey the motion comes from (or none)."""
    origins = (await state.get_data()).get("origins", {})
    if callback_data.value and callback_data.value not in origins:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(origin=callback_data.value)
    await chosen(query, origins.get(callback_data.value) or _("No"))
    await ask_rule(query.message, state)


async def ask_rule(message: Message, state: FSMContext) -> None:
    await state.set_state(MotionSteps.rule)
    lines = [_("Which rule decides it?")]
    lines += [f"• {rule_name(r)}: {rule_explained(r)}" for r in RULES]
    await message.answer("\n\n".join(lines), reply_markup=markup(
        [(rule_name(r), "rule", r) for r in RULES]))


async def on_rule(query: CallbackQuery, callback_data: MotionDraftCB, state: FSMContext,
                  uow: UnitOfWork) -> None:
    """Stores the rule and asks who votes."""
    if callback_data.value not in RULES:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(rule=callback_data.value)
    await chosen(query, rule_name(callback_data.value))
    data = await state.get_data()
    choices = await scope_choices(uow, query.from_user.id, data["community"])
    items = []
    if choices.whole:
        items.append((_("🏘 The whole community"), "scope", WHOLE))
        top = await unit_level(uow, data["community"], None)
        for unit in top.children:
            items.append((f"{KIND_ICONS.get(unit.kind, '')} {unit.name}", "scope", str(unit.id)))
            below = await unit_level(uow, data["community"], unit.id)
            items += [(f"{KIND_ICONS.get(u.kind, '')} {unit.name} {u.name}", "scope", str(u.id))
                      for u in below.children if u.kind != "floor"]
    else:
        items += [(f"{KIND_ICONS.get(u.kind, '')} {u.label}", "scope", str(u.id))
                  for u in choices.roots]
    labels = {value: text for text, _action, value in items}
    await state.update_data(scopes=labels)
    await state.set_state(MotionSteps.scope)
    await query.message.answer(_("Who votes? The verified residents (owners, under Article "
                                 "278) of the homes in:"), reply_markup=markup(items[:40]))


async def on_scope(query: CallbackQuery, callback_data: MotionDraftCB, state: FSMContext,
                   clock: Clock, locale: str) -> None:
    data = await state.get_data()
    label = data.get("scopes", {}).get(callback_data.value)
    if label is None:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await state.update_data(scope=int(callback_data.value))
    await chosen(query, label)
    await ask_deadline(query.message, state, clock, locale)


async def on_secret(query: CallbackQuery, callback_data: MotionDraftCB, state: FSMContext,
                    uow: UnitOfWork) -> None:
    data = await state.update_data(secret=callback_data.value == "1")
    await chosen(query, _("🔒 Yes, secret") if data["secret"] else _("No, an open vote"))
    bodies = await decision_bodies(uow, data["community"])
    await state.set_state(MotionSteps.body)
    await state.update_data(bodies={str(b.id): [b.key, b.name] for b in bodies})
    await query.message.answer(
        _("If it passes, who carries it out? They will post progress until it is done."),
        reply_markup=markup([(body_name([b.key, b.name]), "body", str(b.id))
                              for b in bodies]))


def preview_text(data: dict, locale: str) -> str:
    deadline = datetime.fromisoformat(data["deadline"])
    return "\n".join([
        _("Please check the motion:"),
        _("🗳 {question}").format(question=data["question"]),
        _("Rule: {rule}").format(rule=rule_name(data["rule"])),
        _("Who votes: {scope}").format(scope=data["scopes"][str(data["scope"])]),
        _("Voting until: {deadline}").format(
            deadline=fmt.when(deadline, data["timezone"], locale)),
        _("Secret ballot: {answer}").format(answer=_("yes") if data["secret"] else _("no")),
        _("If it passes, carried out by: {body}").format(
            body=body_name(data["bodies"][str(data["body"])])),
        _("Nothing is posted before you press Publish."),
    ])


async def on_body(query: CallbackQuery, callback_data: MotionDraftCB, state: FSMContext,
                  locale: str) -> None:
    data = await state.get_data()
    if callback_data.value not in data.get("bodies", {}):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    data = await state.update_data(body=int(callback_data.value))
    await chosen(query, body_name(data["bodies"][callback_data.value]))
    await state.set_state(MotionSteps.preview)
    await query.message.answer(preview_text(data, locale), reply_markup=markup(
        [(_("📣 Publish"), "publish", "")]))


async def on_publish(query: CallbackQuery, state: FSMContext, uow: UnitOfWork) -> None:
    """Publishes the motion; the services check the role, the rule, scope and deadline."""
    data = await state.get_data()
    kind, _sep, origin = (data.get("origin") or "").partition("-")
    draft = MotionDraft(question=data["question"], rule=data["rule"],
                        case_id=int(origin) if kind == "case" else None,
                        survey_id=int(origin) if kind == "survey" else None,
                        scope_unit_ids=(data["scope"] or None,),
                        deadline=datetime.fromisoformat(data["deadline"]),
                        secret=data["secret"], body_id=data["body"])
    try:
        view = await create_motion(uow, creator_id=query.from_user.id,
                                   community_id=data["community"], draft=draft)
    except ServiceError as error:
        await query.answer(describe(error), show_alert=True)
        return
    await state.clear()
    await chosen(query, _("Published"))
    await query.message.answer(_("📣 Motion #{id} is posted in the groups. /motions shows it; "
                                 "the result is announced at the deadline.").format(id=view.id))


async def on_cancel(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Cancelled. Nothing was posted."), reply_markup=None)


async def receive_other(message: Message, state: FSMContext) -> None:
    """Answers a sticker, photo or stray text with what this step expects."""
    step = await state.get_state()
    if step == MotionSteps.question.state:
        await message.answer(_("Please send the question as text, or send /cancel."))
    elif step == MotionSteps.deadline.state:
        await message.answer(_("Please press a button above, or type a date and time such "
                               "as 2026-12-05 18:00, or send /cancel."))
    else:
        await message.answer(_("Please use the buttons above, or send /cancel."))


def make_router() -> Router:
    router = Router(name="create_motion")
    router.message.filter(F.chat.type == "private")
    cb = MotionDraftCB.filter
    router.message.register(cmd_motion, Command("motion"), StateFilter("*"))
    router.callback_query.register(on_community, MotionSteps.community,
                                   cb(F.action == "community"))
    router.message.register(receive_question, MotionSteps.question, TYPED)
    router.callback_query.register(on_origin, MotionSteps.origin, cb(F.action == "origin"))
    router.callback_query.register(on_rule, MotionSteps.rule, cb(F.action == "rule"))
    router.callback_query.register(on_scope, MotionSteps.scope, cb(F.action == "scope"))
    motion_deadline.register(router)
    router.callback_query.register(on_secret, MotionSteps.secret, cb(F.action == "secret"))
    router.callback_query.register(on_body, MotionSteps.body, cb(F.action == "body"))
    router.callback_query.register(on_publish, MotionSteps.preview, cb(F.action == "publish"))
    router.callback_query.register(on_cancel, StateFilter(MotionSteps), cb(F.action == "cancel"))
    router.message.register(receive_other, StateFilter(MotionSteps), NOT_COMMAND)
    return router


