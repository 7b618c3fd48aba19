"""The login limiter over the cache port: windows, lockouts, bursts, and failing open."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aianimals.core.errors import TooManyRequests
from aianimals.ports.cache.memory import MemoryCache
from aianimals.security.login_limits import LoginLimiter, LoginLimits, build_login_limiter
from aianimals.settings import Settings

LIMITS = LoginLimits(window_seconds=900, lockout_seconds=600, per_client_account=3)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _fail(limiter: LoginLimiter, client: str | None, account: str) -> None:
    limiter.begin(client, account).failed()


def test_the_limit_blocks_for_the_lockout_and_then_lets_go() -> None:
    clock = Clock()
    limiter = LoginLimiter(MemoryCache(), LIMITS, clock=clock)
    for _ in range(3):
        _fail(limiter, "10.0.0.1", "handle:dog")
    with pytest.raises(TooManyRequests) as refused:
        limiter.begin("10.0.0.1", "handle:dog")
    assert refused.value.retry_after == 600
    assert refused.value.headers == {"Retry-After": "600"}
    clock.now += 599.5
    with pytest.raises(TooManyRequests) as refused:
        limiter.begin("10.0.0.1", "handle:dog")
    assert refused.value.retry_after == 1
    clock.now += 1
    limiter.begin("10.0.0.1", "handle:dog").succeeded()


def test_another_client_is_not_blocked_by_one_clients_failures() -> None:
    limiter = LoginLimiter(MemoryCache(), LIMITS, clock=Clock())
    for _ in range(3):
        _fail(limiter, "10.0.0.1", "handle:dog")
    limiter.begin("10.0.0.2", "handle:dog").succeeded()


def test_the_account_is_blocked_for_everyone_after_its_own_limit() -> None:
    limits = LoginLimits(per_client_account=5, per_account=6)
    limiter = LoginLimiter(MemoryCache(), limits, clock=Clock())
    for client in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        _fail(limiter, client, "handle:dog")
        _fail(limiter, client, "handle:dog")
    with pytest.raises(TooManyRequests):
        limiter.begin("10.0.0.9", "handle:dog")


def test_the_account_key_ignores_case_and_spaces() -> None:
    limiter = LoginLimiter(MemoryCache(), LIMITS, clock=Clock())
    for account in ("email:Dog@Example.com", "email:dog@example.com ", "email:DOG@example.COM"):
        _fail(limiter, "10.0.0.1", account)
    with pytest.raises(TooManyRequests):
        limiter.begin("10.0.0.1", "email:dog@example.com")


def test_the_previous_bucket_still_counts_while_it_overlaps_the_window() -> None:
    clock = Clock()
    clock.now = 900 * 2_000_000 + 890  # 10 s before a bucket ends
    limiter = LoginLimiter(MemoryCache(), LIMITS, clock=clock)
    _fail(limiter, "10.0.0.1", "handle:dog")
    _fail(limiter, "10.0.0.1", "handle:dog")
    clock.now += 20  # next bucket: the previous one weighs 890/900
    _fail(limiter, "10.0.0.1", "handle:dog")
    with pytest.raises(TooManyRequests):
        limiter.begin("10.0.0.1", "handle:dog")


def test_logins_in_flight_together_are_all_admitted_when_they_succeed() -> None:
    """Only failures count: correct logins that overlap never lock their account out."""
    limiter = LoginLimiter(MemoryCache(), LIMITS, clock=Clock())
    attempts = [limiter.begin("10.0.0.1", "user:dog") for _ in range(8)]
    for attempt in attempts:
        attempt.succeeded()
    for _ in range(8):
        limiter.begin("10.0.0.1", "user:dog").succeeded()


def test_a_burst_of_parallel_guesses_overshoots_by_its_concurrency_at_most() -> None:
    """The price of counting only failures: guesses already past the check all run."""
    limiter = LoginLimiter(MemoryCache(), LIMITS, clock=Clock())

    def guess(_: int) -> bool:
        try:
            attempt = limiter.begin("10.0.0.1", "user:dog")
        except TooManyRequests:
            return False
        attempt.failed()
        return True

    with ThreadPoolExecutor(max_workers=16) as pool:
        admitted = sum(pool.map(guess, range(64)))
    assert LIMITS.per_client_account <= admitted < LIMITS.per_client_account + 16
    with pytest.raises(TooManyRequests):
        limiter.begin("10.0.0.1", "user:dog")


def test_success_resets_the_account_but_not_the_client() -> None:
    limits = LoginLimits(per_client_account=3, per_client=4)
    limiter = LoginLimiter(MemoryCache(), limits, clock=Clock())
    _fail(limiter, "10.0.0.1", "handle:dog")
    _fail(limiter, "10.0.0.1", "handle:dog")
    limiter.begin("10.0.0.1", "handle:dog").succeeded()
    _fail(limiter, "10.0.0.1", "handle:dog")
    _fail(limiter, "10.0.0.1", "handle:cat")  # the client's 4th failure
    with pytest.raises(TooManyRequests):
        limiter.begin("10.0.0.1", "handle:mine")


def test_an_unknown_client_is_limited_per_account_only() -> None:
    limiter = LoginLimiter(MemoryCache(), LoginLimits(per_client=2), clock=Clock())
    for account in ("email:a@x.io", "email:b@x.io", "email:c@x.io"):
        _fail(limiter, None, account)
    limiter.begin(None, "email:d@x.io").succeeded()


class BrokenCache:
    """A cache whose every call fails, as an unreachable Redis does."""

    def get(self, key: str) -> bytes | None:
        raise ConnectionError("down")

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        raise ConnectionError("down")

    def delete(self, *keys: str) -> None:
        raise ConnectionError("down")

    def incr(self, key: str) -> int:
        raise ConnectionError("down")

    def close(self) -> None:
        pass


def test_an_unreachable_cache_fails_open_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    limiter = LoginLimiter(BrokenCache(), LIMITS)
    with caplog.at_level(logging.WARNING):
        for _ in range(10):
            attempt = limiter.begin("10.0.0.1", "handle:dog")
            attempt.failed()
        limiter.begin("10.0.0.1", "handle:dog").succeeded()
    assert "login rate limiting is off for this attempt: cache unreachable" in caplog.text


class KeyRecordingCache(MemoryCache):
    """A memory cache that remembers the keys stored in it."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: set[str] = set()

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self.keys.add(key)
        super().set(key, value, ttl_seconds)


def test_garbage_in_the_cache_is_not_a_500() -> None:
    cache = KeyRecordingCache()
    limiter = LoginLimiter(cache, LIMITS, clock=Clock())
    for _ in range(LIMITS.per_client_account):  # blocked: the block is in the cache
        _fail(limiter, "10.0.0.1", "handle:dog")
    assert cache.keys
    for key in list(cache.keys):
        cache.set(key, b"not a number", 60)
    limiter.begin("10.0.0.1", "handle:dog").failed()


def test_the_memory_kind_gets_its_own_store_and_disk_or_redis_the_shared_one(
    tmp_path: Path,
) -> None:
    shared = MemoryCache()
    memory = build_login_limiter(
        Settings(environment="test", cache={"kind": "memory"}), lambda: shared
    )
    assert memory.cache is not shared
    disk = build_login_limiter(Settings(environment="test", var_dir=tmp_path), lambda: shared)
    assert disk.cache is shared
    redis = build_login_limiter(
        Settings(environment="test", cache={"kind": "redis"}), lambda: shared
    )
    assert redis.cache is shared
    assert redis.limits == LoginLimits()
