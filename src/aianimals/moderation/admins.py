"""Who may review violations: users with the admin role, logged in with e-mail and password.

The users service checks the password and issues the session token (same cost for unknown
accounts, expiry, deactivation); this module adds the failed-login limits (429-like
`TooManyRequests` after too many failures, as on the API) and the role check, so a portal
session ends as soon as the account is deactivated, demoted, or its token expires.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pydantic import ValidationError

from aianimals.core.errors import Forbidden, Unauthorized
from aianimals.ports.cache.memory import MemoryCache
from aianimals.security.login_limits import MEMORY_ENTRIES, LoginLimiter
from aianimals.users.models import ROLE_ADMIN, User
from aianimals.users.schemas import UserLogin
from aianimals.users.service import UserService

WRONG_CREDENTIALS = "wrong e-mail address or password"
NOT_AN_ADMIN = "this account is not an administrator: only administrators may review violations"


@dataclass(frozen=True)
class AdminSession:
    """A logged-in administrator and the token that keeps them logged in."""

    token: str
    user_id: str
    handle_name: str
    email_address: str


_default_lock = threading.Lock()
_default: list[LoginLimiter] = []


def default_limiter() -> LoginLimiter:
    """The process's limiter for portals that pass none: default limits, in memory."""
    with _default_lock:
        if not _default:
            _default.append(LoginLimiter(MemoryCache(MEMORY_ENTRIES)))
        return _default[0]


class AdminAuth:
    """Logs administrators in and out, and checks a session on every request.

    `limiter` counts failed logins (see `security.login_limits`); without one, a limiter
    shared by the process with the default limits.
    """

    def __init__(self, users: UserService, limiter: LoginLimiter | None = None) -> None:
        self.users = users
        self.limiter = limiter or default_limiter()

    def log_in(self, email_address: str, password: str, client: str | None = None) -> AdminSession:
        """A session for an administrator; Unauthorized for wrong credentials, Forbidden
        (only after the password was right) for an account without the admin role, and
        TooManyRequests after too many failures for the account (however its address is
        typed; from `client`, the browser's address when known, or from anywhere) or from
        `client`."""
        try:
            request = UserLogin(email_address=email_address.strip(), password=password)
        except ValidationError as error:
            raise Unauthorized(WRONG_CREDENTIALS) from error
        target = self.users.login_target(request)
        attempt = self.limiter.begin(client, target.key)
        try:
            issued = self.users.log_in_as(target, request.password)
        except Unauthorized as error:
            attempt.failed()
            raise Unauthorized(WRONG_CREDENTIALS) from error
        attempt.succeeded()
        user = self.users.get(issued.user_id)
        if user.role != ROLE_ADMIN:
            self.users.log_out(issued.token)
            raise Forbidden(NOT_AN_ADMIN)
        return _session(issued.token, user)

    def resume(self, token: str) -> AdminSession:
        """The administrator a token belongs to; Unauthorized or Forbidden otherwise."""
        user = self.users.authenticate(token)
        if user.role != ROLE_ADMIN:
            raise Forbidden(NOT_AN_ADMIN)
        return _session(token, user)

    def log_out(self, token: str) -> None:
        """End the session (revoke its token)."""
        self.users.log_out(token)


def _session(token: str, user: User) -> AdminSession:
    return AdminSession(
        token=token,
        user_id=user.id,
        handle_name=user.handle_name,
        email_address=user.email_address,
    )
