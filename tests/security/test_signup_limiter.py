"""The sign-up limiter over the cache port: a count per client address, failing open."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from aianimals.core.errors import TooManyRequests
from aianimals.ports.cache.memory import MemoryCache
from aianimals.security.signup_limits import SignUpLimiter, SignUpLimits, build_signup_limiter
from aianimals.settings import Settings
from tests.security.test_login_limiter import BrokenCache, Clock

LIMITS = SignUpLimits(per_client=3, window_seconds=3600)


def test_past_the_limit_the_address_waits_out_the_window() -> None:
    clock = Clock()
    limiter = SignUpLimiter(MemoryCache(), LIMITS, clock=clock)
    for _ in range(3):
        limiter.check("10.0.0.1")
    with pytest.raises(TooManyRequests, match="too many sign-ups") as refused:
        limiter.check("10.0.0.1")
    assert refused.value.headers == {"Retry-After": "3600"}
    clock.now += 3599.5
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("10.0.0.1")
    assert refused.value.retry_after == 1
    clock.now += 1
    for _ in range(3):
        limiter.check("10.0.0.1")


def test_addresses_are_counted_apart() -> None:
    limiter = SignUpLimiter(MemoryCache(), LIMITS, clock=Clock())
    for _ in range(3):
        limiter.check("10.0.0.1")
    limiter.check("10.0.0.2")


def test_sign_ups_spread_over_two_windows_still_count() -> None:
    clock = Clock()
    clock.now = 3600 * 500_000 + 3000  # 10 minutes before a bucket ends
    limiter = SignUpLimiter(MemoryCache(), LIMITS, clock=clock)
    limiter.check("10.0.0.1")
    limiter.check("10.0.0.1")
    clock.now += 900  # the next bucket: the previous one still weighs 11/12
    limiter.check("10.0.0.1")
    with pytest.raises(TooManyRequests):
        limiter.check("10.0.0.1")


def test_an_unknown_address_is_not_limited() -> None:
    limiter = SignUpLimiter(MemoryCache(), LIMITS, clock=Clock())
    for _ in range(10):
        limiter.check(None)


def test_disabled_limits_count_nothing() -> None:
    cache = MemoryCache()
    limiter = SignUpLimiter(cache, SignUpLimits(enabled=False))
    for _ in range(10):
        limiter.check("10.0.0.1")
    assert len(cache) == 0


def test_an_unreachable_cache_fails_open_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    limiter = SignUpLimiter(BrokenCache(), LIMITS)
    with caplog.at_level(logging.WARNING):
        for _ in range(10):
            limiter.check("10.0.0.1")
    assert "sign-up rate limiting is off for this request: cache unreachable" in caplog.text


def test_the_memory_kind_gets_its_own_store_and_disk_or_redis_the_shared_one(
    tmp_path: Path,
) -> None:
    shared = MemoryCache()
    memory = build_signup_limiter(
        Settings(environment="test", cache={"kind": "memory"}), lambda: shared
    )
    assert memory.cache is not shared
    disk = build_signup_limiter(Settings(environment="test", var_dir=tmp_path), lambda: shared)
    assert disk.cache is shared
    redis = build_signup_limiter(
        Settings(environment="test", cache={"kind": "redis"}), lambda: shared
    )
    assert redis.cache is shared
    assert redis.limits == SignUpLimits()
    assert (redis.limits.per_client, redis.limits.window_seconds) == (5, 3600)
