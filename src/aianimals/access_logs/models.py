"""The training signal: what users were shown (impressions) and what they did (access logs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aianimals.core.clock import utcnow
from aianimals.ports.sql.base import Base


class AccessLog(Base):
    """One user action on a search result; many events share a search_id."""

    __tablename__ = "access_logs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    search_id: Mapped[str] = mapped_column(String(32), index=True)
    phrases: Mapped[list[str]] = mapped_column(JSON)
    animal_category_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    animal_subcategory_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sort_by: Mapped[str] = mapped_column(String(32))
    model_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    animal_id: Mapped[str] = mapped_column(ForeignKey("animals.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Impression(Base):
    """One result shown to a user: which animal, at which position, by which model."""

    __tablename__ = "impressions"

    search_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    animal_id: Mapped[str] = mapped_column(ForeignKey("animals.id", ondelete="CASCADE"), index=True)
    sort_by: Mapped[str] = mapped_column(String(32))
    model_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
