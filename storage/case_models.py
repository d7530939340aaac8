"""The tables of issue reports (工单): bodies, categories, cases, their timeline and supporters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class Body(Base):
    """A body that handles cases: property management, a committee, the community admins.

    `level` orders the escalation chain; `group_id` is the group its cases go to (None: the
    community's groups of the body's purpose, else its role holders in private)."""

    __tablename__ = "bodies"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    key: Mapped[str] = mapped_column(String(24))
    role: Mapped[str] = mapped_column(String(24))
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(64))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("chat_groups.id"))


class Category(Base):
    """What a case is about, who handles it and how fast (hours to acknowledge, to resolve,
    and both for urgent cases). `key` names a default category; `name` overrides its label."""

    __tablename__ = "case_categories"
    __table_args__ = (Index("ix_case_categories_community", "community_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    key: Mapped[str | None] = mapped_column(String(24))
    name: Mapped[str | None] = mapped_column(String(40))
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    ack_hours: Mapped[float] = mapped_column(Float)
    resolve_hours: Mapped[float] = mapped_column(Float)
    urgent_ack_hours: Mapped[float] = mapped_column(Float)
    urgent_resolve_hours: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Case(Base):
    """A reported problem. `level` is how far up the chain it has climbed; `next_due_at` is
    the next time the sweeper must look at it (a reminder, an escalation, the auto-close)."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("community_id", "number"),
                      Index("ix_cases_due", "next_due_at"),
                      Index("ix_cases_similar", "building_id", "category_id", "status"),
                      Index("ix_cases_reporter", "reporter_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    number: Mapped[int] = mapped_column(Integer)
    category_id: Mapped[int] = mapped_column(ForeignKey("case_categories.id"))
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    level: Mapped[int] = mapped_column(Integer)
    base_level: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int] = mapped_column(BigInteger)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    place: Mapped[str] = mapped_column(String(16))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text)
    photos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    supporters: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    acked_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # The windows the case got (hours), kept so a reopening restarts the same one.
    ack_hours: Mapped[float] = mapped_column(Float)
    resolve_hours: Mapped[float] = mapped_column(Float)
    ack_due: Mapped[datetime]
    resolve_due: Mapped[datetime]
    # Which reminders went out (so a sweep after a restart does not repeat them).
    ack_reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    resolve_reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    next_due_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    # Waiting for the reporter's answer to a question: since when (the deadlines are paused
    # meanwhile, and move on by as long when the answer comes), and whether they were
    # reminded to answer.
    waiting_since: Mapped[datetime | None]
    reporter_reminded: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())


class CaseEvent(Base):
    """One step on a case's timeline: who did what, when (actor None: the system)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CaseSupporter(Base):
    """A neighbour who pressed "me too"."""

    __tablename__ = "case_supporters"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime]
