"""Serves the blob store's files (photos) at the store's public prefix, `/media` by default.

Public like the reference's photo URLs, read-only, and confined to the store: a key that
could escape it (`..`, absolute paths, odd characters) is answered like an unknown one.
"""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter, Response

from aianimals.api.deps import ContainerDep
from aianimals.core.errors import NotFound
from aianimals.ports.blobs.store import BlobNotFoundError, check_key

CACHE_CONTROL = "public, max-age=3600"


def media_type_of(key: str) -> str:
    """The content type a key's extension implies; bytes of unknown types are octet-stream."""
    guessed, _encoding = mimetypes.guess_type(key, strict=True)
    return guessed or "application/octet-stream"


def media_router(prefix: str) -> APIRouter:
    """Routes of `GET <prefix>/{key}`, mounted at the app root (outside `/v0`)."""
    path = prefix.rstrip("/")
    if not path.startswith("/"):
        msg = f"blobs.public_prefix must be a path such as /media to be served here: {prefix!r}"
        raise ValueError(msg)
    router = APIRouter(prefix=path, tags=["media"])

    @router.get(
        "/{key:path}",
        response_class=Response,
        responses={200: {"content": {"image/jpeg": {}}}, 404: {}},
    )
    def get_media(key: str, container: ContainerDep) -> Response:
        """The stored file under `key` (sync: file reads run off the event loop)."""
        missing = NotFound(f"no media under {key!r}")
        try:
            # `exists` first: a key naming a folder is "not found", not an OSError.
            if not container.blobs.exists(check_key(key)):
                raise missing
            data = container.blobs.get(key)
        except (ValueError, BlobNotFoundError) as error:
            raise missing from error
        return Response(
            content=data,
            media_type=media_type_of(key),
            headers={"Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"},
        )

    return router
