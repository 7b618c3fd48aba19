"""HTTP routes of users: login, sign-up, the current user."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from aianimals.api.deps import ContainerDep, CurrentUser, TokenDep, UserServiceDep
from aianimals.api.media import forget_media_viewer, remember_media_viewer
from aianimals.core.errors import TooManyRequests, Unauthorized
from aianimals.users.guards import (
    TOO_MANY_LOGINS_RESPONSE,
    TOO_MANY_SIGNUPS_RESPONSE,
    LoginLimiterDep,
    SignUpLimiterDep,
    client_address,
    too_many_requests,
)
from aianimals.users.schemas import UserCreate, UserLogin, UserLoginResponse, UserResponse

router = APIRouter(prefix="/user", tags=["user"])
"""Sign-up and login: public."""
account_router = APIRouter(prefix="/user", tags=["user"])
"""The logged-in user's own account (mounted behind authentication)."""


@router.post(
    "/login",
    response_model=UserLoginResponse,
    responses={401: {}, **TOO_MANY_LOGINS_RESPONSE},
)
def log_in(
    request: UserLogin,
    users: UserServiceDep,
    limiter: LoginLimiterDep,
    http: Request,
    *,
    response: Response,
    container: ContainerDep,
) -> UserLoginResponse | JSONResponse:
    """Exchange a handle name (or e-mail address) and password for an access token. Either
    matches whatever its case or width (`Dog_Leigh`, `ｄｏｇ_ｌｅｉｇｈ`).

    The token is also set as the HttpOnly media cookie (path `/media`), so that `<img>`
    tags show the user's own hidden photos (see `aianimals.api.media`).

    After too many failures (for the account, however it is typed, or from the client) the
    answer is a 429 with `Retry-After`, whether the account exists or not; only failures
    count, and a successful login resets the account's count.
    """
    target = users.login_target(request)
    try:
        attempt = limiter.begin(client_address(http), target.key)
    except TooManyRequests as error:
        return too_many_requests(error)
    try:
        issued = users.log_in_as(target, request.password)
    except Unauthorized:
        attempt.failed()
        raise
    attempt.succeeded()
    remember_media_viewer(response, http, container.settings, issued.token, issued.expires_at)
    return UserLoginResponse(
        user_id=issued.user_id, token=issued.token, expires_at=issued.expires_at
    )


@router.post(
    "",
    response_model=UserResponse,
    responses={
        409: {"description": "the handle name is taken (whatever its case)"},
        **TOO_MANY_SIGNUPS_RESPONSE,
    },
)
def sign_up(
    request: UserCreate,
    users: UserServiceDep,
    container: ContainerDep,
    limiter: SignUpLimiterDep,
    http: Request,
) -> UserResponse:
    """Create an account. The password is checked against the policy: long enough
    (`auth.password_min_length`), without the handle name or the e-mail address's local
    part, and not one of the most common passwords; a refused one is a 422 saying why.

    Handle names are public, so one that is taken, whatever its case, is a 409. Whether an
    e-mail address is registered is not told: for a taken one the answer looks like any
    new account, no account is made, and the address's owner is sent a notice (logging in
    as the new account then fails). Past `auth.signup_max_per_client` sign-ups from one
    address within `auth.signup_window_seconds`, whatever their answers, the answer is a
    429 with `Retry-After`.
    """
    limiter.check(client_address(http))
    min_length = container.settings.auth.password_min_length
    return UserResponse.model_validate(users.sign_up(request, min_length=min_length))


@account_router.get("/me", response_model=UserResponse)
def me(user: CurrentUser) -> UserResponse:
    """The logged-in user."""
    return UserResponse.model_validate(user)


@account_router.post("/logout", status_code=204)
def log_out(
    user: CurrentUser,
    token: TokenDep,
    users: UserServiceDep,
    *,
    http: Request,
    response: Response,
    container: ContainerDep,
) -> None:
    """Revoke the token used for this request, and clear the media cookie."""
    del user
    users.log_out(token)
    forget_media_viewer(response, http, container.settings)
