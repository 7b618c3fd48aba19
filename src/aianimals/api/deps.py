"""Request dependencies as `Annotated` aliases, so route signatures read like declarations.

Those that do no I/O per request are `async def`: FastAPI runs them on the event loop,
sparing each a thread-pool hop. A port they touch is built on its first use, so the first
request of a process that needs it builds it on the loop, once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any
from weakref import WeakKeyDictionary

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.types import Scope

from aianimals.access_logs.service import AccessLogService
from aianimals.animals.photos import PhotoLimits, PhotoStore
from aianimals.animals.service import AnimalService
from aianimals.categories.service import CategoryService
from aianimals.core.clock import utcnow
from aianimals.core.errors import InvalidInput, Unauthorized
from aianimals.core.tokens import token_digest
from aianimals.likes.service import LikeService
from aianimals.metadata.service import MetadataService
from aianimals.moderation.service import ModerationService
from aianimals.roles.container import Container
from aianimals.search.service import SearchService
from aianimals.users.models import User
from aianimals.users.service import UserService

_token_header = APIKeyHeader(name="token", auto_error=False, description="access token")
_bearer = HTTPBearer(auto_error=False, description="access token as a bearer credential")


async def get_container(request: Request) -> Container:
    """The process's container, put on the app by its lifespan."""
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


async def single_query_values(request: Request) -> None:
    """Each of a route's query parameters at most once: a repeated one is a 422, never
    silently its last copy (as the schema says: none of them is an array)."""
    if not request.scope.get("query_string"):
        return
    declared = _query_parameters(request.app).get(
        (request.method.lower(), request.url.path), frozenset()
    )
    counts = Counter(name for name, _ in request.query_params.multi_items() if name in declared)
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise InvalidInput(f"query parameter(s) given more than once: {', '.join(repeated)}")


def _query_parameters(app: Any) -> dict[tuple[str, str], frozenset[str]]:
    """(method, path) → the names of its query parameters, read once per app from its
    OpenAPI schema."""
    found = _QUERY_PARAMETERS.get(app)
    if found is None:
        found = _QUERY_PARAMETERS[app] = {
            (method, path): frozenset(
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if parameter.get("in") == "query"
            )
            for path, operations in app.openapi().get("paths", {}).items()
            for method, operation in operations.items()
            if isinstance(operation, dict)
        }
    return found


_QUERY_PARAMETERS: WeakKeyDictionary[Any, dict[tuple[str, str], frozenset[str]]] = (
    WeakKeyDictionary()
)


async def get_session(container: ContainerDep) -> AsyncIterator[Session]:
    """One session per request; services commit, anything uncommitted is rolled back.

    A session connects on first use, so opening one happens on the event loop. Closing one
    that still holds a connection rolls it back: on the loop for SQLite (a local call of
    microseconds), in the thread pool for a server (a network round trip).
    """
    database = container.database
    session = database.sessions()
    try:
        yield session
    except BaseException:
        # Rare, and possibly a cancellation, which an await here could not outlive: the
        # rollback runs on the loop.
        session.rollback()
        session.close()
        raise
    if session.in_transaction() and not database.is_sqlite:
        await run_in_threadpool(session.close)
    else:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


async def get_user_service(container: ContainerDep, session: SessionDep) -> UserService:
    """Accounts and tokens."""
    ttl = timedelta(seconds=container.settings.auth.token_ttl_seconds)
    return UserService(session, container.hasher, ttl, tokens=container.tokens)


UserServiceDep = Annotated[UserService, Depends(get_user_service)]


