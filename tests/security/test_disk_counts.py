"""With the disk cache, the API processes of one machine count failed logins and sign-ups
together (`DiskCounts` under `<cache.path>/limits`)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import multiprocessing.synchronize
from pathlib import Path

import pytest
from limits import RateLimitItemPerSecond
from limits.strategies import SlidingWindowCounterRateLimiter

from aianimals.core.errors import TooManyRequests
from aianimals.ports.cache.disk import DiskCache
from aianimals.security.disk_counts import DiskCounts
from aianimals.security.login_limits import LoginLimiter, LoginLimits
from aianimals.security.signup_limits import SignUpLimiter, SignUpLimits
from aianimals.security.windows import LIMITS_DIRECTORY, counter_storage
from aianimals.settings import CacheSettings

LIMITS = LoginLimits(window_seconds=900, lockout_seconds=600, per_client_account=4)
MEGABYTE = 1024 * 1024


def _settings(path: Path) -> CacheSettings:
    return CacheSettings(kind="disk", path=path)


def _login(path: Path) -> LoginLimiter:
    """One API process's login limiter over the machine's disk cache."""
    return LoginLimiter(DiskCache(path, MEGABYTE), LIMITS, storage=counter_storage(_settings(path)))


def test_the_disk_cache_counts_in_its_limits_directory(tmp_path: Path) -> None:
    storage = counter_storage(_settings(tmp_path))
    assert isinstance(storage, DiskCounts)
    assert (tmp_path / LIMITS_DIRECTORY).is_dir()


def test_processes_sharing_the_disk_cache_share_the_login_counts(tmp_path: Path) -> None:
    first = _login(tmp_path)
    second = _login(tmp_path)
    for limiter in (first, second, first, second):
        limiter.begin("10.0.0.1", "handle:dog").failed()
    for limiter in (first, second):
        with pytest.raises(TooManyRequests) as refused:
            limiter.begin("10.0.0.1", "handle:dog")
        assert 599 <= refused.value.retry_after <= 600


def test_processes_sharing_the_disk_cache_share_the_sign_up_counts(tmp_path: Path) -> None:
    limits = SignUpLimits(per_client=2)
    first, second = (
        SignUpLimiter(
            DiskCache(tmp_path, MEGABYTE), limits, storage=counter_storage(_settings(tmp_path))
        )
        for _ in range(2)
    )
    first.check("10.0.0.1")
    second.check("10.0.0.1")
    for limiter in (first, second):
        with pytest.raises(TooManyRequests):
            limiter.check("10.0.0.1")


def _hit(
    path: str,
    attempts: int,
    start: multiprocessing.synchronize.Barrier,
    allowed: multiprocessing.queues.Queue[int],
) -> None:
    """In a process of its own: how many of `attempts` hits of one key a limit of 20 let in."""
    counter = SlidingWindowCounterRateLimiter(counter_storage(_settings(Path(path))))
    item = RateLimitItemPerSecond(20, 900, namespace="race")
    start.wait(timeout=30)
    allowed.put(sum(counter.hit(item, "10.0.0.1") for _ in range(attempts)))


def test_two_processes_hitting_one_key_together_let_in_exactly_the_limit(
    tmp_path: Path,
) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    allowed: multiprocessing.queues.Queue[int] = context.Queue()
    processes = [
        context.Process(target=_hit, args=(str(tmp_path), 15, start, allowed)) for _ in range(2)
    ]
    for process in processes:
        process.start()
    counts = [allowed.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert sum(counts) == 20


def test_a_count_keeps_its_expiry_and_never_goes_below_zero(tmp_path: Path) -> None:
    storage = DiskCounts(tmp_path)
    assert storage.incr("key", 60) == 1
    expires = storage.get_expiry("key")
    assert storage.incr("key", 600, amount=2) == 3
    assert storage.get_expiry("key") == pytest.approx(expires)
    assert storage.decr("key", 5) == 0
    assert storage.get_expiry("key") == pytest.approx(expires, abs=0.01)
    storage.clear("key")
    assert storage.get("key") == 0
    storage.close()


def test_the_sliding_window_weighs_and_clears(tmp_path: Path) -> None:
    storage = DiskCounts(tmp_path)
    assert storage.acquire_sliding_window_entry("key", 3, 900, amount=2)
    assert not storage.acquire_sliding_window_entry("key", 3, 900, amount=2)
    assert not storage.acquire_sliding_window_entry("key", 3, 900, amount=4)
    _previous, _weight, current, current_ttl = storage.get_sliding_window("key", 900)
    assert current == 2
    assert 900 < current_ttl <= 1800
    storage.clear_sliding_window("key", 900)
    assert storage.get_sliding_window("key", 900)[2] == 0
    assert storage.reset() == 0
    storage.close()
