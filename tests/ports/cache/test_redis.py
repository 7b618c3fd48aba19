"""What only the Redis cache promises: keys under its prefix with a millisecond TTL, and
an unreachable server is a miss for reads, dropped for writes, and an error for `incr`."""

from __future__ import annotations

import logging
import time

import pytest
from pydantic import TypeAdapter

from aianimals.ports.cache.base import Cache
from aianimals.ports.cache.factory import create_cache
from aianimals.ports.cache.json_cache import JsonCache
from aianimals.ports.cache.redis import RedisCache
from aianimals.settings import CacheSettings

UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"


def _unreachable_redis() -> Cache:
    return create_cache(
        CacheSettings(kind="redis", url=UNREACHABLE_REDIS_URL, prefix="aianimals-test:")
    )


def test_create_cache_builds_a_redis_cache_without_connecting() -> None:
    cache = _unreachable_redis()
    assert isinstance(cache, RedisCache)
    cache.close()


def test_unreachable_redis_reads_miss_and_writes_are_dropped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = _unreachable_redis()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="aianimals.ports.cache.redis"):
        assert cache.get("k") is None
        cache.set("k", b"v", 30)
        cache.delete("k", "j")
    assert time.monotonic() - started < 3
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 3
    assert "treated as a miss" in messages[0]
    cache.close()


def test_unreachable_redis_incr_raises_connection_error() -> None:
    cache = _unreachable_redis()
    with pytest.raises(ConnectionError, match="could not be incremented"):
        cache.incr("generation")
    cache.close()


def test_json_cache_over_unreachable_redis_computes_but_cannot_invalidate() -> None:
    json_cache, calls = JsonCache(_unreachable_redis(), 30), []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert json_cache.get_or_compute("animals", "k", compute, TypeAdapter(int)) == 1
    assert json_cache.get_or_compute("animals", "k", compute, TypeAdapter(int)) == 2
    with pytest.raises(ConnectionError):
        json_cache.invalidate("animals")


def test_keys_are_stored_under_the_prefix_with_a_millisecond_ttl(
    redis_url: str, redis_prefix: str
) -> None:
    import redis

    cache = create_cache(CacheSettings(kind="redis", url=redis_url, prefix=redis_prefix))
    cache.set("k", b"v", 1.5)
    cache.incr("n")
    cache.close()
    client = redis.Redis.from_url(redis_url)
    try:
        assert client.get(f"{redis_prefix}k") == b"v"
        assert 1000 < client.pttl(f"{redis_prefix}k") <= 1500
        assert client.get(f"{redis_prefix}n") == b"1"
        assert client.ttl(f"{redis_prefix}n") == -1  # counters never expire
    finally:
        client.close()
