"""The tables of deliberation: meetings (candidate times, availability, agenda, minutes),
motions (a question put to a vote under a rule) and decisions (a passed motion carried
out, with progress updates)."""

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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.meetings import DEFAULT_DURATION
from storage.models import Base


class Meeting(Base):
    """A deliberation meeting: residents say when they can come until `deadline`; then a
    time is chosen (`starts_at`), reminders go out 24 h and 1 h before, minutes after."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_due", "next_due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    creator_id: Mapped[int] = mapped_column(BigInteger)
    topic: Mapped[str] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    duration_minutes: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_DURATION, server_default=str(DEFAULT_DURATION))
    status: Mapped[str] = mapped_column(String(10))  # polling | scheduled | held
    deadline: Mapped[datetime]
    slot_id: Mapped[int | None] = mapped_column(Integer)
    starts_at: Mapped[datetime | None]
    reminded_24h: Mapped[bool] = mapped_column(Boolean, default=False)
    reminded_1h: Mapped[bool] = mapped_column(Boolean, default=False)
    next_due_at: Mapped[datetime | None]
    minutes: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    held_at: Mapped[datetime | None]


class MeetingScope(Base):
    __tablename__ = "meeting_scopes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))


class AgendaItem(Base):
    """An item of a meeting's agenda: free text, or a report case or a closed survey."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id"), index=True)


class MeetingSlot(Base):
    __tablename__ = "meeting_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime]


class Availability(Base):
    """One person's answer for one candidate time: yes, maybe (if need be) or no."""

    __tablename__ = "availabilities"
    __table_args__ = (UniqueConstraint("slot_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    answer: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime]


class Motion(Base):
    """A question put to a vote (for, against, abstain) under `rule` until `deadline`.
    `result` is the tally snapshot taken at closing. If it passes, it becomes a decision for
    `decision_body_id`, due `decision_days` after closing."""

    __tablename__ = "motions"
    __table_args__ = (Index("ix_motions_open_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    creator_id: Mapped[int] = mapped_column(BigInteger)
    question: Mapped[str] = mapped_column(String(300))
    rule: Mapped[str] = mapped_column(String(16))
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(8), default="open")
    deadline: Mapped[datetime]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id"))
    decision_body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    decision_days: Mapped[int] = mapped_column(Integer, default=30)


class MotionScope(Base):
    __tablename__ = "motion_scopes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))


class MotionBallot(Base):
    """The vote of one voter: an owner (by owner key) under Article 278, a household under
    the other rules. Changing a vote updates this row, so each voter counts once."""

    __tablename__ = "motion_ballots"
    __table_args__ = (UniqueConstraint("motion_id", "voter_key"),
                      Index("ix_motion_ballots_motion_choice", "motion_id", "choice"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"))
    voter_key: Mapped[str] = mapped_column(String(80))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    choice: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(8))
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime]


class Decision(Base):
    """A passed motion being carried out by a body, due at `due_at`; the sweeper reminds
    the body when no progress came for `quiet_days` and when the due date passes."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_due", "next_due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), unique=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | done
    progress: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime]
    quiet_days: Mapped[int] = mapped_column(Integer, default=7)
    last_update_at: Mapped[datetime]
    overdue_reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    next_due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class DecisionUpdate(Base):
    __tablename__ = "decision_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime]
