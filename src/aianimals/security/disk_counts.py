"""A `limits` storage in a diskcache directory: sliding-window counts shared by every process
of one machine (the login and sign-up limits with the `disk` cache).

Each count is a diskcache entry (an integer with its expiry). Every change, and the
check-then-count of a sliding-window hit, runs in one `transact()` (a SQLite write
transaction), so two API processes counting the same key never both pass its limit.
"""

from __future__ import annotations

import sqlite3
import time
from math import floor
from pathlib import Path

import diskcache
from limits.storage import SlidingWindowCounterSupport, Storage
from limits.storage.base import TimestampedSlidingWindow


class DiskCounts(Storage, SlidingWindowCounterSupport, TimestampedSlidingWindow):
    """Fixed and sliding-window counters in the directory `path`, shared with every process
    that opens it."""

    STORAGE_SCHEME = None  # built directly, never from a `limits` storage URI

    def __init__(self, path: Path, *, wrap_exceptions: bool = False) -> None:
        self._cache = diskcache.Cache(str(path), eviction_policy="none")
        super().__init__(None, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return (OSError, sqlite3.Error, diskcache.Timeout)

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add `amount` to `key`'s count; a new count expires after `expiry` seconds."""
        with self._cache.transact():
            return self._incr(key, expiry, amount)

    def _incr(self, key: str, expiry: float, amount: int) -> int:
        current = self._cache.get(key)
        if current is None:
            self._cache.set(key, amount, expire=expiry)
            return amount
        return int(self._cache.incr(key, delta=amount))

    def decr(self, key: str, amount: int = 1) -> int:
        """Take `amount` from `key`'s count (not below 0), keeping its expiry."""
        with self._cache.transact():
            return self._decr(key, amount)

    def _decr(self, key: str, amount: int) -> int:
        current, expires_at = self._cache.get(key, expire_time=True)
        if current is None:
            return 0
        left = max(int(current) - amount, 0)
        expire = None if expires_at is None else max(expires_at - time.time(), 0.001)
        self._cache.set(key, left, expire=expire)
        return left

    def get(self, key: str) -> int:
        """`key`'s count (0 once expired)."""
        return int(self._cache.get(key, default=0))

    def get_expiry(self, key: str) -> float:
        """When `key`'s count expires (now when it has none)."""
        _, expires_at = self._cache.get(key, expire_time=True)
        return float(expires_at) if expires_at is not None else time.time()

    def check(self) -> bool:
        """Whether the directory can be read."""
        self._cache.get("check")
        return True

    def reset(self) -> int | None:
        """Forget every count; how many there were."""
        return int(self._cache.clear())

    def clear(self, key: str) -> None:
        """Forget `key`'s count."""
        self._cache.delete(key)

    def acquire_sliding_window_entry(
        self, key: str, limit: int, expiry: int, amount: int = 1
    ) -> bool:
        """Count `amount` events of `key` when the weighted count stays within `limit`."""
        if amount > limit:
            return False
        with self._cache.transact():
            now = time.time()
            previous_key, current_key = self.sliding_window_keys(key, expiry, now)
            previous, previous_ttl, current, _ = self._window(
                previous_key, current_key, expiry, now
            )
            if floor(previous * previous_ttl / expiry + current) + amount > limit:
                return False
            self._incr(current_key, 2 * expiry, amount)
            return True

    def _window(
        self, previous_key: str, current_key: str, expiry: int, now: float
    ) -> tuple[int, float, int, float]:
        previous = self.get(previous_key)
        previous_ttl = 0.0 if previous == 0 else (1 - (((now - expiry) / expiry) % 1)) * expiry
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return previous, previous_ttl, self.get(current_key), current_ttl

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        """(previous count, its remaining weight in seconds, current count, its TTL)."""
        now = time.time()
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        return self._window(previous_key, current_key, expiry, now)

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        """Forget both windows of `key`."""
        previous_key, current_key = self.sliding_window_keys(key, expiry, time.time())
        with self._cache.transact():
            self._cache.delete(previous_key)
            self._cache.delete(current_key)

    def close(self) -> None:
        """Close the directory's files."""
        self._cache.close()
