"""The embedded cache: an in-process, thread-safe LRU with a TTL per entry."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class MemoryCache:
    """A `Cache` held in this process; every method takes one lock, so `incr` is atomic.

    Values live in an LRU bounded by `max_entries`: storing one more evicts the least
    recently used (read or written) entry. Counters share the key space (a counter reads
    back as its decimal bytes, as in Redis) but are kept apart and never evicted or
    expired, so a generation is not lost to cache pressure. `clock` is injectable for
    tests; it must be monotonic.
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
        self._max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._counters: dict[str, int] = {}

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._live_value(key)
            if value is not None:
                self._entries.move_to_end(key)
                return value
            counter = self._counters.get(key)
            return None if counter is None else str(counter).encode()

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        check_ttl(ttl_seconds)
        with self._lock:
            self._counters.pop(key, None)
            self._entries[key] = (bytes(value), self._clock() + ttl_seconds)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def delete(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._entries.pop(key, None)
                self._counters.pop(key, None)

    def incr(self, key: str) -> int:
        """Add one to the counter; a live value under `key` must be a decimal integer."""
        with self._lock:
            value = self._live_value(key)
            if value is not None:
                try:
                    start = int(value)
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
        """How many values (not counters) are held, expired ones included until touched."""
        with self._lock:
            return len(self._entries)

    def _live_value(self, key: str) -> bytes | None:
        """The value under `key` unless absent or expired (then dropped); lock held."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, expires_at = entry
        if self._clock() >= expires_at:
            del self._entries[key]
            return None
        return value


def check_ttl(ttl_seconds: float) -> None:
    """Refuse a TTL that is not a positive, finite number of seconds."""
    if not (math.isfinite(ttl_seconds) and ttl_seconds > 0):
        msg = f"ttl_seconds must be positive and finite, not {ttl_seconds!r}"
        raise ValueError(msg)
