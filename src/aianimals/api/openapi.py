"""The app's OpenAPI document, completed by steps that each add what FastAPI cannot infer
(error bodies, links), generated once on first request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

Document = Callable[[dict[str, Any]], dict[str, Any]]
"""A step: completes an OpenAPI document in place and returns it."""


def complete_openapi(app: FastAPI, *steps: Document) -> None:
    """Make `app`'s OpenAPI document pass through `steps`, in order."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            for step in steps:
                document = step(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
