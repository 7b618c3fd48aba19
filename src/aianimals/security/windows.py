"""Sliding-window counts and blocks in the cache port: what the login and sign-up limits share.

Counts use two fixed buckets per key, the previous one weighted by how much of it still lies
inside the window. A bucket is a cache counter (`incr`, atomic in Redis) re-stored with a
TTL after each increment, so it expires in either adapter. A process does both steps under
one lock; processes racing between them (Redis) can each lose a count, no more.

A block is a cache entry holding the time it ends, with the lockout as its TTL; blocking
a key also starts its count afresh, so after the lockout the full allowance is back.

Every cache error is raised as `CacheUnavailable`, for the limiters to fail open on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from aianimals.ports.cache.base import Cache

T = TypeVar("T")

_CACHE_ERRORS = (OSError, ValueError, TypeError)
"""What an unreachable or confused cache raises (`ConnectionError` is an `OSError`)."""


class CacheUnavailable(Exception):
    """The cache could not be reached, or held something unreadable."""


class SlidingWindows:
    """Counts (cache keys `<counts>:<key>:<bucket>`) and blocks (`<blocks>:<key>`) in `cache`."""

    def __init__(
        self,
        cache: Cache,
        *,
        counts: str,
        blocks: str,
        window_seconds: int,
        lockout_seconds: int,
    ) -> None:
        self.cache = cache
        self.counts = counts
        self.blocks = blocks
        self.window_seconds = window_seconds
        self.lockout_seconds = lockout_seconds
        self._lock = threading.Lock()

    def hit(self, key: str, now: float) -> float:
        """Count one event of `key`; the sliding-window count including it."""
        window = self.window_seconds
        bucket = int(now // window)
        current_key = self._bucket_key(key, bucket)
        with self._lock:  # no thread of this process re-stores an older count over a newer
            current = self.call(lambda: self.cache.incr(current_key))
            self.call(lambda: self.cache.set(current_key, str(current).encode(), 2 * window))
        previous = self.call(lambda: self.cache.get(self._bucket_key(key, bucket - 1)))
        weight = 1 - (now - bucket * window) / window
        return current + (int(previous) if previous else 0) * weight

    def block(self, key: str, now: float) -> None:
        """Block `key` for the lockout, then start its count afresh."""
        lockout = self.lockout_seconds
        value = repr(now + lockout).encode()
        self.call(lambda: self.cache.set(self._block_key(key), value, lockout))
        self.call(lambda: self.cache.delete(*self._bucket_keys(key, now)))

    def blocked_for(self, key: str, now: float) -> float:
        """Seconds until `key` is unblocked; 0 when it is not blocked."""
        raw = self.call(lambda: self.cache.get(self._block_key(key)))
        return max(0.0, float(raw) - now) if raw else 0.0

    def reset(self, keys: list[str], now: float) -> None:
        """Forget the counts and blocks of `keys`."""
        names = [
            name for key in keys for name in (self._block_key(key), *self._bucket_keys(key, now))
        ]
        self.call(lambda: self.cache.delete(*names))

    def _bucket_keys(self, key: str, now: float) -> list[str]:
        """The counters of `key` that can hold events of the window around `now`."""
        bucket = int(now // self.window_seconds)
        return [self._bucket_key(key, b) for b in (bucket - 1, bucket, bucket + 1)]

    def _bucket_key(self, key: str, bucket: int) -> str:
        return f"{self.counts}:{key}:{bucket}"

    def _block_key(self, key: str) -> str:
        return f"{self.blocks}:{key}"

    @staticmethod
    def call(operation: Callable[[], T]) -> T:
        """Run a cache operation; CacheUnavailable when the cache fails."""
        try:
            return operation()
        except _CACHE_ERRORS as error:
            raise CacheUnavailable(str(error)) from error
