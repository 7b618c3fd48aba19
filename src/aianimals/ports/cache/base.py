"""The cache port: bytes under string keys with a TTL, plus counters for invalidation."""

from __future__ import annotations

from typing import Protocol


class Cache(Protocol):
    """A shared cache; a miss is never an error."""

    def get(self, key: str) -> bytes | None:
        """The value, or None when absent or expired."""
        ...

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        """Store `value` for `ttl_seconds`."""
        ...

    def delete(self, *keys: str) -> None:
        """Forget these keys (absent ones are ignored)."""
        ...

    def incr(self, key: str) -> int:
        """Add one to a counter (absent: 0) and return it; counters do not expire.

        Used as generations: a cache key that embeds the generation is invalidated by
        incrementing it.
        """
        ...

    def close(self) -> None:
        """Release connections."""
        ...
