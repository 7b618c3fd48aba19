"""The limiters of the login and sign-up routes: one of each per app, and their 429 answers.

Each limiter is built on first use and kept on the app's state (`login_limiter`,
`signup_limiter`; a test may put its own there first). The 429 carries `Retry-After` and the
API's `ErrorResponse` body.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from aianimals.api.deps import ContainerDep
from aianimals.api.errors import ErrorResponse
from aianimals.core.errors import TooManyRequests
from aianimals.security.login_limits import LoginLimiter, build_login_limiter
from aianimals.security.signup_limits import SignUpLimiter, build_signup_limiter

T = TypeVar("T")
_lock = threading.Lock()


def _too_many_response(description: str, retry: str) -> dict[int | str, dict[str, Any]]:
    """The documented 429 of a limited route."""
    header = {"description": retry, "schema": {"type": "integer"}}
    return {429: {"description": description, "headers": {"Retry-After": header}}}


TOO_MANY_LOGINS_RESPONSE = _too_many_response(
    "too many failed logins for this account or from this client",
    "seconds until logins are accepted again",
)
TOO_MANY_SIGNUPS_RESPONSE = _too_many_response(
    "too many sign-ups from this client address "
    "(`auth.signup_max_per_client` within `auth.signup_window_seconds`)",
    "seconds until sign-ups from this address are accepted again",
)


def _app_limiter(request: Request, attribute: str, build: Callable[[], T]) -> T:
    """The limiter kept on the app's state under `attribute`, built on first use."""
    state = request.app.state
    with _lock:
        limiter: T | None = getattr(state, attribute, None)
        if limiter is None:
            limiter = build()
            setattr(state, attribute, limiter)
    return limiter


def get_login_limiter(request: Request, container: ContainerDep) -> LoginLimiter:
    """The app's login limiter."""
    return _app_limiter(
        request,
        "login_limiter",
        lambda: build_login_limiter(container.settings, lambda: container.raw_cache),
    )


def get_signup_limiter(request: Request, container: ContainerDep) -> SignUpLimiter:
    """The app's sign-up limiter."""
    return _app_limiter(
        request,
        "signup_limiter",
        lambda: build_signup_limiter(container.settings, lambda: container.raw_cache),
    )


LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]
SignUpLimiterDep = Annotated[SignUpLimiter, Depends(get_signup_limiter)]


def client_address(request: Request) -> str | None:
    """The client's address as the server saw it (behind a proxy, uvicorn's
    `--proxy-headers` with `--forwarded-allow-ips` makes it the original client's)."""
    return request.client.host if request.client else None


def too_many_requests(error: TooManyRequests) -> JSONResponse:
    """The 429 answer: `{code, detail}` and `Retry-After`."""
    body = ErrorResponse(code=error.code, detail=error.message)
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=error.status_code,
        headers=error.headers,
    )