async def get_token(
    request: Request,
    token: Annotated[str | None, Depends(_token_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The access token from the `token` header or `Authorization: Bearer`; an
    `Authorization` header of another form is refused, not ignored."""
    if bearer is None and request.headers.get("authorization") is not None:
        raise Unauthorized("the Authorization header must be `Bearer <token>`")
    value = token or (bearer.credentials if bearer else None)
    if not value:
        raise Unauthorized("missing access token: send the `token` header or a bearer token")
    return value


TokenDep = Annotated[str, Depends(get_token)]


def _token_is_valid(container: Container, token: str) -> bool:
    with container.database.session() as session:
        ttl = timedelta(seconds=container.settings.auth.token_ttl_seconds)
        try:
            UserService(session, container.hasher, ttl, tokens=container.tokens).authenticate(token)
        except Unauthorized:
            return False
    return True


async def token_is_valid(scope: Scope, token: str) -> bool:
    """Whether `token` belongs to an active user, for the body guard (before the body is
    read): a token verified in the last seconds is answered on the event loop, any other
    is read from the store (and then held for the route's own `get_current_user`)."""
    container: Container = scope["app"].state.container
    if container.tokens.held(token_digest(token), utcnow()):
        return True
    return await run_in_threadpool(_token_is_valid, container, token)


async def get_current_user(token: TokenDep, users: UserServiceDep) -> User:
    """The logged-in user; 401 otherwise. A token verified in the last seconds is answered
    on the event loop; any other is read from the store in the thread pool."""
    held = users.verified_user(token)
    if held is not None:
        return held
    return await run_in_threadpool(users.authenticate, token)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_category_service(session: SessionDep) -> CategoryService:
    """Categories and breeds."""
    return CategoryService(session)


CategoryServiceDep = Annotated[CategoryService, Depends(get_category_service)]


async def get_moderation_service(session: SessionDep) -> ModerationService:
    """Violations, their review and the violation types."""
    return ModerationService(session)


ModerationServiceDep = Annotated[ModerationService, Depends(get_moderation_service)]


async def get_access_log_service(session: SessionDep, container: ContainerDep) -> AccessLogService:
    """Access logs; checks the animal through the animals feature, and that a search showed
    it to the user through the impressions (stored, or still held by the writer)."""
    return AccessLogService(session, AnimalService(session), container.impressions)


AccessLogServiceDep = Annotated[AccessLogService, Depends(get_access_log_service)]


async def get_metadata_service(
    categories: CategoryServiceDep, container: ContainerDep
) -> MetadataService:
    """Client metadata: categories, breeds, search sort keys (cached)."""
    return MetadataService(categories, container.cache, container.settings.uploads.max_bytes)


MetadataServiceDep = Annotated[MetadataService, Depends(get_metadata_service)]


DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 200
"""The largest `limit` the schema admits; `api.max_page_size` may lower it."""
MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True)
class Page:
    """`limit` / `offset` of a list route, checked against `api.max_page_size`."""

    limit: int
    offset: int


async def get_page(
    container: ContainerDep,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_PAGE_SIZE,
            description="page size: 100 unless given, at most api.max_page_size (200)",
        ),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page:
    """The page asked for; a limit over `api.max_page_size` is a 422, not silently cut."""
    maximum = container.settings.api.max_page_size
    if limit is None:
        return Page(limit=min(DEFAULT_PAGE_SIZE, maximum), offset=offset)
    if limit > maximum:
        raise InvalidInput(f"limit must be between 1 and {maximum}, got {limit}")
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(get_page)]


async def get_animal_service(session: SessionDep) -> AnimalService:
    """Posted animals."""
    return AnimalService(session)


AnimalServiceDep = Annotated[AnimalService, Depends(get_animal_service)]


async def get_photo_store(container: ContainerDep) -> PhotoStore:
    """Validates, normalises and stores posted photos in the blob store."""
    limits = PhotoLimits.from_settings(container.settings.uploads)
    return PhotoStore(container.blobs, limits, container.photo_decodes)


PhotoStoreDep = Annotated[PhotoStore, Depends(get_photo_store)]


async def get_like_service(session: SessionDep, animals: AnimalServiceDep) -> LikeService:
    """Likes; checks animals through the animals feature."""
    return LikeService(session, animals)


LikeServiceDep = Annotated[LikeService, Depends(get_like_service)]


async def get_search_service(container: ContainerDep, session: SessionDep) -> SearchService:
    """Full-text search over the index, hydrated from the store."""
    return SearchService(
        session,
        text_search=container.text_search,
        cache=container.cache,
        settings=container.settings.search,
        similar_words=container.similar_words.current(),
        cache_ttl=container.settings.cache.ttl_seconds,
        learned=lambda: container.learned_ranking,
    )


SearchServiceDep = Annotated[SearchService, Depends(get_search_service)]
