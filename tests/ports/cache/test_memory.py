"""What only the in-process cache promises: an exact TTL on its clock, an LRU bound, and
counters that the bound never evicts."""

from __future__ import annotations

import pytest

from aianimals.ports.cache.factory import create_cache
from aianimals.ports.cache.memory import MemoryCache
from aianimals.settings import CacheSettings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_entries_expire_exactly_at_their_ttl_on_the_injected_clock() -> None:
    clock = FakeClock()
    cache = MemoryCache(clock=clock)
    cache.set("k", b"v", 10)
    clock.now += 9.999
    assert cache.get("k") == b"v"
    clock.now += 0.001
    assert cache.get("k") is None
    assert len(cache) == 0


def test_evicts_the_least_recently_used_entry_beyond_max_entries() -> None:
    cache = MemoryCache(max_entries=3)
    for key in ("a", "b", "c"):
        cache.set(key, key.encode(), 30)
    assert cache.get("a") == b"a"  # "b" is now the least recently used
    cache.set("d", b"d", 30)
    assert len(cache) == 3
    assert cache.get("b") is None
    assert [cache.get(key) for key in ("a", "c", "d")] == [b"a", b"c", b"d"]


def test_counters_are_never_evicted_by_values() -> None:
    cache = MemoryCache(max_entries=2)
    cache.incr("generation")
    for index in range(50):
        cache.set(f"value:{index}", b"x", 30)
    assert len(cache) == 2
    assert cache.incr("generation") == 2


def test_refuses_a_bound_below_one() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryCache(max_entries=0)


def test_create_cache_builds_a_memory_cache_bounded_by_the_settings() -> None:
    cache = create_cache(CacheSettings(kind="memory", max_entries=1))
    assert isinstance(cache, MemoryCache)
    cache.set("a", b"a", 30)
    cache.set("b", b"b", 30)
    assert cache.get("a") is None
