"""The foundation's tables: tenants, users, groups, roles, inbox, flow state and outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class Community(Base):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    # The next run of the community's daily job, in UTC; the sweeper claims it when due.
    next_daily_at: Mapped[datetime | None] = mapped_column(index=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    language_code: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChatGroup(Base):
    """A Telegram group (or one forum topic of it) the bot is in."""

    __tablename__ = "chat_groups"
    __table_args__ = (UniqueConstraint("chat_id", "thread_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    thread_id: Mapped[int] = mapped_column(BigInteger, default=0)
    title: Mapped[str | None] = mapped_column(String(255))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    purpose: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    bound_by: Mapped[int | None] = mapped_column(BigInteger)
    join_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    __table_args__ = (Index("ix_role_assignments_user_community", "user_id", "community_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    role: Mapped[str] = mapped_column(String(24))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    granted_by: Mapped[int] = mapped_column(BigInteger)
    granted_at: Mapped[datetime]


class InboxEntry(Base):
    """One row per handled update: a repeated update_id is a no-op."""

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(index=True)


class FlowState(Base):
    """aiogram FSM state and data of one (bot, chat, thread, user, destiny) key."""

    __tablename__ = "flow_states"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message to send: what to say (kind and parameters), not text; rendered at send time."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "priority", "not_before"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    thread_id: Mapped[int] = mapped_column(BigInteger, default=0)
    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    # When set, this row edits the message another row sent instead of sending a new one.
    edit_of: Mapped[int | None] = mapped_column(Integer, index=True)
    # What the message is about (e.g. "survey:12"), to find its posts again.
    ref: Mapped[str | None] = mapped_column(String(32), index=True)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)


class Unit(Base):
    """A node of the community tree: compound → building → entrance (optional) → floor.

    `path` is the chain of ids from the top (`/3/7/12/`), so "this unit and everything
    below it" is one prefix match.
    """

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("community_id", "parent_id", "kind", "name"),
                      Index("ix_units_path", "path"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(64))
    sort_key: Mapped[int] = mapped_column(Integer, default=0)
    path: Mapped[str] = mapped_column(String(255), default="/")


class Household(Base):
    """An apartment on a floor; `owner_key` ties several units of one owner together."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("floor_id", "room"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    room: Mapped[str] = mapped_column(String(32))
    area: Mapped[float] = mapped_column(Numeric(10, 2), default=0)
    owner_key: Mapped[str | None] = mapped_column(String(64), index=True)


class Resident(Base):
    """A user's link to a household: a join request until someone approves it."""

    __tablename__ = "residents"
    __table_args__ = (UniqueConstraint("user_id", "household_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    relation: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    requested_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who changed what and when: roles, bindings, imports, approvals."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime]


class RosterImport(Base):
    """A validated roster file waiting for the admin's confirmation."""

    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    admin_id: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[list[Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    created_at: Mapped[datetime]


class Survey(Base):
    """A questionnaire (or a one-question poll) put to a scope until its deadline.

    `salt` keys the ballots of an anonymous survey and is wiped at closing, so afterwards
    nobody can tell whose answers are whose; `results` is the snapshot taken at closing.
    """

    __tablename__ = "surveys"
    __table_args__ = (Index("ix_surveys_open_deadline", "status", "deadline"),
                      Index("ix_surveys_open_remind", "status", "remind_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    creator_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(12))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    live_results: Mapped[bool] = mapped_column(Boolean)
    deadline: Mapped[datetime]
    remind_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    salt: Mapped[str | None] = mapped_column(String(64))
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SurveyScope(Base):
    __tablename__ = "survey_scopes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(Boolean)
    max_choices: Mapped[int | None] = mapped_column(Integer)


class QuestionOption(Base):
    __tablename__ = "question_options"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(100))


class Participation(Base):
    """Who has answered (a user, or a household for door-to-door records): used for
    reminders and turnout, never joined to the answers of an anonymous survey."""

    __tablename__ = "participations"
    __table_args__ = (UniqueConstraint("survey_id", "respondent_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    respondent_key: Mapped[str] = mapped_column(String(32))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(8))
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime]


class Ballot(Base):
    """One respondent's answers to a survey; `ballot_key` is the respondent key, or its
    salted hash in an anonymous survey."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("survey_id", "ballot_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    ballot_key: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime]


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_question_option", "question_id", "option_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"),
                                           index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("question_options.id"))
    rating: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)


# The other features' tables, registered on Base (reports; meetings, motions, decisions).
from storage import case_models, deliberation_models  # noqa: E402,F401
