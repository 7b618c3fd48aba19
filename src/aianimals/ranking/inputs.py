"""The ranker's live inputs behind short-lived caches, so a search rarely waits for SQL.

Counters and user profiles change slowly relative to a ranking's sensitivity: they are kept
for `counts_ttl` seconds (60 by default); analysed texts change only when an animal is
edited and are kept for `text_ttl` (10 minutes). Misses are read in one query per kind.
Hidden animals need no care here: results are hydrated from the store afterwards, which
drops them.

With a `FeatureStore` (the online feature store the feature updater keeps current),
counters and profiles that miss the in-process cache are read from it first; only what it
lacks is computed from SQL, then written back to it shortly after (see write_behind). A
store that fails is logged and skipped: SQL answers instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from threading import Lock
from typing import Any, Generic, TypeVar

from cachetools import TTLCache
from sqlalchemy.orm import Session

from aianimals.ml.ltr.live import live_counters, live_profile
from aianimals.ports.features.base import FeatureStore, FeatureStoreError
from aianimals.ranking.features import FEATURE_VERSION, AnimalCounters, AnimalText, UserProfile
from aianimals.ranking.sources import text_of
from aianimals.ranking.updater import ANIMAL_COUNTERS, USER_PROFILE
from aianimals.ranking.write_behind import WriteBehind
from aianimals.search.documents import visible_documents

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

logger = logging.getLogger(__name__)


class TtlCache(Generic[K, V]):
    """A bounded map whose entries expire `ttl` seconds after they were put (thread-safe):
    cachetools' `TTLCache` read and written many keys at a time under one lock."""

    def __init__(self, ttl: float, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: TTLCache[K, V] = TTLCache(maxsize=size, ttl=ttl, timer=clock)
        self._lock = Lock()

    def get_many(self, keys: Iterable[K]) -> tuple[dict[K, V], list[K]]:
        """(fresh entries found, keys missing or expired)."""
        found: dict[K, V] = {}
        missing: list[K] = []
        with self._lock:
            for key in keys:
                if key in self._items:
                    found[key] = self._items[key]
                else:
                    missing.append(key)
        return found, missing

    def put_many(self, items: dict[K, V]) -> None:
        """Keep `items` for `ttl` seconds, evicting the least recently used beyond `size`."""
        with self._lock:
            self._items.update(items)


class LiveInputs:
    """Texts, counters and user profiles for serving, each behind its cache."""

    def __init__(
        self,
        analyze: Callable[[str], Iterable[str]],
        *,
        store: FeatureStore | None = None,
        text_ttl: float = 600.0,
        counts_ttl: float = 60.0,
        size: int = 50_000,
    ) -> None:
        self._analyze = analyze
        self._store = store
        self._write_behind = None if store is None else WriteBehind(store, FEATURE_VERSION)
        self._warm = store is None
        self.text_capacity = size
        """How many animals' analysed texts are kept at most."""
        self._texts: TtlCache[str, AnimalText] = TtlCache(text_ttl, size)
        self._counters: TtlCache[str, AnimalCounters] = TtlCache(counts_ttl, size)
        self._profiles: TtlCache[str, UserProfile] = TtlCache(counts_ttl, size // 10)

    def texts(self, session: Session, animal_ids: Sequence[str]) -> dict[str, AnimalText]:
        """Analysed texts of the visible ones of these animals."""
        found, missing = self._texts.get_many(animal_ids)
        if missing:
            loaded = {
                animal_id: text_of(document, self._analyze)
                for animal_id, document in visible_documents(session, missing).items()
            }
            self._texts.put_many(loaded)
            found.update(loaded)
        return found

    def counters(self, session: Session, animal_ids: Sequence[str]) -> dict[str, AnimalCounters]:
        """Likes, showings and actions of these animals (at most `counts_ttl` old)."""
        found, missing = self._counters.get_many(animal_ids)
        if missing:
            stored = _decoded(self._stored(ANIMAL_COUNTERS, missing), AnimalCounters.from_dict)
            lacking = [animal_id for animal_id in missing if animal_id not in stored]
            computed = live_counters(session, lacking) if lacking else {}
            self._write_back(ANIMAL_COUNTERS, {k: v.to_dict() for k, v in computed.items()})
            loaded = stored | computed
            self._counters.put_many(loaded)
            found.update(loaded)
        return found

    def profile(self, session: Session, user_id: str) -> UserProfile:
        """The user's profile (at most `counts_ttl` old)."""
        found, _ = self._profiles.get_many([user_id])
        if user_id in found:
            return found[user_id]
        stored = _decoded(self._stored(USER_PROFILE, [user_id]), UserProfile.from_dict)
        if user_id in stored:
            loaded = stored[user_id]
        else:
            loaded = live_profile(session, user_id)
            self._write_back(USER_PROFILE, {user_id: loaded.to_dict()})
        self._profiles.put_many({user_id: loaded})
        return loaded

    def warm(self) -> None:
        """On the first call only, read the feature store once, so its connection is open
        before the first ranking's time budget starts (the caller's session holds one)."""
        if self._warm:
            return
        self._warm = True
        self._stored(ANIMAL_COUNTERS, ["warm-up"])

    def _stored(self, kind: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The feature store's rows of these ids (none without a store or when it fails)."""
        if self._store is None:
            return {}
        try:
            return self._store.get_many(kind, FEATURE_VERSION, ids)
        except FeatureStoreError as exc:
            logger.warning("feature store read of %s failed, computed from SQL: %s", kind, exc)
            return {}

    def _write_back(self, kind: str, rows: Mapping[str, Mapping[str, Any]]) -> None:
        """Hand what was computed from SQL to the write-behind, so the next process finds it."""
        if self._write_behind is not None:
            self._write_behind.put(kind, rows)

    def close(self) -> None:
        """Store the pending write-backs and stop their thread."""
        if self._write_behind is not None:
            self._write_behind.close()


def _decoded(
    rows: Mapping[str, Mapping[str, Any]], decode: Callable[[Mapping[str, Any]], V]
) -> dict[str, V]:
    """Each stored row decoded; a row that does not decode is logged and left out (SQL
    answers for it)."""
    decoded: dict[str, V] = {}
    for key, row in rows.items():
        try:
            decoded[key] = decode(row)
        except (AttributeError, TypeError, ValueError) as exc:
            logger.warning("feature row %s does not decode, computed from SQL: %s", key, exc)
    return decoded
