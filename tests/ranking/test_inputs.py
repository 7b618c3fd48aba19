"""The serving caches: entries expire, the map stays bounded."""

from __future__ import annotations

from aianimals.ranking.inputs import TtlCache


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_entries_are_found_until_they_expire() -> None:
    clock = _Clock()
    cache: TtlCache[str, int] = TtlCache(ttl=60, size=10, clock=clock)
    cache.put_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b", "c"]) == ({"a": 1, "b": 2}, ["c"])
    clock.now = 61
    assert cache.get_many(["a"]) == ({}, ["a"])


def test_the_oldest_entries_go_first_beyond_the_size() -> None:
    cache: TtlCache[int, int] = TtlCache(ttl=60, size=3, clock=_Clock())
    cache.put_many({n: n for n in range(5)})
    found, missing = cache.get_many(range(5))
    assert sorted(found) == [2, 3, 4]
    assert missing == [0, 1]
