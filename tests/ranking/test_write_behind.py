"""Serving's write-behind: rows reach the store after the delay, on close at the latest,
gathered per kind, never over rows the store gained meanwhile; a failing store is logged
and never raises into serving."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from aianimals.ports.features.base import FeatureStoreError
from aianimals.ranking.write_behind import WriteBehind


class Recording:
    """A feature store that records each `put_many`."""

    def __init__(self, fail: bool = False, present: Sequence[str] = ()) -> None:
        self.puts: list[tuple[str, str, dict[str, Any]]] = []
        self.fail = fail
        self.present = set(present)

    def put_many(self, kind: str, version: str, rows: Mapping[str, Mapping[str, Any]]) -> None:
        if self.fail:
            raise FeatureStoreError("down")
        self.puts.append((kind, version, dict(rows)))

    def get_many(self, kind: str, version: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {entity_id: {"newer": True} for entity_id in ids if entity_id in self.present}

    def delete(self, kind: str, ids: Sequence[str]) -> None:
        """Nothing to forget."""

    def close(self) -> None:
        """Nothing to release."""


def test_rows_are_gathered_per_kind_and_stored_after_the_delay() -> None:
    store = Recording()
    writer = WriteBehind(store, "v1", delay=0.2)
    writer.put("counters", {"a": {"likes": 1}})
    writer.put("counters", {"b": {"likes": 2}, "a": {"likes": 3}})
    writer.put("profiles", {"u": {"likes": 1}})
    assert store.puts == []
    deadline = time.monotonic() + 5
    while len(store.puts) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    writer.close()
    assert sorted(store.puts) == [
        ("counters", "v1", {"a": {"likes": 3}, "b": {"likes": 2}}),
        ("profiles", "v1", {"u": {"likes": 1}}),
    ]


def test_close_stores_what_is_pending_at_once_and_later_rows_are_ignored() -> None:
    store = Recording()
    writer = WriteBehind(store, "v1", delay=60)
    writer.put("counters", {"a": {"likes": 1}})
    started = time.monotonic()
    writer.close()
    assert time.monotonic() - started < 5
    writer.put("counters", {"b": {"likes": 1}})
    assert store.puts == [("counters", "v1", {"a": {"likes": 1}})]


def test_a_failing_store_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    writer = WriteBehind(Recording(fail=True), "v1", delay=0)
    with caplog.at_level(logging.ERROR, logger="aianimals.ranking.write_behind"):
        writer.put("counters", {"a": {"likes": 1}})
        writer.close()
    assert "write-back of 1 counters rows failed" in caplog.text


def test_rows_the_store_gained_meanwhile_are_not_overwritten() -> None:
    store = Recording(present=["a"])
    writer = WriteBehind(store, "v1", delay=60)
    writer.put("counters", {"a": {"likes": 1}, "b": {"likes": 2}})
    writer.close()
    assert store.puts == [("counters", "v1", {"b": {"likes": 2}})]
