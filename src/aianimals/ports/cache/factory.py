"""Build the configured cache; the Redis client is imported only when it is chosen."""

from __future__ import annotations

from pathlib import Path

from aianimals.ports.cache.base import Cache
from aianimals.ports.cache.disk import DiskCache
from aianimals.ports.cache.memory import MemoryCache
from aianimals.settings import CacheSettings


def create_cache(settings: CacheSettings) -> Cache:
    """The cache `settings.kind` names: files shared by this machine's processes (default),
    this process's memory, or Redis.

    None connects here; a Redis cache connects on first use.
    """
    if settings.kind == "redis":
        from aianimals.ports.cache.redis import RedisCache

        return RedisCache(settings.url, settings.prefix)
    if settings.kind == "disk":
        return DiskCache(settings.path or Path("var/cache"), settings.disk_bytes)
    return MemoryCache(settings.max_entries)
