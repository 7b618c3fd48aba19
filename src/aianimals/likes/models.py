"""Likes: at most one per user and animal."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aianimals.ports.sql.base import Base, Timestamped


class Like(Timestamped, Base):
    """A user's like of an animal."""

    __tablename__ = "likes"
    __table_args__ = (UniqueConstraint("animal_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    animal_id: Mapped[str] = mapped_column(ForeignKey("animals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
