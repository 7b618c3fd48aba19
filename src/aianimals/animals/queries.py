"""What other features read of the animals table, as queries and lookups: they never name
the table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, Subquery, func, select
from sqlalchemy.orm import Session

from aianimals.animals.models import Animal


def visible_ids(owner_id: str | None = None) -> Select[str]:
    """The ids of visible animals (of one owner, when given), to run or to nest."""
    query = select(Animal.id).where(Animal.deactivated.is_(False))
    return query if owner_id is None else query.where(Animal.user_id == owner_id)


def newest_visible_ids(limit: int) -> Select[str]:
    """The ids of the `limit` most recently posted visible animals, newest first."""
    return visible_ids().order_by(Animal.created_at.desc()).limit(limit)


def visible_ids_posted_before(posted_before: datetime) -> Select[str]:
    """The ids of visible animals posted before `posted_before`."""
    return visible_ids().where(Animal.created_at < posted_before)


def ids_not_in(excluded: Select[str]) -> Select[str]:
    """The ids of animals (shown or hidden) that `excluded` does not list, in id order."""
    return select(Animal.id).where(Animal.id.not_in(excluded)).order_by(Animal.id)


def summaries() -> Subquery:
    """Every animal's id, owner, breed, name, photo and visibility flags, as a subquery to
    join on `.c.id` (columns: id, user_id, category_id, subcategory_id, name, photo_url,
    thumbnail_url, deactivated, removed_by_owner, created_at)."""
    return select(
        Animal.id,
        Animal.user_id,
        Animal.category_id,
        Animal.subcategory_id,
        Animal.name,
        Animal.photo_url,
        Animal.thumbnail_url,
        Animal.deactivated,
        Animal.removed_by_owner,
        Animal.created_at,
    ).subquery("animal_summaries")


def texts() -> Select[str, str, int]:
    """Name, description and breed of every animal (shown or hidden), in id order."""
    return select(Animal.name, Animal.description, Animal.subcategory_id).order_by(Animal.id)


def hidden_ids() -> Select[str]:
    """The ids of hidden animals (by their owner or by moderation)."""
    return select(Animal.id).where(Animal.deactivated.is_(True))


def is_visible(session: Session, animal_id: str) -> bool:
    """Whether the animal exists and is visible."""
    return session.scalar(visible_ids().where(Animal.id == animal_id)) is not None


def count_visible(session: Session) -> int:
    """How many animals are visible."""
    query = select(func.count()).select_from(Animal).where(Animal.deactivated.is_(False))
    return session.scalar(query) or 0


def get_animal(session: Session, animal_id: str) -> Animal | None:
    """The animal with this id, shown or hidden; None when there is none."""
    return session.get(Animal, animal_id)


def animals_by_id(session: Session, animal_ids: Sequence[str]) -> list[Animal]:
    """The existing ones of these animals, shown or hidden."""
    return list(session.scalars(select(Animal).where(Animal.id.in_(animal_ids))))


def lock_animals(session: Session, animal_ids: Sequence[str]) -> dict[str, Animal]:
    """The existing ones of these animals, locked for update in id order, freshly read
    (`FOR UPDATE` is not rendered on SQLite, which admits one writer at a time)."""
    query = (
        select(Animal)
        .where(Animal.id.in_(sorted(set(animal_ids))))
        .order_by(Animal.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {animal.id: animal for animal in session.scalars(query)}
