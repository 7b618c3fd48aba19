"""Animal categories (other / cat / dog) and subcategories (breeds)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aianimals.ports.sql.base import Base, Timestamped


class AnimalCategory(Timestamped, Base):
    """A category; ids are the reference's small ints (other=0, cat=1, dog=2)."""

    __tablename__ = "animal_categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name_en: Mapped[str] = mapped_column(String(64), unique=True)
    name_ja: Mapped[str] = mapped_column(String(64), unique=True)


class AnimalSubcategory(Timestamped, Base):
    """A breed within a category."""

    __tablename__ = "animal_subcategories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    category_id: Mapped[int] = mapped_column(ForeignKey("animal_categories.id"), index=True)
    name_en: Mapped[str] = mapped_column(String(64), unique=True)
    name_ja: Mapped[str] = mapped_column(String(64), unique=True)
