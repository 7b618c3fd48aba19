"""What only one adapter promises: the factory's choice, Redis's key layout, the SQL
store's table, and each one's errors as `FeatureStoreError`."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from aianimals.ports.features.base import FeatureStoreError
from aianimals.ports.features.factory import create_feature_store
from aianimals.ports.features.models import FeatureRow
from aianimals.ports.features.redis_store import RedisFeatureStore
from aianimals.ports.features.sql import SqlFeatureStore
from aianimals.ports.sql.database import Database
from aianimals.roles.container import Container
from aianimals.schema import load_schema
from aianimals.settings import DatabaseSettings, FeatureSettings
from tests.ports.features.conftest import _delete_prefixed, _reachable_redis

UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"


def test_the_factory_builds_the_sql_store_by_default(container: Container) -> None:
    assert isinstance(create_feature_store(FeatureSettings(), container.database), SqlFeatureStore)


def test_the_sql_store_keeps_rows_in_the_feature_rows_table(container: Container) -> None:
    store = create_feature_store(FeatureSettings(), container.database)
    store.put_many("counters", "v1", {"a": {"likes": 1}})
    with container.database.session() as session:
        row = session.execute(select(FeatureRow)).scalar_one()
    assert (row.kind, row.entity_id, row.version, row.body) == ("counters", "a", "v1", {"likes": 1})


def test_an_unreachable_redis_raises_feature_store_errors(container: Container) -> None:
    settings = FeatureSettings(kind="redis", url=UNREACHABLE_REDIS_URL)
    store = create_feature_store(settings, container.database)
    assert isinstance(store, RedisFeatureStore)
    with pytest.raises(FeatureStoreError, match="could not be stored"):
        store.put_many("counters", "v1", {"a": {"likes": 1}})
    with pytest.raises(FeatureStoreError, match="could not be read"):
        store.get_many("counters", "v1", ["a"])
    with pytest.raises(FeatureStoreError, match="could not be deleted"):
        store.delete("counters", ["a"])
    store.close()


def test_redis_keeps_one_hash_per_kind_and_version_of_json_values(container: Container) -> None:
    import redis

    url = _reachable_redis()
    prefix = f"aianimals-test:{uuid.uuid4().hex}:"
    store = create_feature_store(
        FeatureSettings(kind="redis", url=url, prefix=prefix), container.database
    )
    client = redis.Redis.from_url(url)
    try:
        store.put_many("counters", "v1", {"a": {"likes": 1}})
        assert client.hgetall(f"{prefix}features:counters:v1") == {b"a": b'{"likes":1}'}
        assert client.smembers(f"{prefix}features:counters:versions") == {b"v1"}
    finally:
        _delete_prefixed(url, prefix)
        client.close()
        store.close()


def test_an_unmigrated_sql_store_raises_feature_store_errors(tmp_path: Path) -> None:
    database = Database(DatabaseSettings(url=f"sqlite:///{tmp_path / 'empty.db'}"), load_schema())
    store = create_feature_store(FeatureSettings(), database)
    try:
        with pytest.raises(FeatureStoreError, match="could not be read"):
            store.get_many("counters", "v1", ["a"])
        with pytest.raises(FeatureStoreError, match="could not be stored"):
            store.put_many("counters", "v1", {"a": {"likes": 1}})
        with pytest.raises(FeatureStoreError, match="could not be deleted"):
            store.delete("counters", ["a"])
    finally:
        database.dispose()
