"""Stored photo embeddings: one row per (animal, model version), float32 bytes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from aianimals.animals.queries import ids_not_in, visible_ids
from aianimals.images.models import AnimalEmbedding

Vector = NDArray[np.float32]


@dataclass(frozen=True)
class StoredEmbedding:
    """An animal's embedding and zero-shot animal probability from one model version."""

    animal_id: str
    vector: Vector
    animal_probability: float


def save_embedding(
    session: Session, animal_id: str, model_version: str, vector: Vector, probability: float
) -> None:
    """Insert or replace the row (the caller commits); a re-run writes the same values."""
    row = session.get(AnimalEmbedding, (animal_id, model_version))
    data = np.ascontiguousarray(vector, dtype=np.float32)
    if row is None:
        row = AnimalEmbedding(animal_id=animal_id, model_version=model_version)
        session.add(row)
    row.dim = int(data.shape[0])
    row.vector = data.tobytes()
    row.animal_probability = float(probability)


def _decode(row: AnimalEmbedding) -> StoredEmbedding:
    vector = np.frombuffer(row.vector, dtype=np.float32, count=row.dim)
    return StoredEmbedding(row.animal_id, vector, row.animal_probability)


def load_embedding(session: Session, animal_id: str, model_version: str) -> StoredEmbedding | None:
    """The stored embedding, or None when the photo was not embedded by this version."""
    row = session.get(AnimalEmbedding, (animal_id, model_version))
    return None if row is None else _decode(row)


def visible_embeddings(
    session: Session, model_version: str, batch: int = 1_000
) -> Iterator[StoredEmbedding]:
    """Every visible animal's embedding from this version (for an index rebuild)."""
    query = (
        select(AnimalEmbedding)
        .where(
            AnimalEmbedding.model_version == model_version,
            AnimalEmbedding.animal_id.in_(visible_ids()),
        )
        .order_by(AnimalEmbedding.animal_id)
        .execution_options(yield_per=batch)
    )
    for row in session.scalars(query):
        yield _decode(row)


def _unembedded(model_version: str) -> Select[str]:
    embedded = select(AnimalEmbedding.animal_id).where(
        AnimalEmbedding.model_version == model_version
    )
    return ids_not_in(embedded)


def missing_embeddings(session: Session, model_version: str, limit: int) -> Sequence[str]:
    """Ids of animals (visible or not) without an embedding from this version."""
    query = _unembedded(model_version).limit(limit)
    return list(session.scalars(query))


def count_missing_embeddings(session: Session, model_version: str) -> int:
    """How many animals lack an embedding from this version."""
    query = select(func.count()).select_from(_unembedded(model_version).subquery())
    return int(session.scalar(query) or 0)
