"""The embedded cache: an in-process, thread-safe LRU with a TTL per entry (cachetools)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from cachetools import TLRUCache


def _expiry(_key: str, entry: tuple[bytes, float], now: float) -> float:
    """When an entry expires: its own TTL after it was stored."""
    return now + entry[1]


class MemoryCache:
    """A `Cache` held in this process; every method takes one lock, so `incr` is atomic.

    Values live in an LRU bounded by `max_entries`: storing one more drops the expired
    entries, then the least recently used (read or written) one. Counters share the key
    space (a counter reads back as its decimal bytes, as in Redis) but are kept apart and
    never evicted or expired, so a generation is not lost to cache pressure. `clock` is
    injectable for tests; it must be monotonic.
    """

    def __init__(
        self,
        max_entries: int = 10_000,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            msg = f"max_entries must be at least 1, not {max_entries}"
            raise ValueError(msg)
        self._lock = threading.Lock()
        self._entries: TLRUCache[str, tuple[bytes, float]] = TLRUCache(
            maxsize=max_entries, ttu=_expiry, timer=clock
        )
        self._counters: dict[str, int] = {}

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                return entry[0]
            counter = self._counters.get(key)
            return None if counter is None else str(counter).encode()

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        check_ttl(ttl_seconds)
        with self._lock:
            self._counters.pop(key, None)
            self._entries[key] = (bytes(value), ttl_seconds)

    def delete(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._entries.pop(key, None)
                self._counters.pop(key, None)

    def incr(self, key: str) -> int:
        """Add one to the counter; a live value under `key` must be a decimal integer."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                try:
                    start = int(entry[0])
                except ValueError:
                    msg = f"cache value under {key!r} is not an integer"
                    raise ValueError(msg) from None
                del self._entries[key]
                self._counters[key] = start
            count = self._counters.get(key, 0) + 1
            self._counters[key] = count
            return count

    def close(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counters.clear()

    def __len__(self) -> int:
        """How many live values (not counters) are held."""
        with self._lock:
            return len(self._entries)


def check_ttl(ttl_seconds: float) -> None:
    """Refuse a TTL that is not a positive, finite number of seconds."""
    if not (math.isfinite(ttl_seconds) and ttl_seconds > 0):
        msg = f"ttl_seconds must be positive and finite, not {ttl_seconds!r}"
        raise ValueError(msg)
