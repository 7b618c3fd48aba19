"""One place that turns errors into JSON responses, and documents their shape."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException

from aianimals.core.errors import DomainError

logger = logging.getLogger(__name__)


class ErrorItem(BaseModel):
    """One problem with a request: where it is, what is wrong, its machine-readable type."""

    loc: list[str | int] = Field(description="path to the value: `body`, `query`, ... first")
    msg: str
    type: str


class ErrorResponse(BaseModel):
    """The body of every error answer; `errors` lists the problems of a 422, and the field
    at fault of another 4xx where there is one (a taken `handle_name`, a refused `file`)."""

    code: str = Field(description="machine-readable: `invalid_request`, `not_found`, ...")
    detail: str = Field(description="human-readable summary")
    errors: list[ErrorItem] | None = None


MAX_LISTED_ERRORS = 10
"""A 422 lists this many problems at most; the summary counts the rest."""

HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}
"""`code` of an error raised as an HTTP status (by the framework, or a middleware)."""


def error_body(code: str, message: str, details: list[ErrorItem] | None = None) -> dict[str, Any]:
    """The JSON of an `ErrorResponse`."""
    body = ErrorResponse(code=code, detail=message, errors=details)
    return body.model_dump(mode="json", exclude_none=True)


async def _domain_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    details = None
    if error.field is not None:
        reason = error.reason or error.code
        details = [ErrorItem(loc=["body", error.field], msg=error.message, type=reason)]
    return JSONResponse(
        error_body(error.code, error.message, details),
        status_code=error.status_code,
        headers=error.headers,
    )


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    found = error.errors()
    problems = [
        ErrorItem(
            loc=list(item.get("loc", ())),
            msg=str(item.get("msg", "")),
            type=str(item.get("type", "")),
        )
        for item in found[:MAX_LISTED_ERRORS]
    ]
    summary = "; ".join(f"{'.'.join(str(part) for part in p.loc)}: {p.msg}" for p in problems)
    if len(found) > len(problems):
        summary += f" (and {len(found) - len(problems)} more problems)"
    return JSONResponse(
        error_body("invalid_request", summary or "invalid request", problems), status_code=422
    )


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    methods = allowed_methods(request.app, request.url.path) if error.status_code == 405 else []
    if methods:  # paths outside the schema (/media/…) keep the router's own list
        headers["Allow"] = ", ".join(methods)
    return JSONResponse(
        error_body(HTTP_ERROR_CODES.get(error.status_code, "http_error"), str(error.detail)),
        status_code=error.status_code,
        headers=headers,
    )


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the app serves at `path`, as its OpenAPI schema lists them.

    The router's own 405 names only the methods of the first route it matched at the path
    (`GET` where `GET` and `POST` are separate routes).
    """
    operations = app.openapi().get("paths", {}).get(path, {})
    return sorted(method.upper() for method in operations if method in _HTTP_METHODS)


_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body("internal_error", "internal server error"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and HTTP errors to `{code, detail}` JSON."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


_COMPONENTS = "#/components/schemas/"
_FASTAPI_422 = {"$ref": f"{_COMPONENTS}HTTPValidationError"}
_FASTAPI_422_PARTS = ("HTTPValidationError", "ValidationError")


def document_error_responses(openapi: dict[str, Any]) -> dict[str, Any]:
    """`openapi` with every 4xx answer documented as the `ErrorResponse` sent.

    FastAPI documents a 422 as its own `HTTPValidationError` (`{detail: [...]}`) and the
    4xx answers routes declare without a model as bodiless; both become `ErrorResponse`,
    and the unused `HTTPValidationError` schemas go. A 4xx documented with another body
    is left as it is. Changes `openapi` in place and returns it.
    """
    (_keys, definitions) = models_json_schema(
        [(ErrorResponse, "serialization")], ref_template=_COMPONENTS + "{model}"
    )
    error_ref = {"$ref": f"{_COMPONENTS}{ErrorResponse.__name__}"}
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            _add_guard_answers(operation)
            for status, response in operation.get("responses", {}).items():
                if not str(status).startswith("4"):
                    continue
                content = response.setdefault("content", {})
                json_body = content.setdefault("application/json", {})
                if json_body.get("schema", _FASTAPI_422) == _FASTAPI_422:
                    json_body["schema"] = dict(error_ref)
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    if _FASTAPI_422["$ref"] not in json.dumps(openapi.get("paths", {})):
        for name in _FASTAPI_422_PARTS:
            schemas.pop(name, None)
    schemas.update(definitions.get("$defs", {}))
    openapi["components"]["schemas"] = dict(sorted(schemas.items()))
    return openapi


_GUARD_ANSWERS = {
    "400": "the body cannot be parsed: invalid UTF-8, nested too deeply, a number too long",
    "413": "the body is larger than the route accepts (`api.max_body_bytes`, or the upload "
    "limit), refused before it is read",
}


def _add_guard_answers(operation: dict[str, Any]) -> None:
    """The answers every operation with a body can get before its handler runs."""
    responses = operation.setdefault("responses", {})
    if "requestBody" in operation:
        for status, description in _GUARD_ANSWERS.items():
            responses.setdefault(status, {"description": description})
    if operation.get("security"):
        responses.setdefault("401", {"description": "missing, unknown or expired token"})
