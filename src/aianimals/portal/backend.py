"""What the portal's screens use: the review service, admin sessions and photo bytes.

One backend per process and settings (a Streamlit resource built by roles/portal_backend.py),
holding the process's ports; every call opens its own short session, so no transaction outlives
a script run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Protocol

from aianimals.core.passwords import PasswordHasher
from aianimals.moderation.admins import AdminAuth, AdminSession
from aianimals.moderation.service import ModerationService
from aianimals.ports.blobs.store import BlobNotFoundError, BlobStore
from aianimals.ports.cache.base import Cache
from aianimals.ports.search.base import SearchIndex
from aianimals.ports.sql.database import Database
from aianimals.search.engine import TextSearch
from aianimals.security.login_limits import build_login_limiter
from aianimals.settings import Settings
from aianimals.users.service import UserService


class PortalPorts(Protocol):
    """What the portal uses of its process: settings, the store, the photo store, the
    password hasher, the cache (login limits) and search (its console); a container has them all."""

    @property
    def settings(self) -> Settings: ...
    @property
    def database(self) -> Database: ...
    @property
    def blobs(self) -> BlobStore: ...
    @property
    def hasher(self) -> PasswordHasher: ...
    @property
    def raw_cache(self) -> Cache: ...
    @property
    def search_index(self) -> SearchIndex: ...
    @property
    def text_search(self) -> TextSearch: ...
    def close(self) -> None: ...


class PortalBackend:
    """The portal's use cases over one process's ports."""

    def __init__(self, ports: PortalPorts) -> None:
        self.ports = ports
        self.login_limiter = build_login_limiter(ports.settings, lambda: ports.raw_cache)

    @contextmanager
    def reviews(self) -> Iterator[ModerationService]:
        """The review service over a fresh session (rolled back if left uncommitted)."""
        with self.ports.database.session() as session:
            yield ModerationService(session)

    @contextmanager
    def _admins(self) -> Iterator[AdminAuth]:
        ttl = timedelta(seconds=self.ports.settings.auth.token_ttl_seconds)
        with self.ports.database.session() as session:
            users = UserService(session, self.ports.hasher, ttl)
            yield AdminAuth(users, self.login_limiter)

    def log_in(self, email_address: str, password: str, client: str | None = None) -> AdminSession:
        """An administrator's session; Unauthorized, Forbidden or TooManyRequests otherwise
        (`client`: the browser's address, for the login limits)."""
        with self._admins() as admins:
            return admins.log_in(email_address, password, client)

    def resume(self, token: str) -> AdminSession:
        """The administrator a session token still belongs to; Unauthorized or Forbidden."""
        with self._admins() as admins:
            return admins.resume(token)

    def log_out(self, token: str) -> None:
        """End a session."""
        with self._admins() as admins:
            admins.log_out(token)

    def photo(self, url: str | None) -> bytes | None:
        """The bytes of a photo the blob store serves at `url`; None for other URLs or
        missing files (photos are read through the store, never fetched from elsewhere)."""
        prefix = self.ports.settings.blobs.public_prefix.rstrip("/") + "/"
        if not url or not url.startswith(prefix):
            return None
        try:
            return self.ports.blobs.get(url.removeprefix(prefix))
        except (BlobNotFoundError, ValueError):
            return None

    def close(self) -> None:
        """Release the ports and connections."""
        self.ports.close()
