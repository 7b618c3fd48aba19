"""The online feature store's writer: keeps learn-to-rank's counters and profiles current.

On every like, access log and animal event, the updater recomputes with `live_counters`
and `live_profile` (the very functions serving falls back to) the `AnimalCounters` of the
animal concerned and the `UserProfile` of the user concerned, and stores them under
`FEATURE_VERSION`. Recomputing copies the SQL store's current state, so redelivered or
reordered events converge: the handlers are idempotent without a dedupe key. A
deactivated animal's rows are deleted.

Impressions are written in batches without an event; an animal's `impressions` are
brought up to date by its next event, by serving (which writes back what it computes on a
miss) or by `aianimals features rebuild`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aianimals.access_logs.models import AccessLog
from aianimals.animals.queries import count_visible, hidden_ids, is_visible, visible_ids
from aianimals.core.events import (
    ACCESS_LOG_WRITTEN,
    ANIMAL_CREATED,
    ANIMAL_DEACTIVATED,
    ANIMAL_UPDATED,
    LIKE_ADDED,
    LIKE_REMOVED,
    Event,
    MalformedMessage,
)
from aianimals.ml.ltr.live import live_counters, live_profile
from aianimals.ports.features.base import FeatureStore
from aianimals.ports.sql.database import Database
from aianimals.ranking.features import FEATURE_VERSION
from aianimals.users.models import User

logger = logging.getLogger(__name__)

FEATURE_UPDATER_QUEUE = "feature-updater"
ANIMAL_COUNTERS = "animal_counters"
"""The feature-store kind of `AnimalCounters` rows, keyed by animal id."""
USER_PROFILE = "user_profile"
"""The feature-store kind of `UserProfile` rows, keyed by user id."""


def store_counters(session: Session, store: FeatureStore, animal_ids: Sequence[str]) -> None:
    """Recompute these animals' counters from SQL and store them."""
    if animal_ids:
        counters = live_counters(session, animal_ids)
        rows = {animal_id: value.to_dict() for animal_id, value in counters.items()}
        store.put_many(ANIMAL_COUNTERS, FEATURE_VERSION, rows)


def store_profiles(session: Session, store: FeatureStore, user_ids: Sequence[str]) -> None:
    """Recompute these users' profiles from SQL and store them."""
    if user_ids:
        rows = {user_id: live_profile(session, user_id).to_dict() for user_id in user_ids}
        store.put_many(USER_PROFILE, FEATURE_VERSION, rows)


class FeatureUpdater:
    """Applies like, access-log and animal events to the feature store."""

    def __init__(self, database: Database, store: FeatureStore) -> None:
        self.database = database
        self.store = store

    def handlers(self) -> Mapping[str, Callable[[Event], None]]:
        """Event type → handler, for the consumer of FEATURE_UPDATER_QUEUE."""
        return {
            ANIMAL_CREATED: self.sync_animal,
            ANIMAL_UPDATED: self.sync_animal,
            ANIMAL_DEACTIVATED: self.sync_animal,
            LIKE_ADDED: self.sync_like,
            LIKE_REMOVED: self.sync_like,
            ACCESS_LOG_WRITTEN: self.sync_access_log,
        }

    def sync_animal(self, event: Event) -> None:
        """Store a visible animal's counters; delete a hidden (or deleted) one's rows."""
        animal_id = _text(event, "animal_id")
        with self.database.session() as session:
            if not is_visible(session, animal_id):
                self.store.delete(ANIMAL_COUNTERS, [animal_id])
                return
            store_counters(session, self.store, [animal_id])

    def sync_like(self, event: Event) -> None:
        """Recompute the liked animal's counters and the liker's profile."""
        animal_id = _text(event, "animal_id")
        user_id = _text(event, "user_id")
        self._sync(animal_id, [user_id])

    def sync_access_log(self, event: Event) -> None:
        """Recompute the animal's counters and the profile of the user who acted."""
        animal_id = _text(event, "animal_id")
        log_id = _text(event, "access_log_id")
        with self.database.session() as session:
            user_id = session.scalar(select(AccessLog.user_id).where(AccessLog.id == log_id))
        self._sync(animal_id, [] if user_id is None else [user_id])

    def _sync(self, animal_id: str, user_ids: Sequence[str]) -> None:
        with self.database.session() as session:
            if is_visible(session, animal_id):
                store_counters(session, self.store, [animal_id])
            store_profiles(session, self.store, user_ids)


def _text(event: Event, name: str) -> str:
    value = event.payload.get(name)
    if not isinstance(value, str) or not value:
        msg = f"{event.type} without a {name}"
        raise MalformedMessage(msg)
    return value


def rebuild_features(
    database: Database,
    store: FeatureStore,
    on_progress: Callable[[int], None] = lambda _done: None,
    batch_size: int = 500,
) -> tuple[int, int]:
    """Recompute every visible animal's counters and every user's profile into `store`,
    and delete hidden animals' rows; `on_progress(n)` after each batch of n entities.

    Returns (animals, users) stored.
    """
    with database.session() as session:
        visible = list(session.scalars(visible_ids()))
        hidden = list(session.scalars(hidden_ids()))
        users = list(session.scalars(select(User.id)))
    store.delete(ANIMAL_COUNTERS, hidden)
    for start in range(0, len(visible), batch_size):
        batch = visible[start : start + batch_size]
        with database.session() as session:
            store_counters(session, store, batch)
        on_progress(len(batch))
    for start in range(0, len(users), batch_size):
        batch = users[start : start + batch_size]
        with database.session() as session:
            store_profiles(session, store, batch)
        on_progress(len(batch))
    return len(visible), len(users)


def entities_to_rebuild(database: Database) -> int:
    """How many entities `rebuild_features` will store (for a progress bar's total)."""
    with database.session() as session:
        animals = count_visible(session)
        users = session.scalar(select(func.count()).select_from(User))
    return int(animals or 0) + int(users or 0)
