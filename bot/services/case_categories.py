"""Editing what residents may report and who handles it: the categories (name, body, the
four deadlines, shown or hidden) and the bodies (name, the group their cases go to).

Only community admins and committee members (MANAGERS, community-wide) may; every call
checks it again, since the ids come from buttons. Each change leaves an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cases import HOUR_CHOICES
from bot.domain.roles import MANAGERS
from bot.services.case_views import PURPOSES, Label
from bot.services.errors import InvalidInput, NotFound, NotPermitted
from bot.services.permissions import has_role
from bot.services.reports import ensure_defaults
from storage import UnitOfWork, case_categories_repo, cases_repo
from storage.case_models import Body, Category
from storage.models import AuditEntry, ChatGroup

NAME_MAX = 40
#: The deadlines of a category, by the name of their column without `_hours`.
DEADLINES = ("ack", "resolve", "urgent_ack", "urgent_resolve")
#: Which normal deadline each urgent one must not exceed.
URGENT_OF = {"urgent_ack": "ack", "urgent_resolve": "resolve"}
#: Pairs (shorter, longer) of deadlines that may be equal but never the other way round,
#: with the refusal when the shorter one is set too long and when the longer one too short:
#: an urgent case never gets more time than a normal one, and acknowledging a case never
#: more than resolving it.
BOUNDS = {
    **{(urgent, normal): ("urgent_longer", "normal_shorter")
       for urgent, normal in URGENT_OF.items()},
    ("ack", "resolve"): ("ack_longer", "resolve_shorter"),
    ("urgent_ack", "urgent_resolve"): ("ack_longer", "resolve_shorter"),
}
#: The purposes of the groups a body's cases may be sent to.
GROUP_PURPOSES = ("committee", "property")
#: Where a new category goes, and its deadlines (ack, resolve, urgent ack, urgent resolve).
NEW_CATEGORY_BODY = "residents_committee"
NEW_CATEGORY_HOURS = (24, 168, 4, 48)


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    community_id: int
    label: Label
    body_id: int
    body: Label
    ack_hours: float
    resolve_hours: float
    urgent_ack_hours: float
    urgent_resolve_hours: float
    active: bool

    def hours(self, deadline: str) -> float:
        return float(getattr(self, f"{deadline}_hours"))


@dataclass(frozen=True)
class GroupOption:
    id: int
    chat_id: int
    title: str | None
    purpose: str


@dataclass(frozen=True)
class BodyInfo:
    """A body and where its cases go now: `targets` (its own group, or by default the
    community's groups of its purpose); none means its members in private."""

    id: int
    community_id: int
    label: Label
    group_id: int | None
    targets: tuple[GroupOption, ...]


@dataclass(frozen=True)
class BodyChoice:
    """A body with the groups it may be given."""

    body: BodyInfo
    groups: tuple[GroupOption, ...]


def check_name(name: str | None) -> str:
    """The cleaned name (1–40 characters) or InvalidInput."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("name_empty")
    if len(name) > NAME_MAX:
        raise InvalidInput("name_too_long", length=len(name), limit=NAME_MAX)
    return name


def _hours_text(hours: float) -> int | float:
    return int(hours) if float(hours).is_integer() else hours


def _refusal(category: CategoryInfo | Category, deadline: str,
             hours: float) -> InvalidInput | None:
    if deadline not in DEADLINES or hours not in HOUR_CHOICES:
        return InvalidInput("bad_hours")
    for (shorter, longer), (too_long, too_short) in BOUNDS.items():
        if deadline == shorter and hours > (limit := getattr(category, f"{longer}_hours")):
            return InvalidInput(too_long, deadline=deadline, hours=_hours_text(hours),
                                limit=_hours_text(limit))
        if deadline == longer and hours < (limit := getattr(category, f"{shorter}_hours")):
            return InvalidInput(too_short, deadline=deadline, hours=_hours_text(hours),
                                limit=_hours_text(limit))
    return None


def check_deadline(category: CategoryInfo | Category, deadline: str, hours: float) -> None:
    """Refuses a value not offered, and one out of BOUNDS with the other deadlines: an urgent
    deadline longer than the normal one, acknowledging longer than resolving."""
    refusal = _refusal(category, deadline, hours)
    if refusal is not None:
        raise refusal


def allowed_hours(category: CategoryInfo, deadline: str) -> tuple[float, ...]:
    """The HOUR_CHOICES check_deadline accepts for the deadline, given the other three."""
    return tuple(h for h in HOUR_CHOICES if _refusal(category, deadline, h) is None)


async def _require_manager(session: AsyncSession, actor_id: int, community_id: int) -> None:
    if not await has_role(session, actor_id, community_id, None, MANAGERS):
        raise NotPermitted("not_manager")


def _audit(session: AsyncSession, community_id: int, actor_id: int, action: str,
           now: object, **details: object) -> None:
    session.add(AuditEntry(community_id=community_id, actor_id=actor_id, action=action,
                           details=details, at=now))


def _category_info(category: Category, body: Body) -> CategoryInfo:
    return CategoryInfo(category.id, category.community_id, Label(category.key, category.name),
                        body.id, Label(body.key, body.name), category.ack_hours,
                        category.resolve_hours, category.urgent_ack_hours,
                        category.urgent_resolve_hours, category.active)


def _group_option(group: ChatGroup) -> GroupOption:
    return GroupOption(group.id, group.chat_id, group.title, group.purpose or "")


def _body_info(body: Body, groups: list[ChatGroup]) -> BodyInfo:
    """Mirrors case_views.body_targets: the body's own group if it is still active, else
    (none set) the groups of its purpose, else nobody's group."""
    if body.group_id is not None:
        targets = [g for g in groups if g.id == body.group_id]
    else:
        purpose = PURPOSES.get(body.key)
        targets = [g for g in groups if purpose is not None and g.purpose == purpose]
    return BodyInfo(body.id, body.community_id, Label(body.key, body.name), body.group_id,
                    tuple(_group_option(g) for g in targets))


async def _category(session: AsyncSession, actor_id: int, category_id: int, *,
                    lock: bool = False) -> Category:
    category = (await case_categories_repo.category_for_update(session, category_id) if lock
                else await session.get(Category, category_id))
    if category is None:
        raise NotFound("category")
    await _require_manager(session, actor_id, category.community_id)
    return category


async def _body(session: AsyncSession, actor_id: int, body_id: int, *,
                lock: bool = False) -> Body:
    body = (await case_categories_repo.body_for_update(session, body_id) if lock
            else await session.get(Body, body_id))
    if body is None:
        raise NotFound("body")
    await _require_manager(session, actor_id, body.community_id)
    return body


async def _with_body(session: AsyncSession, category: Category) -> CategoryInfo:
    return _category_info(category, await session.get(Body, category.body_id))


# -- categories ---------------------------------------------------------------------------

async def list_categories(uow: UnitOfWork, *, actor_id: int, community_id: int,
                          ) -> tuple[CategoryInfo, ...]:
    """Every category of the community, shown and hidden, in their order."""
    async with uow:
        session = uow.session
        await _require_manager(session, actor_id, community_id)
        await ensure_defaults(session, community_id)
        bodies = {b.id: b for b in await cases_repo.bodies(session, community_id)}
        categories = await cases_repo.categories(session, community_id, active_only=False)
        result = tuple(_category_info(c, bodies[c.body_id]) for c in categories)
        await uow.commit()
    return result


async def category_detail(uow: UnitOfWork, *, actor_id: int, category_id: int,
                          ) -> CategoryInfo:
    async with uow(readonly=True):
        session = uow.session
        return await _with_body(session, await _category(session, actor_id, category_id))


async def add_category(uow: UnitOfWork, *, actor_id: int, community_id: int,
                       name: str | None) -> CategoryInfo:
    """Creates a shown category, handled by the residents' committee, with the default
    deadlines of "other" (24 h / 168 h; urgent 4 h / 48 h), placed last."""
    name = check_name(name)
    async with uow:
        session, now = uow.session, uow.now()
        await _require_manager(session, actor_id, community_id)
        await ensure_defaults(session, community_id)
        body = (await case_categories_repo.body_by_key(session, community_id, NEW_CATEGORY_BODY)
                or (await cases_repo.bodies(session, community_id))[-1])
        ack, resolve, urgent_ack, urgent_resolve = NEW_CATEGORY_HOURS
        category = Category(community_id=community_id, key=None, name=name, body_id=body.id,
                            ack_hours=ack, resolve_hours=resolve, urgent_ack_hours=urgent_ack,
                            urgent_resolve_hours=urgent_resolve,
                            position=await case_categories_repo.next_position(session,
                                                                              community_id),
                            active=True)
        session.add(category)
        await session.flush()
        _audit(session, community_id, actor_id, "add_category", now, category_id=category.id)
        result = _category_info(category, body)
        await uow.commit()
    return result


async def rename_category(uow: UnitOfWork, *, actor_id: int, category_id: int,
                          name: str | None) -> CategoryInfo:
    name = check_name(name)
    async with uow:
        session, now = uow.session, uow.now()
        category = await _category(session, actor_id, category_id, lock=True)
        category.name = name
        _audit(session, category.community_id, actor_id, "rename_category", now,
               category_id=category.id)
        result = await _with_body(session, category)
        await uow.commit()
    return result


async def change_category_body(uow: UnitOfWork, *, actor_id: int, category_id: int,
                               body_id: int) -> CategoryInfo:
    """Routes the category's new cases to another body of the same community (open cases
    stay with the body they were dispatched to)."""
    async with uow:
        session, now = uow.session, uow.now()
        category = await _category(session, actor_id, category_id, lock=True)
        body = await session.get(Body, body_id)
        if body is None or body.community_id != category.community_id:
            raise NotFound("body")
        category.body_id = body.id
        _audit(session, category.community_id, actor_id, "category_body", now,
               category_id=category.id, body_id=body.id)
        result = _category_info(category, body)
        await uow.commit()
    return result


async def change_deadline(uow: UnitOfWork, *, actor_id: int, category_id: int,
                          deadline: str, hours: float) -> CategoryInfo:
    """Sets one of the four deadlines to one of HOUR_CHOICES, within BOUNDS of the other
    three. New cases get it; open cases keep theirs."""
    async with uow:
        session, now = uow.session, uow.now()
        category = await _category(session, actor_id, category_id, lock=True)
        check_deadline(category, deadline, hours)
        setattr(category, f"{deadline}_hours", hours)
        _audit(session, category.community_id, actor_id, "category_deadline", now,
               category_id=category.id, deadline=deadline, hours=hours)
        result = await _with_body(session, category)
        await uow.commit()
    return result


async def show_category(uow: UnitOfWork, *, actor_id: int, category_id: int,
                        shown: bool) -> CategoryInfo:
    """Offers the category to reporters again, or hides it; one must stay shown."""
    async with uow:
        session, now = uow.session, uow.now()
        category = await _category(session, actor_id, category_id)
        siblings = await case_categories_repo.categories_for_update(session,
                                                                    category.community_id)
        if not shown and category.active and sum(c.active for c in siblings) <= 1:
            raise InvalidInput("last_category")
        category.active = shown
        _audit(session, category.community_id, actor_id, "show_category", now,
               category_id=category.id, shown=shown)
        result = await _with_body(session, category)
        await uow.commit()
    return result


# -- bodies -------------------------------------------------------------------------------

async def list_bodies(uow: UnitOfWork, *, actor_id: int, community_id: int,
                      ) -> tuple[BodyInfo, ...]:
    """The community's bodies, bottom of the escalation chain first, with where their cases
    go."""
    async with uow:
        session = uow.session
        await _require_manager(session, actor_id, community_id)
        await ensure_defaults(session, community_id)
        groups = await case_categories_repo.active_groups(session, community_id,
                                                          GROUP_PURPOSES)
        result = tuple(_body_info(b, groups)
                       for b in await cases_repo.bodies(session, community_id))
        await uow.commit()
    return result


async def body_detail(uow: UnitOfWork, *, actor_id: int, body_id: int) -> BodyChoice:
    """A body, with the community's active committee and property groups to pick from."""
    async with uow(readonly=True):
        session = uow.session
        body = await _body(session, actor_id, body_id)
        groups = await case_categories_repo.active_groups(session, body.community_id,
                                                          GROUP_PURPOSES)
        return BodyChoice(_body_info(body, groups), tuple(_group_option(g) for g in groups))


async def change_body_group(uow: UnitOfWork, *, actor_id: int, body_id: int,
                            group_id: int | None) -> BodyInfo:
    """Sends the body's cases to one of the community's active committee or property
    groups, or (None) back to the default: the groups of its purpose, else its members."""
    async with uow:
        session, now = uow.session, uow.now()
        body = await _body(session, actor_id, body_id, lock=True)
        groups = await case_categories_repo.active_groups(session, body.community_id,
                                                          GROUP_PURPOSES)
        if group_id is not None and all(g.id != group_id for g in groups):
            raise NotFound("group")
        body.group_id = group_id
        _audit(session, body.community_id, actor_id, "body_group", now, body_id=body.id,
               group_id=group_id)
        result = _body_info(body, groups)
        await uow.commit()
    return result


async def rename_body(uow: UnitOfWork, *, actor_id: int, body_id: int,
                      name: str | None) -> BodyInfo:
    name = check_name(name)
    async with uow:
        session, now = uow.session, uow.now()
        body = await _body(session, actor_id, body_id, lock=True)
        body.name = name
        _audit(session, body.community_id, actor_id, "rename_body", now, body_id=body.id)
        groups = await case_categories_repo.active_groups(session, body.community_id,
                                                          GROUP_PURPOSES)
        result = _body_info(body, groups)
        await uow.commit()
    return result
