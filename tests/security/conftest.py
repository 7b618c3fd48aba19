"""A Redis prefix for the cross-process limiter cases: skipped (failed under CI) without one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A fresh key prefix on the local Redis; its keys are removed afterwards."""
    import redis

    client = redis.Redis.from_url(LOCAL_REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        message = f"Redis not reachable at {LOCAL_REDIS_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set, so the Redis cases must run)")
        pytest.skip(message)
    prefix = f"aianimals-test:{uuid.uuid4().hex}:"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)
    client.close()
