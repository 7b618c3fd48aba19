"""Request dependencies as `Annotated` aliases, so route signatures read like declarations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from aianimals.api.container import Container
from aianimals.core.errors import Unauthorized
from aianimals.users.models import User
from aianimals.users.service import UserService

_token_header = APIKeyHeader(name="token", auto_error=False, description="access token")
_bearer = HTTPBearer(auto_error=False, description="access token as a bearer credential")


def get_container(request: Request) -> Container:
    """The process's container, put on the app by its lifespan."""
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_session(container: ContainerDep) -> Iterator[Session]:
    """One session per request; services commit, anything uncommitted is rolled back."""
    with container.database.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_user_service(container: ContainerDep, session: SessionDep) -> UserService:
    """Accounts and tokens."""
    ttl = timedelta(seconds=container.settings.auth.token_ttl_seconds)
    return UserService(session, container.hasher, ttl)


UserServiceDep = Annotated[UserService, Depends(get_user_service)]


def get_token(
    token: Annotated[str | None, Depends(_token_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The access token from the `token` header or `Authorization: Bearer`."""
    value = token or (bearer.credentials if bearer else None)
    if not value:
        raise Unauthorized("missing access token: send the `token` header or a bearer token")
    return value


TokenDep = Annotated[str, Depends(get_token)]


def get_current_user(token: TokenDep, users: UserServiceDep) -> User:
    """The logged-in user; 401 otherwise."""
    return users.authenticate(token)


CurrentUser = Annotated[User, Depends(get_current_user)]
