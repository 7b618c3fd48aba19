"""Composition root of the API role: builds the container, mounts every router.

Every request gets an id (`X-Request-ID`) and is measured; `GET /metrics` serves the
Prometheus metrics of every API process (`observability.multiprocess`), outside `/v0` and
without authentication: it must not be exposed publicly (see `aianimals.observability`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from aianimals.access_logs.router import router as access_log_router
from aianimals.animals.router import router as animal_router
from aianimals.api.body_guard import BodyGuard, BodyLimits
from aianimals.api.deps import get_current_user, single_query_values, token_is_valid
from aianimals.api.errors import document_error_responses, install_error_handlers
from aianimals.api.links import document_links
from aianimals.api.media import media_router
from aianimals.api.openapi import complete_openapi
from aianimals.categories.router import router as category_router
from aianimals.health.router import router as health_router
from aianimals.images.router import router as similar_router
from aianimals.likes.router import router as like_router
from aianimals.logs import configure_logging
from aianimals.metadata.router import router as metadata_router
from aianimals.moderation.owner_router import router as owner_moderation_router
from aianimals.moderation.report_router import router as report_router
from aianimals.moderation.router import router as violation_router
from aianimals.observability.http import NO_REQUEST_LOG, RequestLog, install_observability
from aianimals.observability.models import watch_container
from aianimals.observability.multiprocess import (
    prepare_directory,
    process_exiting,
    remove_directory,
)
from aianimals.profiles.router import router as profile_router
from aianimals.roles.container import Container, build_container
from aianimals.search.router import router as search_router
from aianimals.security.cors import install_cors
from aianimals.settings import ApiSettings, Settings
from aianimals.users.router import account_router
from aianimals.users.router import router as user_router
from aianimals.web.router import install_web_app

API_PREFIX = "/v0"


UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing, unknown or expired token"}
}


def _include_v0_routers(app: FastAPI) -> None:
    """Every feature's routes under `/v0`: health, sign-up and login public, the rest
    behind authentication, attached here once. Each router is included in the app itself
    (not through one `/v0` router): a request is matched through one level of routers."""
    query_values = Depends(single_query_values)
    for public_router in (health_router, user_router):
        app.include_router(public_router, prefix=API_PREFIX, dependencies=[query_values])
    for feature_router in (
        account_router,
        profile_router,
        category_router,
        violation_router,
        owner_moderation_router,
        report_router,
        access_log_router,
        metadata_router,
        search_router,
        similar_router,
        animal_router,
        like_router,
    ):
        app.include_router(
            feature_router,
            prefix=API_PREFIX,
            dependencies=[query_values, Depends(get_current_user)],
            responses=UNAUTHORIZED,
        )


def create_app(
    settings: Settings, container: Container | None = None, *, warm: bool = False
) -> FastAPI:
    """The ASGI app; `container` lets a caller (tests, `up`) share ports it built.

    `warm` loads the learn-to-rank champions before the first request instead of on it.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = container is None
        app.state.container = container or build_container(settings)
        watch_container(app.state.container)
        if warm:
            started = app.state.container
            started.learned_ranking.preload(started.database, settings.ranking.preload_texts)
        try:
            yield
        finally:
            process_exiting()
            if owned:
                app.state.container.close()

    app = FastAPI(
        title="AIAnimals",
        version="0",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=f"{API_PREFIX}/redoc",
        openapi_url=f"{API_PREFIX}/openapi.json",
        lifespan=lifespan,
        # Requests are measured by Prometheus metrics (`observability`), not OpenTelemetry:
        # FastAPI's own instrumentation stays off rather than checking for it per request.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    limits = BodyLimits(
        json_bytes=settings.api.max_body_bytes, upload_bytes=settings.uploads.max_bytes
    )
    app.add_middleware(BodyGuard, limits=limits, check_token=token_is_valid)
    # JSON, scripts and styles shrink 3-5x; images are sent as they are.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.api.allowed_hosts)
    # outermost: it times gzip too, and ids its log lines
    install_observability(app, request_log(settings.api))
    install_error_handlers(app)
    complete_openapi(app, document_error_responses, document_links)
    _include_v0_routers(app)
    app.include_router(media_router(settings.blobs.public_prefix))
    install_web_app(app)
    install_cors(app, settings.api)  # last: it wraps everything (nothing when no origin is set)
    return app


def request_log(api: ApiSettings) -> RequestLog:
    """The lines the API logs about its requests, from `api.request_log`."""
    if api.request_log == "off":
        return NO_REQUEST_LOG
    every = api.request_log == "all"
    return RequestLog(every=every, errors=True, slow_seconds=api.slow_request_seconds)


SETTINGS_VARIABLE = "AIANIMALS_API_SETTINGS_JSON"
"""How `serve` hands its settings to the API processes it starts (all of them, as JSON)."""


def app_from_environment() -> FastAPI:
    """The app of one of several API processes, with the settings of the `serve` that
    started it; uvicorn calls this in each process it spawns."""
    settings = Settings.model_validate_json(os.environ[SETTINGS_VARIABLE])
    configure_logging(fmt=settings.log_format)
    return create_app(settings, warm=True)


def serve(settings: Settings, container: Container | None = None) -> None:
    """Run the API with uvicorn until interrupted, in `api.processes` processes.

    One process serves the app in this process (with `container`, when given). Several
    are spawned by uvicorn on one listening socket, each building its own ports from these
    settings: the embedded SQL store, search index, vector index, queue and cache are
    shared through their files, so any process answers any request; `container` stays
    with the caller (`up` runs its workers on it, once). Their metrics go through a fresh
    `<var_dir>/metrics-<pid>` directory, removed when they have exited, so that any of them
    serves the sums of all (`observability.multiprocess`).

    With JSON logs, uvicorn's own loggers propagate to the root handler (JSON too) instead
    of getting uvicorn's text handlers.
    """
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    log_config = None if settings.log_format == "json" else LOGGING_CONFIG
    options: dict[str, Any] = {
        "host": settings.api.host,
        "port": settings.api.port,
        "log_level": "info",
        "log_config": log_config,
        "access_log": False,  # the observability middleware logs requests, with their ids
    }
    processes = settings.api.process_count()
    if processes == 1:
        uvicorn.run(create_app(settings, container, warm=True), **options)
        return
    os.environ[SETTINGS_VARIABLE] = settings.model_dump_json()
    metrics = prepare_directory(settings.var_dir)
    try:
        uvicorn.run(
            f"{__name__}:{app_from_environment.__name__}",
            factory=True,
            workers=processes,
            **options,
        )
    finally:
        remove_directory(metrics)
