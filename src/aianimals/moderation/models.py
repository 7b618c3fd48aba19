"""Violation types, detected or reported violations, and the audit of every verdict."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aianimals.core.clock import utcnow
from aianimals.ports.sql.base import Base, Timestamped

STATE_PENDING = "pending"
"""Detected in or above the review band, or reported: waiting for an administrator."""
STATE_BELOW_BAND = "below_band"
"""Detected below the review band: kept for metrics and retraining, never queued."""
STATE_CONFIRMED = "confirmed"
STATE_REJECTED = "rejected"
STATES = (STATE_PENDING, STATE_CONFIRMED, STATE_REJECTED, STATE_BELOW_BAND)
UNREVIEWED = (STATE_PENDING, STATE_BELOW_BAND)
"""States a new detection may still change (a verdict stands)."""


class ViolationType(Timestamped, Base):
    """A kind of violation (no_animal_violation, human_face_violation, ...)."""

    __tablename__ = "violation_types"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Violation(Timestamped, Base):
    """One judgement that an animal's photo violates a rule.

    Idempotent per (animal, type, judge, model version): a detector re-run updates its row.
    """

    __tablename__ = "violations"
    __table_args__ = (UniqueConstraint("animal_id", "violation_type_id", "judge", "model_version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    animal_id: Mapped[str] = mapped_column(ForeignKey("animals.id", ondelete="CASCADE"), index=True)
    violation_type_id: Mapped[str] = mapped_column(ForeignKey("violation_types.id"), index=True)
    judge: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(64), default="", server_default="")
    probability: Mapped[float] = mapped_column(Float)
    is_effective: Mapped[bool] = mapped_column(Boolean, index=True)
    state: Mapped[str] = mapped_column(
        String(16), default=STATE_PENDING, server_default=STATE_PENDING, index=True
    )


class ModerationAudit(Base):
    """Who changed a violation's verdict, when, and from what to what."""

    __tablename__ = "moderation_audits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    violation_id: Mapped[str] = mapped_column(
        ForeignKey("violations.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(64))
    old_is_effective: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    new_is_effective: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReviewRequest(Base):
    """An owner's one request that an administrator look again at their hidden post."""

    __tablename__ = "review_requests"

    animal_id: Mapped[str] = mapped_column(
        ForeignKey("animals.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
