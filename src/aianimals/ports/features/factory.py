"""Build the configured feature store; the Redis client is imported only when it is chosen."""

from __future__ import annotations

from aianimals.ports.features.base import FeatureStore
from aianimals.ports.features.sql import SqlFeatureStore
from aianimals.ports.sql.database import Database
from aianimals.settings import FeatureSettings


def create_feature_store(settings: FeatureSettings, database: Database) -> FeatureStore:
    """The store `settings.kind` names: the SQL store's `feature_rows` (default) or Redis.

    Neither connects here.
    """
    if settings.kind == "redis":
        from aianimals.ports.features.redis_store import RedisFeatureStore

        return RedisFeatureStore(settings.url, settings.prefix)
    return SqlFeatureStore(database)
