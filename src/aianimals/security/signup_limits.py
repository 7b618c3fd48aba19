"""Sign-up limits: a count of sign-ups per client address, in the cache port (shared by every
API process with Redis), so one address cannot create accounts, or probe for registered
e-mail addresses, in bulk.

Every sign-up request that reaches the service counts, whatever its answer (a new account,
a taken handle, a taken e-mail address): else probing would be free. Past the limit
(default 5 within an hour) the address is blocked for the window, and sign-ups from it answer
429 with `Retry-After`; the count then starts afresh. A request without a known client
address is not limited. Counting (`limits`) and blocking: `security.windows`. Fail-open, like
the login limits: when the cache cannot be reached, sign-ups go on unlimited and a warning
is logged.
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

TOO_MANY_SIGNUPS = "too many sign-ups from this address: try again in {minutes} minute(s)"
MEMORY_ENTRIES = 100_000
"""Entries of the in-process store: about 4 per client address signing up."""


@dataclass(frozen=True)
class SignUpLimits:
    """The limits, from `AuthSettings.signup_*`."""

    enabled: bool = True
    per_client: int = 5
    window_seconds: int = 3600

    @classmethod
    def from_settings(cls, auth: AuthSettings) -> SignUpLimits:
        """The limits the settings ask for."""
        return cls(
            enabled=auth.signup_limits_enabled,
            per_client=auth.signup_max_per_client,
            window_seconds=auth.signup_window_seconds,
        )


def build_signup_limiter(settings: Settings, shared_cache: Callable[[], Cache]) -> SignUpLimiter:
    """The limiter of one process, its blocks and counts kept as
    `login_limits.build_login_limiter` keeps them."""
    store = MemoryCache(MEMORY_ENTRIES) if settings.cache.kind == "memory" else shared_cache()
    limits = SignUpLimits.from_settings(settings.auth)
    return SignUpLimiter(store, limits, storage=counter_storage(settings.cache))


class SignUpLimiter:
    """Counts sign-ups per client address; `check` before creating an account."""

    def __init__(
        self,
        cache: Cache,
        limits: SignUpLimits | None = None,
        *,
        clock: Callable[[], float] = time.time,
        storage: Storage | None = None,
    ) -> None:
        """`clock` times the blocks; `storage` holds the counts (this process's memory by
        default)."""
        self.cache = cache
        self.limits = limits or SignUpLimits()
        self.clock = clock
        self.windows = SlidingWindows(
            cache,
            counts="signup:count",
            blocks="signup:block",
            window_seconds=self.limits.window_seconds,
            lockout_seconds=self.limits.window_seconds,
            storage=storage,
        )

    def check(self, client: str | None) -> None:
        """Count a sign-up from `client` (None: unknown address, not limited); raises
        TooManyRequests (429, `Retry-After`) while the address is blocked or when this
        sign-up goes past the limit, and the sign-up must then not be made."""
        if not self.limits.enabled or not client:
            return
        key = _key(client)
        try:
            now = self.clock()
            wait = self.windows.blocked_for(key, now)
            per_client = self.limits.per_client
            if wait <= 0 and not self.windows.hit(key, per_client):
                self.windows.block(key, now, per_client)
                wait = self.limits.window_seconds
        except CacheUnavailable as error:
            logger.warning(
                "sign-up rate limiting is off for this request: cache unreachable (%s)", error
            )
            return
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            minutes = max(1, math.ceil(seconds / 60))
            raise TooManyRequests(TOO_MANY_SIGNUPS.format(minutes=minutes), retry_after=seconds)


def _key(client: str) -> str:
    return "c:" + hashlib.sha256(client.encode("utf-8")).hexdigest()[:32]
