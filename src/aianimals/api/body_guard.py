"""Request bodies are bounded and authenticated before a byte of them is read.

One plain ASGI middleware in front of every route:

- **Size.** A JSON route accepts `api.max_body_bytes` (64 KiB); the photo upload
  (`POST /v0/animal`) accepts `uploads.max_bytes` plus room for the form around it. A
  `Content-Length` over the cap is a 413 at once, the body unread; a body without one
  (chunked) is counted as it streams and cut off with a 413 when it passes the cap.
- **Credentials.** A route that needs a token gets it checked before its body is read: a
  request with a body and no valid token is a 401 at once. FastAPI itself reads and parses
  the body before it resolves dependencies, so without this an anonymous client could make
  the server take in and parse a body it will refuse anyway.

An early answer carries `Connection: close`, so the server drops the connection instead of
reading the rest of a body nobody wants. Which routes need a token is read from the app's
OpenAPI security requirements, so a new route is covered without being listed here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aianimals.api.errors import error_body

UPLOAD_ROUTES = frozenset({("POST", "/v0/animal")})
"""Routes whose body is a photo upload (multipart), allowed the upload cap."""
UPLOAD_FORM_OVERHEAD = 1024 * 1024
"""Room for the multipart framing and the JSON field beside the photo."""

TokenCheck = Callable[[Scope, str], Awaitable[bool]]
"""Whether a token is valid, for the app of the scope (it runs off the event loop)."""


class BodyTooLarge(HTTPException):
    """A streamed body passed its cap; raised from `receive`, so FastAPI passes it on."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class BodyLimits:
    """How many bytes a request body may have."""

    json_bytes: int
    upload_bytes: int

    def for_route(self, method: str, path: str) -> int:
        """The cap of the route at `method path`."""
        if (method, path) in UPLOAD_ROUTES:
            return self.upload_bytes + UPLOAD_FORM_OVERHEAD
        return self.json_bytes


def token_routes(app: FastAPI) -> frozenset[tuple[str, str]]:
    """(method, path) of every route that needs an access token: those whose OpenAPI
    operation lists a security requirement (the `token` header or a bearer token)."""
    return frozenset(
        (method.upper(), path)
        for path, operations in app.openapi().get("paths", {}).items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and operation.get("security")
    )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def offered_token(scope: Scope) -> str | None:
    """The token of the `token` header or of `Authorization: Bearer`, as `get_token` reads."""
    token = _header(scope, b"token")
    if token:
        return token
    authorization = _header(scope, b"authorization") or ""
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def _declared_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    return int(value) if value is not None and value.isdigit() else None


def _has_body(scope: Scope, length: int | None) -> bool:
    return bool(length) or _header(scope, b"transfer-encoding") is not None


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    response = JSONResponse(
        error_body(code, message), status_code=status, headers={"Connection": "close"}
    )
    await response(scope, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


class BodyGuard:
    """The middleware; `check_token` says whether a token is valid."""

    def __init__(self, app: ASGIApp, limits: BodyLimits, check_token: TokenCheck) -> None:
        self.app = app
        self.limits = limits
        self.check_token = check_token
        self._token_routes: frozenset[tuple[str, str]] | None = None

    def _needs_token(self, scope: Scope, method: str, path: str) -> bool:
        if self._token_routes is None:
            self._token_routes = token_routes(scope["app"])
        return (method, path) in self._token_routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = str(scope["method"]), str(scope["path"])
        limit = self.limits.for_route(method, path)
        length = _declared_length(scope)
        if length is not None and length > limit:
            await _refuse(scope, send, 413, "payload_too_large", BodyTooLarge(limit).detail)
            return
        if not _has_body(scope, length):  # nothing to count: HTTP/1.1 reads no body then
            await self.app(scope, receive, send)
            return
        if self._needs_token(scope, method, path):
            token = offered_token(scope)
            if token is None or not await self.check_token(scope, token):
                message = "missing, unknown or expired access token: log in first"
                await _refuse(scope, send, 401, "unauthorized", message)
                return
        await self._bounded(scope, receive, send, limit)

    async def _bounded(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as error:
            if started:
                raise
            await _refuse(scope, send, 413, "payload_too_large", error.detail)
