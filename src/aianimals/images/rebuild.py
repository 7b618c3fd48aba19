"""Back-fill embeddings for photos the current model has not seen, and rebuild the
similar-image index from the stored embeddings (swapped in atomically by the port)."""

from __future__ import annotations

from collections.abc import Callable

from aianimals.images.embeddings import (
    count_missing_embeddings,
    missing_embeddings,
    visible_embeddings,
)
from aianimals.images.tasks import ImageTasks
from aianimals.ports.sql.database import Database
from aianimals.ports.vectors.base import VectorIndex

BATCH = 32


def embed_missing(
    tasks: ImageTasks, model_version: str, progress: Callable[[int], None] | None = None
) -> int:
    """Embed, judge and index every animal without an embedding of `model_version`.

    Returns how many photos were embedded. Photos that cannot be read are skipped (and
    logged) so that one bad file never blocks the rest; they stay "missing".
    """
    embedded = 0
    skipped: set[str] = set()
    while True:
        with tasks.database.session() as session:
            todo = [
                animal_id
                for animal_id in missing_embeddings(session, model_version, BATCH + len(skipped))
                if animal_id not in skipped
            ][:BATCH]
        if not todo:
            return embedded
        done = tasks.embed_many(todo)
        if done < len(todo):
            with tasks.database.session() as session:
                still = set(missing_embeddings(session, model_version, BATCH + len(skipped)))
            skipped.update(animal_id for animal_id in todo if animal_id in still)
        embedded += done
        if progress:
            progress(len(todo))


def count_missing(database: Database, model_version: str) -> int:
    """How many animals lack an embedding of `model_version`."""
    with database.session() as session:
        return count_missing_embeddings(session, model_version)


def rebuild_vectors(database: Database, index: VectorIndex, model_version: str) -> int:
    """Replace the index's content with every visible animal's stored embedding."""
    with database.session() as session:
        items = [
            (found.animal_id, found.vector) for found in visible_embeddings(session, model_version)
        ]
    index.rebuild(items)
    return len(items)
