"""Failed-login limits, counted in the cache port so every API process shares them (Redis).

Three scopes, each with its own limit over a sliding window (default 15 minutes):

- client + account: failures for one account from one client address (default 5);
- account: failures for that account from every client together (default 20), which caps
  distributed guessing; anyone can then keep the account's logins answering 429, the
  price of that cap;
- client: failures from one client address over every account (default 20), which caps
  password spraying. A successful login does not reset it, or an attacker could reset
  their own counter by logging in to an account of theirs between guesses.

The account is what the login resolved to, named by the caller: `user:<id>` for an
existing account, however it was typed (handle or e-mail address, any case), so the
identifiers of one account share one count; and the identifier as typed, case-folded
(`handle:dog_leigh`, `email:…`), for one that names no account, so an unknown account is
limited exactly like a known one. (A client that has blocked an account by its handle can
then tell its e-mail address from others, 429 against 401; the client scope bounds how
many addresses it can try.)

Only failures count. `begin` checks the blocks before the password is checked: a blocked
scope answers 429 with `Retry-After` at once, without checking the password, and is not
counted. A failure then counts in every scope, and a scope that reaches its limit is blocked
for the lockout (default 15 minutes) and starts its count afresh. A success resets the two
account scopes. Correct logins therefore never lock an account out, however many run at
once; the price is that guesses already past the block check when the limit is reached all
get their answer, so a burst of parallel wrong guesses can overshoot a limit by up to its
concurrency (a handful for one client, bounded by the password hashing it must wait for).

Counting (the `limits` library's sliding-window counter) and blocking: `security.windows`.
Fail-open: when the cache cannot be reached,
logins go on unlimited and a warning is logged; the limiter never turns a login into a 500.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits.storage import Storage

from aianimals.core.errors import TooManyRequests
from aianimals.ports.cache.base import Cache
from aianimals.ports.cache.memory import MemoryCache
from aianimals.security.windows import CacheUnavailable, SlidingWindows, counter_storage
from aianimals.settings import AuthSettings, Settings

logger = logging.getLogger(__name__)

TOO_MANY_FAILURES = "too many failed logins: try again in {minutes} minute(s)"


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
    """The limiter of one process. Blocks live in the shared cache (`shared_cache()`, Redis
    or the machine's disk cache), so a block made by one API process holds in all; with the
    `memory` cache, in a store of its own, so that other cached values (search results)
    cannot push them out of the LRU. Counts live in `windows.counter_storage`."""
    store = MemoryCache(MEMORY_ENTRIES) if settings.cache.kind == "memory" else shared_cache()
    limits = LoginLimits.from_settings(settings.auth)
    return LoginLimiter(store, limits, storage=counter_storage(settings.cache))


@dataclass(frozen=True)
class _Scope:
    key: str
    limit: int
    of_account: bool
    """One of the account's scopes, which a successful login resets."""


class LoginLimiter:
    """Checks login attempts and counts their failures; `begin` before checking a password."""

    def __init__(
        self,
        cache: Cache,
        limits: LoginLimits | None = None,
        *,
        clock: Callable[[], float] = time.time,
        storage: Storage | None = None,
    ) -> None:
        """`clock` times the blocks; `storage` holds the counts (this process's memory by
        default)."""
        self.cache = cache
        self.limits = limits or LoginLimits()
        self.clock = clock
        self.windows = SlidingWindows(
            cache,
            counts="login:fail",
            blocks="login:block",
            window_seconds=self.limits.window_seconds,
            lockout_seconds=self.limits.lockout_seconds,
            storage=storage,
        )

    def begin(self, client: str | None, account: str) -> LoginAttempt:
        """An attempt to log in to `account` (`user:<id>`, or the identifier as typed for an
        unknown account) from `client` (None: unknown address).

        Raises TooManyRequests (429, `Retry-After`) while a scope is blocked; the password
        must then not be checked. Counts nothing: report the outcome on the attempt.
        """
        if not self.limits.enabled:
            return LoginAttempt(self, [])
        scopes = self._scopes(client, account)
        try:
            now = self.clock()
            wait = max(self.windows.blocked_for(scope.key, now) for scope in scopes)
        except CacheUnavailable as error:
            _warn(error)
            return LoginAttempt(self, [])
        if wait > 0:
            raise self._refusal(wait)
        return LoginAttempt(self, scopes)

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

    def record_failure(self, scopes: list[_Scope]) -> None:
        """Count a failure in every scope not blocked yet (by a failure that ran alongside);
        block those that reach their limit."""
        try:
            now = self.clock()
            for scope in scopes:
                if self.windows.blocked_for(scope.key, now) > 0:
                    continue
                # Blocked when one more attempt would go past the limit (the previous bucket's
                # failures weigh less than one each as it leaves the window).
                counted = self.windows.hit(scope.key, scope.limit)
                if not counted or self.windows.exhausted(scope.key, scope.limit):
                    self.windows.block(scope.key, now, scope.limit)
        except CacheUnavailable as error:
            _warn(error)

    def record_success(self, scopes: list[_Scope]) -> None:
        """Reset the account scopes' counts and blocks (not the client's)."""
        keys = {scope.key: scope.limit for scope in scopes if scope.of_account}
        try:
            self.windows.reset(keys)
        except CacheUnavailable as error:
            _warn(error)


@dataclass
class LoginAttempt:
    """One login in progress: report how the password check went."""

    limiter: LoginLimiter
    scopes: list[_Scope]

    def failed(self) -> None:
        """The password (or account) was wrong: count it, block a scope at its limit."""
        if self.scopes:
            self.limiter.record_failure(self.scopes)

    def succeeded(self) -> None:
        """The password was right: reset the account's counts (not the client's)."""
        if self.scopes:
            self.limiter.record_success(self.scopes)


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]
    return f"{parts[0]}:{digest}"


def _warn(error: CacheUnavailable) -> None:
    logger.warning("login rate limiting is off for this attempt: cache unreachable (%s)", error)
