"""What the portal's screens use: the review service, admin sessions and photo bytes.

One backend per process and settings (a Streamlit resource), holding the container; every
call opens its own short session, so no transaction outlives a script run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import streamlit as st

from aianimals.api.container import Container, build_container
from aianimals.moderation.admins import AdminAuth, AdminSession
from aianimals.moderation.review import ReviewService
from aianimals.ports.blobs.store import BlobNotFoundError
from aianimals.security.login_limits import build_login_limiter
from aianimals.settings import Settings
from aianimals.users.service import UserService


class PortalBackend:
    """The portal's use cases over one container."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self.login_limiter = build_login_limiter(container.settings, lambda: container.raw_cache)

    @contextmanager
    def reviews(self) -> Iterator[ReviewService]:
        """The review service over a fresh session (rolled back if left uncommitted)."""
        with self.container.database.session() as session:
            yield ReviewService(session)

    @contextmanager
    def _admins(self) -> Iterator[AdminAuth]:
        ttl = timedelta(seconds=self.container.settings.auth.token_ttl_seconds)
        with self.container.database.session() as session:
            users = UserService(session, self.container.hasher, ttl)
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
        prefix = self.container.settings.blobs.public_prefix.rstrip("/") + "/"
        if not url or not url.startswith(prefix):
            return None
        try:
            return self.container.blobs.get(url.removeprefix(prefix))
        except (BlobNotFoundError, ValueError):
            return None

    def close(self) -> None:
        """Release the container's ports and connections."""
        self.container.close()


def _release(backend: PortalBackend) -> None:
    backend.close()


@st.cache_resource(show_spinner=False, on_release=_release)
def _backend_for(settings_json: str) -> PortalBackend:
    return PortalBackend(build_container(Settings.model_validate_json(settings_json)))


def portal_backend(settings: Settings) -> PortalBackend:
    """The process's backend for these settings, built on first use and then shared."""
    return _backend_for(settings.model_dump_json())
