"""Build the configured cache; the Redis client is imported only when it is chosen."""

from __future__ import annotations

from aianimals.ports.cache.base import Cache
from aianimals.ports.cache.memory import MemoryCache
from aianimals.settings import CacheSettings


def create_cache(settings: CacheSettings) -> Cache:
    """The cache `settings.kind` names: in-process memory (default) or Redis.

    Neither connects here; a Redis cache connects on first use.
    """
    if settings.kind == "redis":
        from aianimals.ports.cache.redis import RedisCache

        return RedisCache(settings.url, settings.prefix)
    return MemoryCache(settings.max_entries)
