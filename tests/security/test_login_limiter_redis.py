"""Two API processes over one Redis count failed logins and sign-ups together; keys expire."""

from __future__ import annotations

import contextlib

import pytest
import redis

from aianimals.core.errors import TooManyRequests
from aianimals.ports.cache.redis import RedisCache
from aianimals.security.login_limits import LoginLimiter, LoginLimits
from aianimals.security.signup_limits import SignUpLimiter, SignUpLimits
from aianimals.security.windows import counter_storage
from aianimals.settings import CacheSettings
from tests.security.conftest import LOCAL_REDIS_URL

LIMITS = LoginLimits(window_seconds=900, lockout_seconds=600, per_client_account=4)


def _login(prefix: str) -> LoginLimiter:
    """One API process's login limiter: blocks in its Redis cache, counts in Redis too."""
    settings = CacheSettings(kind="redis", url=LOCAL_REDIS_URL, prefix=prefix)
    return LoginLimiter(
        RedisCache(LOCAL_REDIS_URL, prefix), LIMITS, storage=counter_storage(settings)
    )


def _sign_up(prefix: str, limits: SignUpLimits) -> SignUpLimiter:
    settings = CacheSettings(kind="redis", url=LOCAL_REDIS_URL, prefix=prefix)
    return SignUpLimiter(
        RedisCache(LOCAL_REDIS_URL, prefix), limits, storage=counter_storage(settings)
    )


def test_processes_sharing_redis_share_the_counts(redis_prefix: str) -> None:
    first = _login(redis_prefix)
    second = _login(redis_prefix)
    for limiter in (first, second, first, second):
        limiter.begin("10.0.0.1", "handle:dog").failed()
    for limiter in (first, second):
        with pytest.raises(TooManyRequests) as refused:
            limiter.begin("10.0.0.1", "handle:dog")
        assert 599 <= refused.value.retry_after <= 600


def test_every_key_expires(redis_prefix: str) -> None:
    limiter = _login(redis_prefix)
    for account in ("handle:dog", "handle:cat"):
        for _ in range(5):
            with contextlib.suppress(TooManyRequests):
                limiter.begin("10.0.0.1", account).failed()
    client = redis.Redis.from_url(LOCAL_REDIS_URL)
    keys = list(client.scan_iter(match=f"{redis_prefix}*"))
    assert keys
    assert all(0 < int(client.pttl(key)) <= 2 * 900 * 1000 for key in keys)
    client.close()


def test_a_successful_login_clears_the_account_keys(redis_prefix: str) -> None:
    limiter = _login(redis_prefix)
    for _ in range(3):
        limiter.begin(None, "handle:dog").failed()
    limiter.begin(None, "handle:dog").succeeded()
    client = redis.Redis.from_url(LOCAL_REDIS_URL)
    assert not list(client.scan_iter(match=f"{redis_prefix}*"))
    client.close()


def test_processes_sharing_redis_share_the_sign_up_counts(redis_prefix: str) -> None:
    limits = SignUpLimits(per_client=2)
    first = _sign_up(redis_prefix, limits)
    second = _sign_up(redis_prefix, limits)
    first.check("10.0.0.1")
    second.check("10.0.0.1")
    for limiter in (first, second):
        with pytest.raises(TooManyRequests):
            limiter.check("10.0.0.1")
    client = redis.Redis.from_url(LOCAL_REDIS_URL)
    keys = list(client.scan_iter(match=f"{redis_prefix}*"))
    assert all(0 < int(client.pttl(key)) <= 2 * 3600 * 1000 for key in keys)
    client.close()
