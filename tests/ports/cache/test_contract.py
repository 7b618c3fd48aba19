"""The cache contract: every test here runs against the disk cache, the in-process cache and
Redis (see conftest for when the Redis cases skip or fail)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pydantic import TypeAdapter

from aianimals.ports.cache.base import Cache
from aianimals.ports.cache.json_cache import JsonCache
from tests.waiting import wait_until

CacheMaker = Callable[[], Cache]


def test_get_returns_what_set_stored_and_none_for_a_missing_key(cache: Cache) -> None:
    assert cache.get("absent") is None
    cache.set("k", b"v1", 30)
    assert cache.get("k") == b"v1"
    cache.set("k", b"v2", 30)
    assert cache.get("k") == b"v2"


def test_bytes_round_trip_unchanged_including_non_utf8(cache: Cache) -> None:
    payload = bytes(range(256)) + b"\xff\xfe\x00\x80" + "ünï 🐈".encode()
    cache.set("binary", payload, 30)
    cache.set("empty", b"", 30)
    assert cache.get("binary") == payload
    assert cache.get("empty") == b""


def test_entries_expire_after_their_ttl(cache: Cache) -> None:
    cache.set("short", b"x", 0.2)
    cache.set("long", b"y", 30)
    assert cache.get("short") == b"x"
    wait_until(lambda: cache.get("short") is None, timeout=5)
    assert cache.get("long") == b"y"


@pytest.mark.parametrize("ttl", [0, -1, float("inf"), float("nan")])
def test_a_ttl_that_is_not_positive_and_finite_is_refused(cache: Cache, ttl: float) -> None:
    with pytest.raises(ValueError, match="ttl_seconds"):
        cache.set("k", b"v", ttl)


def test_delete_forgets_several_keys_and_ignores_absent_ones(cache: Cache) -> None:
    for key in ("a", "b", "c"):
        cache.set(key, key.encode(), 30)
    cache.incr("counter")
    cache.delete("a", "c", "counter", "never-set")
    cache.delete()
    assert cache.get("a") is None
    assert cache.get("b") == b"b"
    assert cache.get("c") is None
    assert cache.incr("counter") == 1


def test_incr_counts_from_zero_and_reads_back_as_decimal_bytes(cache: Cache) -> None:
    assert cache.incr("n") == 1
    assert cache.incr("n") == 2
    assert cache.incr("other") == 1
    assert cache.get("n") == b"2"


def test_incr_of_a_value_that_is_not_an_integer_raises_value_error(cache: Cache) -> None:
    cache.set("text", b"hello", 30)
    with pytest.raises(ValueError, match="not an integer"):
        cache.incr("text")


def test_concurrent_incr_from_threads_never_repeats_a_value(cache: Cache) -> None:
    threads_count, per_thread = 8, 100
    seen: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(threads_count)

    def work() -> None:
        start.wait()
        values = [cache.incr("shared") for _ in range(per_thread)]
        with lock:
            seen.extend(values)

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = threads_count * per_thread
    assert sorted(seen) == list(range(1, total + 1))
    assert cache.get("shared") == str(total).encode()


def test_caches_with_different_prefixes_do_not_see_each_other(make_cache: CacheMaker) -> None:
    first, second = make_cache(), make_cache()
    first.set("k", b"first", 30)
    first.incr("n")
    assert second.get("k") is None
    second.set("k", b"second", 30)
    assert first.get("k") == b"first"
    assert second.incr("n") == 1
    second.delete("k")
    assert first.get("k") == b"first"


# --- JsonCache over each cache --------------------------------------------------------


@dataclass(frozen=True)
class Animal:
    id: str
    name: str


ANIMALS = TypeAdapter(list[Animal])


class Counting:
    """A compute function that counts its calls and returns a fresh value each time."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> list[Animal]:
        self.calls += 1
        return [Animal(id=f"a{self.calls}", name="Ümit")]


def test_json_cache_computes_once_then_serves_the_decoded_value(cache: Cache) -> None:
    json_cache, compute = JsonCache(cache, default_ttl_seconds=30), Counting()
    first = json_cache.get_or_compute("animals", "page:1", compute, ANIMALS)
    second = json_cache.get_or_compute("animals", "page:1", compute, ANIMALS)
    assert first == second == [Animal(id="a1", name="Ümit")]
    assert compute.calls == 1


def test_json_cache_serves_the_stored_json_as_it_is_until_invalidated(cache: Cache) -> None:
    json_cache, compute = JsonCache(cache, default_ttl_seconds=30), Counting()
    first = json_cache.get_or_compute_json("animals", "page:1", compute, ANIMALS)
    second = json_cache.get_or_compute_json("animals", "page:1", compute, ANIMALS)
    assert first == second == ANIMALS.dump_json([Animal(id="a1", name="Ümit")])
    assert json_cache.get_or_compute("animals", "page:1", compute, ANIMALS)[0].id == "a1"
    json_cache.invalidate("animals")
    assert b'"a2"' in json_cache.get_or_compute_json("animals", "page:1", compute, ANIMALS)
    assert compute.calls == 2


def test_invalidating_a_namespace_makes_all_its_old_entries_unreachable(cache: Cache) -> None:
    reader, writer = JsonCache(cache, 30), JsonCache(cache, 30)  # two processes, one cache
    animals, users = Counting(), Counting()
    reader.get_or_compute("animals", "page:1", animals, ANIMALS)
    reader.get_or_compute("animals", "page:2", animals, ANIMALS)
    reader.get_or_compute("users", "page:1", users, ANIMALS)

    new_generation = writer.invalidate("animals")

    assert reader.get_or_compute("animals", "page:1", animals, ANIMALS)[0].id == "a3"
    assert reader.get_or_compute("animals", "page:2", animals, ANIMALS)[0].id == "a4"
    assert reader.get_or_compute("animals", "page:1", animals, ANIMALS)[0].id == "a3"
    assert reader.get_or_compute("users", "page:1", users, ANIMALS)[0].id == "a1"
    assert animals.calls == 4
    assert users.calls == 1
    assert writer.invalidate("animals") == new_generation + 1


def test_json_cache_entries_expire_with_the_given_ttl(cache: Cache) -> None:
    json_cache, compute = JsonCache(cache, default_ttl_seconds=30), Counting()
    json_cache.get_or_compute("animals", "k", compute, ANIMALS, ttl_seconds=0.2)
    assert compute.calls == 1

    def recomputed() -> bool:
        json_cache.get_or_compute("animals", "k", compute, ANIMALS)
        return compute.calls > 1

    wait_until(recomputed, timeout=5)
    assert compute.calls == 2


def test_json_cache_recomputes_an_entry_that_no_longer_decodes(cache: Cache) -> None:
    json_cache, compute = JsonCache(cache, 30), Counting()
    json_cache.get_or_compute("animals", "k", lambda: 7, TypeAdapter(int))
    assert json_cache.get_or_compute("animals", "k", compute, ANIMALS)[0].id == "a1"
    assert json_cache.get_or_compute("animals", "k", compute, ANIMALS)[0].id == "a1"


@pytest.mark.parametrize("namespace", ["", "a:b"])
def test_json_cache_refuses_namespaces_that_could_collide(cache: Cache, namespace: str) -> None:
    with pytest.raises(ValueError, match="namespace"):
        JsonCache(cache, 30).invalidate(namespace)
