"""The login route's limiter: one per app, and the 429 answer it gives.

The limiter is built on the first login and kept on `app.state.login_limiter` (a test may
put its own there first). The 429 is answered here, with `Retry-After`, in the API's
`ErrorResponse` shape.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from aianimals.api.deps import ContainerDep
from aianimals.api.errors import ErrorResponse
from aianimals.core.errors import TooManyRequests
from aianimals.security.login_limits import LoginLimiter, build_login_limiter

_lock = threading.Lock()

TOO_MANY_LOGINS_RESPONSE: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "too many failed logins for this account or from this client",
        "headers": {
            "Retry-After": {
                "description": "seconds until logins are accepted again",
                "schema": {"type": "integer"},
            }
        },
    }
}


def get_login_limiter(request: Request, container: ContainerDep) -> LoginLimiter:
    """The app's login limiter, built on first use."""
    state = request.app.state
    with _lock:
        limiter: LoginLimiter | None = getattr(state, "login_limiter", None)
        if limiter is None:
            limiter = build_login_limiter(container.settings, lambda: container.raw_cache)
            state.login_limiter = limiter
    return limiter


LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]


def client_address(request: Request) -> str | None:
    """The client's address as the server saw it (behind a proxy, uvicorn's
    `--proxy-headers` with `--forwarded-allow-ips` makes it the original client's)."""
    return request.client.host if request.client else None


def too_many_logins(error: TooManyRequests) -> JSONResponse:
    """The 429 answer: `{code, detail}` and `Retry-After`."""
    body = ErrorResponse(code=error.code, detail=error.message)
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=error.status_code,
        headers=error.headers,
    )
