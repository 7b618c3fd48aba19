"""Failed-login limits, counted in the cache port so every API process shares them (Redis).

Three scopes, each with its own limit over a sliding window (default 15 minutes):

- client + account: failures for one account, as typed (handle name or e-mail address,
  case-folded), from one client address (default 5);
- account: failures for that account from every client together (default 20), which caps
  distributed guessing; anyone can then keep the account's logins answering 429, the
  price of that cap;
- client: failures from one client address over every account (default 20), which caps
  password spraying. A successful login does not reset it, or an attacker could reset
  their own counter by logging in to an account of theirs between guesses.

Reaching a limit blocks the scope for the lockout (default 15 minutes) and starts its count
afresh: logins then answer 429 with `Retry-After`, before any password is checked, and
refused attempts are not counted. The account is keyed by what was typed, never by
whether it exists, so an unknown account is limited exactly like a known one. The two
account scopes count the attempt before the password is checked (a burst of parallel
guesses cannot overshoot the limit) and a successful login resets them.

Counts use two fixed buckets per scope, the previous one weighted by how much of it still
lies inside the window. A bucket is a cache counter (`incr`, atomic in Redis) re-stored
with a TTL after each increment, so it expires in either adapter. A process does both steps
under one lock; processes racing between them (Redis) can each lose a count, no more.

Fail-open: when the cache cannot be reached, logins go on unlimited and a warning is
logged; the limiter never turns a login into a 500.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from aianimals.core.errors import TooManyRequests
from aianimals.ports.cache.base import Cache
from aianimals.ports.cache.memory import MemoryCache
from aianimals.settings import AuthSettings, Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")

TOO_MANY_FAILURES = "too many failed logins: try again in {minutes} minute(s)"
_CACHE_ERRORS = (OSError, ValueError, TypeError)
"""What an unreachable or confused cache raises (`ConnectionError` is an `OSError`)."""


@dataclass(frozen=True)
class LoginLimits:
    """The limits, from `AuthSettings.login_*`."""

    enabled: bool = True
    window_seconds: int = 15 * 60
    lockout_seconds: int = 15 * 60
    per_client_account: int = 5
    per_account: int = 20
    per_client: int = 20

    @classmethod
    def from_settings(cls, auth: AuthSettings) -> LoginLimits:
        """The limits the settings ask for."""
        return cls(
            enabled=auth.login_limits_enabled,
            window_seconds=auth.login_window_seconds,
            lockout_seconds=auth.login_lockout_seconds,
            per_client_account=auth.login_max_failures_per_client_account,
            per_account=auth.login_max_failures_per_account,
            per_client=auth.login_max_failures_per_client,
        )


MEMORY_ENTRIES = 100_000
"""Entries of the in-process store: about 7 per failing client and account."""


def build_login_limiter(settings: Settings, shared_cache: Callable[[], Cache]) -> LoginLimiter:
    """The limiter of one process: over the shared cache (`shared_cache()`) when it is
    Redis, so every process counts together; over its own in-process store otherwise, so
    that other cached values (search results) cannot push its counters out of the LRU."""
    store = shared_cache() if settings.cache.kind == "redis" else MemoryCache(MEMORY_ENTRIES)
    return LoginLimiter(store, LoginLimits.from_settings(settings.auth))


@dataclass(frozen=True)
class _Scope:
    key: str
    limit: int
    counted_before: bool
    """Counted before the password is checked, and reset by a successful login."""


class _CacheUnavailable(Exception):
    pass


class LoginLimiter:
    """Checks and counts login attempts; `begin` before checking a password."""

    def __init__(
        self,
        cache: Cache,
        limits: LoginLimits | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache = cache
        self.limits = limits or LoginLimits()
        self.clock = clock
        self._lock = threading.Lock()

    def begin(self, client: str | None, account: str) -> LoginAttempt:
        """An attempt to log in to `account` from `client` (None: unknown address).

        Raises TooManyRequests (429, `Retry-After`) when a limit is reached; the password
        must then not be checked.
        """
        if not self.limits.enabled:
            return LoginAttempt(self, [], {})
        scopes = self._scopes(client, account)
        try:
            now = self.clock()
            wait = max(self._blocked_for(scope, now) for scope in scopes)
            if wait > 0:
                raise self._refusal(wait)
            counted = [scope for scope in scopes if scope.counted_before]
            counts = {scope.key: self._hit(scope, now) for scope in counted}
            over = [scope for scope in counted if counts[scope.key] > scope.limit]
            for scope in over:
                self._block(scope, now)
            # Another attempt may have reached a limit (and reset its count) meanwhile.
            wait = self.limits.lockout_seconds if over else 0
            wait = max([wait, *(self._blocked_for(scope, now) for scope in counted)])
        except _CacheUnavailable as error:
            _warn(error)
            return LoginAttempt(self, [], {})
        if wait > 0:
            raise self._refusal(wait)
        return LoginAttempt(self, scopes, counts)

    def _scopes(self, client: str | None, account: str) -> list[_Scope]:
        account = account.strip().casefold()
        limits = self.limits
        scopes = [
            _Scope(_key("ca", client or "-", account), limits.per_client_account, True),
            _Scope(_key("a", account), limits.per_account, True),
        ]
        if client:
            scopes.append(_Scope(_key("c", client), limits.per_client, False))
        return scopes

    def _refusal(self, wait: float) -> TooManyRequests:
        seconds = max(1, math.ceil(wait))
        minutes = max(1, math.ceil(seconds / 60))
        return TooManyRequests(TOO_MANY_FAILURES.format(minutes=minutes), retry_after=seconds)

    def _hit(self, scope: _Scope, now: float) -> float:
        """Count one attempt; the sliding-window count including it."""
        window = self.limits.window_seconds
        bucket = int(now // window)
        key = _bucket_key(scope, bucket)
        with self._lock:  # no thread of this process re-stores an older count over a newer
            current = self._call(lambda: self.cache.incr(key))
            self._call(lambda: self.cache.set(key, str(current).encode(), 2 * window))
        previous = self._call(lambda: self.cache.get(_bucket_key(scope, bucket - 1)))
        weight = 1 - (now - bucket * window) / window
        return current + (int(previous) if previous else 0) * weight

    def _block(self, scope: _Scope, now: float) -> None:
        """Block the scope for the lockout, then start its count afresh: after the lockout
        the full allowance is back, so `Retry-After` is when a login is accepted again."""
        lockout = self.limits.lockout_seconds
        value = repr(now + lockout).encode()
        self._call(lambda: self.cache.set(_block_key(scope), value, lockout))
        self._call(lambda: self.cache.delete(*self._bucket_keys(scope, now)))

    def _bucket_keys(self, scope: _Scope, now: float) -> list[str]:
        """The scope's counters that can hold attempts of the window around `now`."""
        bucket = int(now // self.limits.window_seconds)
        return [_bucket_key(scope, b) for b in (bucket - 1, bucket, bucket + 1)]

    def _blocked_for(self, scope: _Scope, now: float) -> float:
        raw = self._call(lambda: self.cache.get(_block_key(scope)))
        return max(0.0, float(raw) - now) if raw else 0.0

    def record_failure(self, scopes: list[_Scope], counts: dict[str, float]) -> None:
        """Count a failure in the scopes not counted yet; block those at their limit."""
        try:
            now = self.clock()
            for scope in scopes:
                count = counts[scope.key] if scope.counted_before else self._hit(scope, now)
                if count >= scope.limit:
                    self._block(scope, now)
        except _CacheUnavailable as error:
            _warn(error)

    def record_success(self, scopes: list[_Scope]) -> None:
        """Reset the account scopes' counters and blocks."""
        now = self.clock()
        keys = [
            key
            for scope in scopes
            if scope.counted_before
            for key in (_block_key(scope), *self._bucket_keys(scope, now))
        ]
        try:
            self._call(lambda: self.cache.delete(*keys))
        except _CacheUnavailable as error:
            _warn(error)

    @staticmethod
    def _call(operation: Callable[[], T]) -> T:
        try:
            return operation()
        except _CACHE_ERRORS as error:
            raise _CacheUnavailable(str(error)) from error


@dataclass
class LoginAttempt:
    """One login in progress: report how the password check went."""

    limiter: LoginLimiter
    scopes: list[_Scope]
    counts: dict[str, float] = field(repr=False)

    def failed(self) -> None:
        """The password (or account) was wrong: count it, block a scope at its limit."""
        if self.scopes:
            self.limiter.record_failure(self.scopes, self.counts)

    def succeeded(self) -> None:
        """The password was right: reset the account's counters (not the client's)."""
        if self.scopes:
            self.limiter.record_success(self.scopes)


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]
    return f"{parts[0]}:{digest}"


def _bucket_key(scope: _Scope, bucket: int) -> str:
    return f"login:fail:{scope.key}:{bucket}"


def _block_key(scope: _Scope) -> str:
    return f"login:block:{scope.key}"


def _warn(error: _CacheUnavailable) -> None:
    logger.warning("login rate limiting is off for this attempt: cache unreachable (%s)", error)
