"""Cross-origin requests: refused (no CORS headers at all) unless origins are configured.

The API authenticates with a `token` header or `Authorization: Bearer`, never cookies, so
credentials are not allowed cross-origin; only the listed origins may read answers.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from aianimals.settings import ApiSettings

ALLOWED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ALLOWED_HEADERS = ["Authorization", "Content-Type", "token"]
EXPOSED_HEADERS = ["Retry-After"]


def install_cors(app: FastAPI, settings: ApiSettings) -> bool:
    """Add CORS to `app` for `settings.cors_origins`; nothing when the list is empty.

    Returns whether CORS was installed.
    """
    origins = [origin.rstrip("/") for origin in settings.cors_origins if origin.strip()]
    if not origins:
        return False
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_credentials=False,
        allow_methods=ALLOWED_METHODS,
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )
    return True
