"""The API's observability: one ASGI middleware (request id, request metrics, a log line
for each request that went wrong or slow) and `/metrics`.

The middleware is plain ASGI (not `BaseHTTPMiddleware`), so the request id it sets in a
context variable is seen by the endpoint, by the threads FastAPI runs sync endpoints in, and
by the server's own error log of a failed request. Requests are labelled by the template of
the route that matched (`/media/{key:path}`), never by the raw path, so ids in paths do not
create series; a request no route matched reads `<unmatched>`.

With several API processes, `/metrics` sums the values of all of them, whichever answers
(`observability.multiprocess`). `GET /metrics` is outside `/v0`, not in the OpenAPI schema,
and has no authentication: do not expose it publicly (serve it on the cluster network only,
or block it at the ingress).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aianimals.observability.metrics import (
    HTTP_IN_FLIGHT,
    HTTP_REQUEST_SECONDS,
    OTHER,
    UNMATCHED_ROUTE,
)
from aianimals.observability.multiprocess import exposed_registry
from aianimals.observability.requestid import HEADER, REQUEST_ID, accept_request_id

METRICS_PATH = "/metrics"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_HEADER_KEY = HEADER.lower().encode("latin-1")
_MAX_LOGGED_PATH = 200

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestLog:
    """Which requests get a log line: all (`every`), or those answered with a 4xx or 5xx
    (`errors`) and those slower than `slow_seconds` (None: none for being slow)."""

    every: bool = False
    errors: bool = True
    slow_seconds: float | None = 1.0

    def wants(self, status: int, seconds: float) -> bool:
        """Whether a request answered so deserves a line."""
        if self.every or (self.errors and status >= 400):
            return True
        return self.slow_seconds is not None and seconds >= self.slow_seconds


NO_REQUEST_LOG = RequestLog(every=False, errors=False, slow_seconds=None)


def route_template(scope: Scope) -> str:
    """The template of the route that handled the request (`<unmatched>` when none did).

    FastAPI keeps an included router's routes with their own (prefix-less) paths and puts
    the full template in its per-request context; a plain route has its full path; a mount
    (static files) reads `<mount path>/{path:path}`.
    """
    context = scope.get("fastapi", {}).get("effective_route_context")
    for found in (getattr(context, "path", None), getattr(scope.get("route"), "path", None)):
        if isinstance(found, str) and found:
            return found
    path = str(scope.get("path", ""))
    for route in getattr(scope.get("app"), "routes", ()):
        if isinstance(route, Mount) and path.startswith(f"{route.path}/"):
            return f"{route.path}/{{path:path}}"
    return UNMATCHED_ROUTE


def _offered_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == _HEADER_KEY:
            return bytes(value).decode("latin-1")
    return None


class ObservabilityMiddleware:
    """Gives every HTTP request an id (kept from `X-Request-ID` when acceptable, returned in
    the response's header), observes its duration by method, route template and status, and
    logs the requests `log` asks for (under their id)."""

    def __init__(self, app: ASGIApp, log: RequestLog = NO_REQUEST_LOG) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accept_request_id(_offered_id(scope))
        token = REQUEST_ID.set(request_id)
        status = 500  # what the client gets when the app fails before answering
        header = (_HEADER_KEY, request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        method = scope["method"] if scope["method"] in _METHODS else OTHER
        started = time.perf_counter()
        HTTP_IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            HTTP_IN_FLIGHT.dec()
            seconds = time.perf_counter() - started
            route = route_template(scope)
            HTTP_REQUEST_SECONDS.labels(method, route, str(status)).observe(seconds)
            if self.log.wants(status, seconds):
                _log_request(scope, method, route, status, seconds)
        # Reset only after success: a failure keeps the id for the server's error log,
        # which runs in this request's own task.
        REQUEST_ID.reset(token)


def _log_request(scope: Scope, method: str, route: str, status: int, seconds: float) -> None:
    # The path as the client sent it, escaped: a path cannot forge or break log lines.
    path = ascii(str(scope.get("path", ""))[:_MAX_LOGGED_PATH])
    logger.info("%s %s (%s) answered %d in %.1f ms", method, path, route, status, seconds * 1e3)


def metrics_response() -> Response:
    """The metrics in Prometheus' text format, every API process's when there are several
    (sync: collectors may do I/O off the loop)."""
    return Response(generate_latest(exposed_registry()), media_type=CONTENT_TYPE_LATEST)


def install_observability(app: FastAPI, log: RequestLog = NO_REQUEST_LOG) -> None:
    """Add the middleware (outermost of those added so far) and `GET /metrics`."""
    app.add_middleware(ObservabilityMiddleware, log=log)
    app.add_api_route(METRICS_PATH, metrics_response, methods=["GET"], include_in_schema=False)
