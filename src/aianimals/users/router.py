"""HTTP routes of users: login, sign-up, the current user."""

from __future__ import annotations

from fastapi import APIRouter

from aianimals.api.deps import CurrentUser, TokenDep, UserServiceDep
from aianimals.users.schemas import UserCreate, UserLogin, UserLoginResponse, UserResponse

router = APIRouter(prefix="/user", tags=["user"])


@router.post("/login", response_model=UserLoginResponse, responses={401: {}})
def log_in(request: UserLogin, users: UserServiceDep) -> UserLoginResponse:
    """Exchange a handle name (or e-mail address) and password for an access token."""
    issued = users.log_in(request)
    return UserLoginResponse(
        user_id=issued.user_id, token=issued.token, expires_at=issued.expires_at
    )


@router.post("", response_model=UserResponse, responses={409: {}})
def sign_up(request: UserCreate, users: UserServiceDep) -> UserResponse:
    """Create an account."""
    return UserResponse.model_validate(users.sign_up(request))


@router.get("/me", response_model=UserResponse, responses={401: {}})
def me(user: CurrentUser) -> UserResponse:
    """The logged-in user."""
    return UserResponse.model_validate(user)


@router.post("/logout", status_code=204, responses={401: {}})
def log_out(user: CurrentUser, token: TokenDep, users: UserServiceDep) -> None:
    """Revoke the token used for this request."""
    del user
    users.log_out(token)
