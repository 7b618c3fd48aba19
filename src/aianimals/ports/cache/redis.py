"""The server-backed cache: Redis, shared by every process of a deployment.

Only `factory.create_cache` imports this module, and only when `kind == "redis"`, so the
`redis` package (the `redis` extra) is needed only there.

Failure policy: the cache is an optimisation, so an unreachable or slow Redis must not
take requests down with it. `get` logs and answers a miss; `set` and `delete` log and
carry on. `incr` is the exception: generations (see `json_cache`) are how writers make
stale entries unreachable, so a lost increment would serve stale data until the entries'
TTL ends. `incr` therefore raises the built-in `ConnectionError` (chained to the Redis
error), and the writer decides whether to fail or to retry.

Deployment note: run Redis with a `volatile-*` (or `noeviction`) `maxmemory-policy`.
Counters carry no TTL; under an `allkeys-*` policy Redis may evict one, and a generation
that restarts can reach entries written under its earlier life until their TTL ends.
"""

from __future__ import annotations

import builtins
import logging
import math

import redis

from aianimals.ports.cache.memory import check_ttl
from aianimals.ports.redis_client import redis_client

logger = logging.getLogger(__name__)


class RedisCache:
    """A `Cache` over Redis; every key is stored as `prefix + key`.

    Construction does not connect: the client connects on first use and reconnects after
    failures, with short socket timeouts and a single immediate retry (which covers a
    pooled connection that Redis closed while idle).
    """

    def __init__(
        self,
        url: str,
        prefix: str,
        *,
        socket_timeout: float = 0.5,
        connect_timeout: float = 0.25,
    ) -> None:
        self._prefix = prefix
        self._client = redis_client(
            url, socket_timeout=socket_timeout, connect_timeout=connect_timeout
        )

    def get(self, key: str) -> bytes | None:
        try:
            value = self._client.get(self._prefix + key)
        except redis.RedisError as exc:
            logger.warning("cache get %r failed, treated as a miss: %s", key, exc)
            return None
        if value is None or isinstance(value, bytes):
            return value
        msg = f"unexpected Redis reply for GET: {type(value).__name__}"
        raise TypeError(msg)

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        check_ttl(ttl_seconds)
        milliseconds = max(1, math.ceil(ttl_seconds * 1000))
        try:
            self._client.set(self._prefix + key, value, px=milliseconds)
        except redis.RedisError as exc:
            logger.warning("cache set %r failed, not cached: %s", key, exc)

    def delete(self, *keys: str) -> None:
        if not keys:
            return
        try:
            self._client.delete(*(self._prefix + key for key in keys))
        except redis.RedisError as exc:
            logger.warning("cache delete of %d key(s) failed: %s", len(keys), exc)

    def incr(self, key: str) -> int:
        """INCR; raises the built-in `ConnectionError` when Redis cannot be reached.

        Raises ValueError when the key holds a value that is not an integer.
        """
        try:
            count = self._client.incr(self._prefix + key)
        except redis.ResponseError as exc:
            msg = f"cache value under {key!r} is not an integer: {exc}"
            raise ValueError(msg) from exc
        except redis.RedisError as exc:
            msg = f"cache counter {key!r} could not be incremented: {exc}"
            raise builtins.ConnectionError(msg) from exc
        if isinstance(count, int):
            return count
        msg = f"unexpected Redis reply for INCR: {type(count).__name__}"
        raise TypeError(msg)

    def close(self) -> None:
        self._client.close()
