"""Recently verified access tokens, so that a request with a known token skips the store.

Checking a token costs two primary-key reads (the token's digest, then its user); most
requests come from a client that sent the same token a moment ago. A verified token is kept
here for `auth.token_cache_seconds` with a detached copy of its user's columns and the
token's own expiry. Within this process a logout forgets the token at once; a token
revoked, or an account deactivated, through another process is refused once its entry
expires, so within those few seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cachetools import TTLCache
from sqlalchemy import inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from aianimals.users.models import User


@dataclass(frozen=True)
class VerifiedToken:
    """A token's user as it was read (detached, every column loaded) and when it expires."""

    user: User
    expires_at: datetime


def detached_copy(user: User) -> User:
    """A copy of `user`'s columns, detached from any session, as if freshly loaded."""
    values = {column.key: getattr(user, column.key) for column in inspect(User).column_attrs}
    copy = User(**values)
    make_transient_to_detached(copy)
    return copy


class TokenCache:
    """Thread-safe TTL map from a token's digest to its `VerifiedToken`."""

    def __init__(
        self,
        ttl_seconds: float,
        max_entries: int = 10_000,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._entries: TTLCache[str, VerifiedToken] = TTLCache(
            maxsize=max_entries, ttl=ttl_seconds, timer=clock
        )

    def user(self, session: Session, digest: str, now: datetime) -> User | None:
        """The token's user, attached to `session` without a read; None when the token is
        not held, or held but past its own expiry."""
        with self._lock:
            held = self._entries.get(digest)
        if held is None or held.expires_at <= now:
            return None
        return session.merge(held.user, load=False)

    def remember(self, digest: str, user: User, expires_at: datetime) -> None:
        """Hold a token just verified against the store."""
        verified = VerifiedToken(detached_copy(user), expires_at)
        with self._lock:
            self._entries[digest] = verified

    def forget(self, digest: str) -> None:
        """Drop a token (it was revoked in this process)."""
        with self._lock:
            self._entries.pop(digest, None)

    def held(self, digest: str, now: datetime) -> bool:
        """Whether the token is held and not past its expiry (no session needed)."""
        with self._lock:
            verified = self._entries.get(digest)
        return verified is not None and verified.expires_at > now
