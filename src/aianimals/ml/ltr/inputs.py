"""The ranker's live inputs behind short-lived caches, so a search rarely waits for SQL.

Counters and user profiles change slowly relative to a ranking's sensitivity: they are kept
for `counts_ttl` seconds (60 by default); analysed texts change only when an animal is
edited and are kept for `text_ttl` (10 minutes). Misses are read in one query per kind.
Hidden animals need no care here: results are hydrated from the store afterwards, which
drops them.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from threading import Lock
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from aianimals.ml.ltr.features import AnimalCounters, AnimalText, UserProfile
from aianimals.ml.ltr.live import live_counters, live_profile
from aianimals.ml.ltr.sources import text_of
from aianimals.search.documents import visible_documents

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """A bounded map whose entries expire `ttl` seconds after they were put (thread-safe)."""

    def __init__(self, ttl: float, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = Lock()

    def get_many(self, keys: Iterable[K]) -> tuple[dict[K, V], list[K]]:
        """(fresh entries found, keys missing or expired)."""
        now = self._clock()
        found: dict[K, V] = {}
        missing: list[K] = []
        with self._lock:
            for key in keys:
                entry = self._items.get(key)
                if entry is not None and entry[0] > now:
                    found[key] = entry[1]
                else:
                    missing.append(key)
        return found, missing

    def put_many(self, items: dict[K, V]) -> None:
        """Keep `items` for `ttl` seconds, evicting the oldest beyond `size`."""
        expires = self._clock() + self._ttl
        with self._lock:
            for key, value in items.items():
                self._items[key] = (expires, value)
                self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class LiveInputs:
    """Texts, counters and user profiles for serving, each behind its cache."""

    def __init__(
        self,
        analyze: Callable[[str], Iterable[str]],
        *,
        text_ttl: float = 600.0,
        counts_ttl: float = 60.0,
        size: int = 50_000,
    ) -> None:
        self._analyze = analyze
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
            loaded = live_counters(session, missing)
            self._counters.put_many(loaded)
            found.update(loaded)
        return found

    def profile(self, session: Session, user_id: str) -> UserProfile:
        """The user's profile (at most `counts_ttl` old)."""
        found, _ = self._profiles.get_many([user_id])
        if user_id in found:
            return found[user_id]
        loaded = live_profile(session, user_id)
        self._profiles.put_many({user_id: loaded})
        return loaded
