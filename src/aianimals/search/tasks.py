"""Queue handlers that keep the search index (and its cached pages) in step with the store."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from aianimals.core.events import (
    ANIMAL_CREATED,
    ANIMAL_DEACTIVATED,
    ANIMAL_UPDATED,
    LIKE_ADDED,
    LIKE_REMOVED,
    Event,
    MalformedMessage,
)
from aianimals.ports.cache.json_cache import JsonCache
from aianimals.ports.search.base import SearchIndex
from aianimals.ports.sql.database import Database
from aianimals.search.documents import like_counts, visible_documents
from aianimals.search.service import SEARCH_NAMESPACE

logger = logging.getLogger(__name__)

INDEXER_QUEUE = "search-indexer"


class Indexer:
    """Applies animal and like events to the index; idempotent because it copies current state.

    Each handler reads the animal's state now (not the event's snapshot), so redelivered or
    reordered events converge on what the store holds: hidden animals are deleted at once.
    """

    def __init__(self, database: Database, index: SearchIndex, cache: JsonCache) -> None:
        self.database = database
        self.index = index
        self.cache = cache

    def handlers(self) -> Mapping[str, Callable[[Event], None]]:
        """Event type → handler, for the consumer of INDEXER_QUEUE."""
        return {
            ANIMAL_CREATED: self.sync_animal,
            ANIMAL_UPDATED: self.sync_animal,
            ANIMAL_DEACTIVATED: self.sync_animal,
            LIKE_ADDED: self.sync_likes,
            LIKE_REMOVED: self.sync_likes,
        }

    def sync_animal(self, event: Event) -> None:
        """Upsert the animal if visible, delete it otherwise."""
        animal_id = _animal_id(event)
        with self.database.session() as session:
            documents = visible_documents(session, [animal_id])
        if animal_id in documents:
            self.index.upsert([documents[animal_id]])
        else:
            self.index.delete([animal_id])
        self.cache.invalidate(SEARCH_NAMESPACE)

    def sync_likes(self, event: Event) -> None:
        """Copy the animal's live like count into the index."""
        animal_id = _animal_id(event)
        with self.database.session() as session:
            counts = like_counts(session, [animal_id])
        self.index.set_likes(counts)
        self.cache.invalidate(SEARCH_NAMESPACE)


def _animal_id(event: Event) -> str:
    animal_id = event.payload.get("animal_id")
    if not isinstance(animal_id, str) or not animal_id:
        msg = f"{event.type} without an animal_id"
        raise MalformedMessage(msg)
    return animal_id
