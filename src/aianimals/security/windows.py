"""Sliding-window counts (the `limits` library) and blocks (the cache port): what the login
and sign-up limits share.

Counts are `limits`' sliding-window counters: two fixed buckets per key, the previous one
weighted by how much of it still lies inside the window, kept in a `limits` storage that
every API process of a site shares: Redis (atomic Lua scripts) with the `redis` cache, a
diskcache directory beside the disk cache's (`security.disk_counts`, one SQLite transaction
per hit) with the `disk` cache; only the `memory` cache counts in this process alone.

A block is a cache entry holding the time it ends, with the lockout as its TTL; blocking
a key also starts its count afresh, so after the lockout the full allowance is back.

Every cache or storage error is raised as `CacheUnavailable`, for the limiters to fail open on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import SlidingWindowCounterRateLimiter

from aianimals.ports.cache.base import Cache
from aianimals.security.disk_counts import DiskCounts
from aianimals.settings import CacheSettings

T = TypeVar("T")

_CACHE_ERRORS = (OSError, ValueError, TypeError, StorageError)
"""What an unreachable or confused cache raises (`ConnectionError` is an `OSError`)."""


LIMITS_DIRECTORY = "limits"
"""The disk counts' directory, under `cache.path` (beside the disk cache's own)."""


class CacheUnavailable(Exception):
    """The cache could not be reached, or held something unreadable."""


def counter_storage(settings: CacheSettings) -> Storage:
    """Where the counts live: the cache's Redis (every process of every machine), a
    directory beside the disk cache's (every process of this machine: `<cache.path>/limits`),
    or this process's memory (the `memory` cache)."""
    if settings.kind == "redis":
        return RedisStorage(
            settings.url, key_prefix=f"{settings.prefix}limits", wrap_exceptions=True
        )
    if settings.kind == "disk":
        return DiskCounts(
            (settings.path or Path("var/cache")) / LIMITS_DIRECTORY, wrap_exceptions=True
        )
    return MemoryStorage()


class SlidingWindows:
    """Counts (`limits` items in namespace `counts`) and blocks (`<blocks>:<key>` in `cache`)."""

    def __init__(
        self,
        cache: Cache,
        *,
        counts: str,
        blocks: str,
        window_seconds: int,
        lockout_seconds: int,
        storage: Storage | None = None,
    ) -> None:
        self.cache = cache
        self.counts = counts
        self.blocks = blocks
        self.window_seconds = window_seconds
        self.lockout_seconds = lockout_seconds
        self.counter = SlidingWindowCounterRateLimiter(storage or MemoryStorage())

    def _item(self, limit: int) -> RateLimitItem:
        return RateLimitItemPerSecond(limit, self.window_seconds, namespace=self.counts)

    def hit(self, key: str, limit: int) -> bool:
        """Count one event of `key`; whether it stayed within `limit` (one that did not is
        not counted)."""
        return self.call(lambda: self.counter.hit(self._item(limit), key))

    def exhausted(self, key: str, limit: int) -> bool:
        """Whether one more event of `key` would go past `limit`."""
        return not self.call(lambda: self.counter.test(self._item(limit), key))

    def block(self, key: str, now: float, limit: int) -> None:
        """Block `key` for the lockout, then start its count afresh."""
        lockout = self.lockout_seconds
        value = repr(now + lockout).encode()
        self.call(lambda: self.cache.set(self._block_key(key), value, lockout))
        self._clear(key, limit)

    def blocked_for(self, key: str, now: float) -> float:
        """Seconds until `key` is unblocked; 0 when it is not blocked."""
        raw = self.call(lambda: self.cache.get(self._block_key(key)))
        return self.call(lambda: max(0.0, float(raw) - now)) if raw else 0.0

    def reset(self, keys: dict[str, int]) -> None:
        """Forget the counts and blocks of `keys` (key → its limit)."""
        self.call(lambda: self.cache.delete(*(self._block_key(key) for key in keys)))
        for key, limit in keys.items():
            self._clear(key, limit)

    def _clear(self, key: str, limit: int) -> None:
        self.call(lambda: self.counter.clear(self._item(limit), key))

    def _block_key(self, key: str) -> str:
        return f"{self.blocks}:{key}"

    @staticmethod
    def call(operation: Callable[[], T]) -> T:
        """Run a cache or storage operation; CacheUnavailable when it fails."""
        try:
            return operation()
        except _CACHE_ERRORS as error:
            raise CacheUnavailable(str(error)) from error
