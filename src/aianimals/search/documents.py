"""Animal rows of the SQL store as search-index documents."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aianimals.animals.queries import count_visible
from aianimals.animals.service import visible_animal_rows
from aianimals.likes.models import Like
from aianimals.ports.search.base import AnimalDocument


def document_of_row(row: Any) -> AnimalDocument:
    """An `animal_rows` row as an index document."""
    return AnimalDocument(
        id=row.id,
        category_id=row.category_id,
        subcategory_id=row.subcategory_id,
        category_name_en=row.category_name_en,
        category_name_ja=row.category_name_ja,
        subcategory_name_en=row.subcategory_name_en,
        subcategory_name_ja=row.subcategory_name_ja,
        name=row.name,
        description=row.description,
        user_handle_name=row.user_handle_name,
        likes=int(row.like),
        created_at=row.created_at,
    )


def visible_documents(session: Session, animal_ids: Sequence[str]) -> dict[str, AnimalDocument]:
    """The documents of those animals that exist and are visible."""
    query = visible_animal_rows(animal_ids)
    return {doc.id: doc for doc in map(document_of_row, session.execute(query))}


def all_documents(session: Session, batch_size: int = 2_000) -> Iterator[AnimalDocument]:
    """Every visible animal, streamed in id order (for rebuilds)."""
    query = visible_animal_rows().execution_options(yield_per=batch_size)
    for row in session.execute(query):
        yield document_of_row(row)


def visible_count(session: Session) -> int:
    """How many animals are visible (the size of a full index)."""
    return count_visible(session)


def like_counts(session: Session, animal_ids: Sequence[str]) -> dict[str, int]:
    """Live like counts of these animals (0 for none)."""
    query = (
        select(Like.animal_id, func.count())
        .where(Like.animal_id.in_(list(animal_ids)))
        .group_by(Like.animal_id)
    )
    counts = dict.fromkeys(animal_ids, 0)
    counts.update({animal_id: int(n) for animal_id, n in session.execute(query)})
    return counts
