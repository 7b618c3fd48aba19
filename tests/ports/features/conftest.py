"""Feature stores for the contract: the SQL one always (SQLite, or PostgreSQL when the suite
runs against it), Redis when one answers locally.

When no Redis answers at 127.0.0.1:6379 the Redis cases skip, and fail when `CI` is set:
in CI the Redis contract must really run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from aianimals.ports.features.base import FeatureStore
from aianimals.ports.features.factory import create_feature_store
from aianimals.roles.container import Container
from aianimals.settings import FeatureSettings

LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"


def _reachable_redis() -> str:
    """The local Redis URL; skips (fails under CI) when no Redis answers there."""
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


def _delete_prefixed(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture(params=["sql", "redis"])
def store(request: pytest.FixtureRequest, container: Container) -> Iterator[FeatureStore]:
    """A store of one kind: SQL over the test's store (emptied after the test), or Redis
    under a fresh key prefix (its keys removed after the test)."""
    kind = request.param
    url = _reachable_redis() if kind == "redis" else LOCAL_REDIS_URL
    prefix = f"aianimals-test:{uuid.uuid4().hex}:"
    feature_store = create_feature_store(
        FeatureSettings(kind=kind, url=url, prefix=prefix), container.database
    )
    yield feature_store
    feature_store.close()
    if kind == "redis":
        _delete_prefixed(url, prefix)
