"""The server-backed feature store: Redis, shared by every process of a deployment.

Only `factory.create_feature_store` imports this module, and only when `kind == "redis"`,
so the `redis` package is needed only there.

Layout: one hash per kind and version, `<prefix>features:<kind>:<version>`, whose fields
are entity ids and values JSON objects; a set `<prefix>features:<kind>:versions` names
the versions written, so `delete` reaches every version. Unlike the cache, this store
raises `FeatureStoreError` when Redis fails: the updater's delivery is then retried, and
serving falls back to SQL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import redis
from redis.typing import EncodableT, FieldT

from aianimals.ports.features.base import FeatureStoreError
from aianimals.ports.redis_client import redis_client

CHUNK = 500
"""Fields per HSET / HMGET / HDEL command."""


class RedisFeatureStore:
    """A `FeatureStore` over Redis; construction does not connect (first use does)."""

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

    def put_many(self, kind: str, version: str, rows: Mapping[str, Mapping[str, Any]]) -> None:
        if not rows:
            return
        encoded = {
            entity_id: json.dumps(dict(body), separators=(",", ":"), ensure_ascii=False)
            for entity_id, body in rows.items()
        }
        items = list(encoded.items())
        try:
            with self._client.pipeline(transaction=False) as pipeline:
                pipeline.sadd(self._versions_key(kind), version)
                for start in range(0, len(items), CHUNK):
                    chunk: dict[FieldT, EncodableT] = dict(items[start : start + CHUNK])
                    pipeline.hset(self._hash_key(kind, version), mapping=chunk)
                pipeline.execute()
        except redis.RedisError as exc:
            msg = f"feature rows of {kind!r} could not be stored: {exc}"
            raise FeatureStoreError(msg) from exc

    def get_many(self, kind: str, version: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        try:
            with self._client.pipeline(transaction=False) as pipeline:
                for start in range(0, len(wanted), CHUNK):
                    pipeline.hmget(self._hash_key(kind, version), wanted[start : start + CHUNK])
                replies = pipeline.execute()
        except redis.RedisError as exc:
            msg = f"feature rows of {kind!r} could not be read: {exc}"
            raise FeatureStoreError(msg) from exc
        values = [value for reply in replies for value in reply]
        return {
            entity_id: _decode(kind, entity_id, value)
            for entity_id, value in zip(wanted, values, strict=True)
            if value is not None
        }

    def delete(self, kind: str, ids: Sequence[str]) -> None:
        wanted = list(ids)
        if not wanted:
            return
        try:
            versions = self._client.smembers(self._versions_key(kind))
            with self._client.pipeline(transaction=False) as pipeline:
                for raw in versions:
                    key = self._hash_key(kind, raw.decode() if isinstance(raw, bytes) else raw)
                    for start in range(0, len(wanted), CHUNK):
                        pipeline.hdel(key, *wanted[start : start + CHUNK])
                pipeline.execute()
        except redis.RedisError as exc:
            msg = f"feature rows of {kind!r} could not be deleted: {exc}"
            raise FeatureStoreError(msg) from exc

    def close(self) -> None:
        self._client.close()

    def _hash_key(self, kind: str, version: str) -> str:
        return f"{self._prefix}features:{kind}:{version}"

    def _versions_key(self, kind: str) -> str:
        return f"{self._prefix}features:{kind}:versions"


def _decode(kind: str, entity_id: str, value: object) -> dict[str, Any]:
    """A stored JSON object; anything else is an error of the store."""
    if not isinstance(value, bytes | str):
        msg = f"unexpected Redis reply for HMGET: {type(value).__name__}"
        raise FeatureStoreError(msg)
    try:
        body = json.loads(value)
    except ValueError as exc:
        msg = f"feature row {kind}/{entity_id} is not JSON: {exc}"
        raise FeatureStoreError(msg) from exc
    if not isinstance(body, dict):
        msg = f"feature row {kind}/{entity_id} is not a JSON object"
        raise FeatureStoreError(msg)
    return body
