"""The feature-store contract: every test here runs against the SQL store and Redis (see
conftest for when the Redis cases skip or fail)."""

from __future__ import annotations

import threading

import pytest

from aianimals.ports.features.base import FeatureStore

ROW = {"likes": 3, "by_breed": {"12": 2, "7": 1}, "name": "ミケ 🐈", "share": 0.25}


def test_get_many_returns_the_rows_put_and_leaves_missing_ids_out(store: FeatureStore) -> None:
    store.put_many("counters", "v1", {"a": ROW, "b": {"likes": 0}})
    assert store.get_many("counters", "v1", ["a", "b", "absent"]) == {"a": ROW, "b": {"likes": 0}}
    assert store.get_many("counters", "v1", []) == {}
    assert store.get_many("counters", "v1", ["absent"]) == {}


def test_putting_a_row_again_replaces_it_whole(store: FeatureStore) -> None:
    store.put_many("counters", "v1", {"a": {"likes": 1, "old": True}})
    store.put_many("counters", "v1", {"a": {"likes": 2}})
    assert store.get_many("counters", "v1", ["a"]) == {"a": {"likes": 2}}


def test_kinds_and_versions_do_not_see_each_other(store: FeatureStore) -> None:
    store.put_many("counters", "v1", {"a": {"n": 1}})
    store.put_many("counters", "v2", {"a": {"n": 2}})
    store.put_many("profiles", "v1", {"a": {"n": 3}})
    assert store.get_many("counters", "v1", ["a"]) == {"a": {"n": 1}}
    assert store.get_many("counters", "v2", ["a"]) == {"a": {"n": 2}}
    assert store.get_many("profiles", "v1", ["a"]) == {"a": {"n": 3}}
    assert store.get_many("profiles", "v2", ["a"]) == {}


def test_delete_forgets_every_version_of_one_kind_only(store: FeatureStore) -> None:
    store.put_many("counters", "v1", {"a": {"n": 1}, "b": {"n": 1}})
    store.put_many("counters", "v2", {"a": {"n": 2}})
    store.put_many("profiles", "v1", {"a": {"n": 3}})
    store.delete("counters", ["a", "never-put"])
    store.delete("counters", [])
    assert store.get_many("counters", "v1", ["a", "b"]) == {"b": {"n": 1}}
    assert store.get_many("counters", "v2", ["a"]) == {}
    assert store.get_many("profiles", "v1", ["a"]) == {"a": {"n": 3}}


def test_many_rows_round_trip_in_one_call(store: FeatureStore) -> None:
    rows = {f"animal-{n:05d}": {"likes": n} for n in range(1_234)}
    store.put_many("counters", "v1", rows)
    store.put_many("counters", "v1", {})
    ids = [*rows, "absent", "animal-00007"]
    assert store.get_many("counters", "v1", ids) == rows


@pytest.mark.committed  # 4 threads race on purpose: one connection cannot serve them
def test_concurrent_writers_of_the_same_rows_leave_one_whole_row_each(
    store: FeatureStore,
) -> None:
    writers, start = 4, threading.Barrier(4)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        start.wait()
        try:
            for _ in range(5):
                store.put_many("counters", "v1", {"a": {"writer": n}, "b": {"writer": n}})
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = store.get_many("counters", "v1", ["a", "b"])
    assert {row["writer"] for row in rows.values()} <= set(range(writers))
