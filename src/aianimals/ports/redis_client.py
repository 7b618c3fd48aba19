"""The Redis client every Redis adapter uses: lazy, short timeouts, one immediate retry."""

from __future__ import annotations

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


def redis_client(url: str, *, socket_timeout: float, connect_timeout: float) -> redis.Redis:
    """A client that connects on first use and reconnects after failures; the single
    immediate retry covers a pooled connection that Redis closed while idle."""
    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=connect_timeout,
        retry=Retry(NoBackoff(), 1),
        decode_responses=False,
    )
