"""The sign-up route's limiter: one per app, kept on `app.state.signup_limiter` (a test may
put its own there first), and its documented 429."""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import Depends, Request

from aianimals.api.deps import ContainerDep
from aianimals.security.signup_limits import SignUpLimiter, build_signup_limiter

_lock = threading.Lock()

TOO_MANY_SIGNUPS_RESPONSE: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "too many sign-ups from this client address "
        "(`auth.signup_max_per_client` within `auth.signup_window_seconds`)",
        "headers": {
            "Retry-After": {
                "description": "seconds until sign-ups from this address are accepted again",
                "schema": {"type": "integer"},
            }
        },
    }
}


def get_signup_limiter(request: Request, container: ContainerDep) -> SignUpLimiter:
    """The app's sign-up limiter, built on first use."""
    state = request.app.state
    with _lock:
        limiter: SignUpLimiter | None = getattr(state, "signup_limiter", None)
        if limiter is None:
            limiter = build_signup_limiter(container.settings, lambda: container.raw_cache)
            state.signup_limiter = limiter
    return limiter


SignUpLimiterDep = Annotated[SignUpLimiter, Depends(get_signup_limiter)]
