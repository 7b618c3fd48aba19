"""Caches for the contract: the disk and in-process ones always, Redis when one answers
locally.

When no Redis answers at 127.0.0.1:6379 the Redis cases skip, and fail when `CI` is set:
in CI the Redis contract must really run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aianimals.ports.cache.base import Cache
from aianimals.ports.cache.factory import create_cache
from aianimals.settings import CacheSettings

LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"

CacheMaker = Callable[[], Cache]


def _delete_prefixed(url: str, prefixes: list[str]) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        for prefix in prefixes:
            keys = list(client.scan_iter(match=f"{prefix}*", count=500))
            if keys:
                client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def redis_url() -> str:
    """The URL of a Redis that answers; skips (fails under CI) when none does."""
    import redis

    client = redis.Redis.from_url(LOCAL_REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis not reachable at {LOCAL_REDIS_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set, so the Redis contract must run)")
        pytest.skip(message)
    finally:
        client.close()
    return LOCAL_REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A fresh key prefix on that Redis; its keys are removed afterwards."""
    prefix = f"aianimals-test:{uuid.uuid4().hex}:"
    yield prefix
    _delete_prefixed(redis_url, [prefix])


@pytest.fixture(params=["disk", "memory", "redis"])
def make_cache(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CacheMaker]:
    """Makes caches of one kind, each apart from the others: a fresh directory for a disk
    cache, a fresh prefix for a Redis one (its keys removed afterwards)."""
    kind = request.param
    url = request.getfixturevalue("redis_url") if kind == "redis" else LOCAL_REDIS_URL
    prefixes: list[str] = []
    caches: list[Cache] = []

    def make() -> Cache:
        prefix = f"aianimals-test:{uuid.uuid4().hex}:"
        prefixes.append(prefix)
        settings = CacheSettings(kind=kind, url=url, prefix=prefix, path=tmp_path / prefix)
        caches.append(create_cache(settings))
        return caches[-1]

    yield make
    for cache in caches:
        cache.close()
    if kind == "redis":
        _delete_prefixed(url, prefixes)


@pytest.fixture
def cache(make_cache: CacheMaker) -> Cache:
    return make_cache()
