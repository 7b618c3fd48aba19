"""The API's observability: one ASGI middleware (request id + request metrics) and `/metrics`.

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

import time

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
    the response's header) and observes its duration by method, route template and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
            HTTP_REQUEST_SECONDS.labels(method, route_template(scope), str(status)).observe(
                time.perf_counter() - started
            )
        # Reset only after success: a failure keeps the id for the server's error log,
        # which runs in this request's own task.
        REQUEST_ID.reset(token)


def metrics_response() -> Response:
    """The metrics in Prometheus' text format, every API process's when there are several
    (sync: collectors may do I/O off the loop)."""
    return Response(generate_latest(exposed_registry()), media_type=CONTENT_TYPE_LATEST)


def install_observability(app: FastAPI) -> None:
    """Add the middleware (outermost of those added so far) and `GET /metrics`."""
    app.add_middleware(ObservabilityMiddleware)
    app.add_api_route(METRICS_PATH, metrics_response, methods=["GET"], include_in_schema=False)
