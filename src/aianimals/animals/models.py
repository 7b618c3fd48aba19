"""Posted animal photos."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aianimals.ports.sql.base import Base, Timestamped


class Animal(Timestamped, Base):
    """One posted photo of an animal, with its breed, owner and texts."""

    __tablename__ = "animals"
    __table_args__ = (Index("ix_animals_deactivated_created_at", "deactivated", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("animal_categories.id"), index=True)
    subcategory_id: Mapped[int] = mapped_column(ForeignKey("animal_subcategories.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    photo_url: Mapped[str] = mapped_column(String(1024))
    thumbnail_url: Mapped[str | None] = mapped_column(String(1024), default=None)
    deactivated: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    removed_by_owner: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    """The owner hid it: a moderator's reject never shows it again."""
