"""Serves animals' photos and thumbnails from the blob store at its public prefix (`/media`).

Only an animal's photo (`animals/<id>.jpg`) and thumbnail (`thumbnails/<id>.jpg`, 320 px;
`?size=640` for its 2x copy, see `aianimals.animals.thumbnails`) are served, and only to
whom the animal is shown (`aianimals.animals.visibility`): a shown animal's to anyone,
without a token, like the reference's photo URLs; a hidden one's to its owner and
administrators, and 404 to everyone else, as for an unknown key. Any other key,
or one that could escape the store, is answered like an unknown one.

Photos are loaded by `<img>` tags, which send no header: the owner or administrator of a
hidden photo is recognised by the `token` header, `Authorization: Bearer`, or the media
cookie that login sets. That cookie is HttpOnly, SameSite=Strict and limited to this
prefix, so it authenticates nothing but these reads (no cross-site request can use it).

Caching: a shown animal's file is `private, max-age=3600`. Browsers keep it an hour, but
no shared cache (CDN, proxy) stores it, so hiding a post takes effect for every new viewer
at once. The price is that nothing offloads media: each viewer's first load is served here
(a primary-key lookup and a file read). A browser that loaded a photo before it was hidden
may keep showing its own copy for up to an hour. A hidden file, served to its owner or an
administrator, is `private, no-store`.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from aianimals.animals.photos import animal_of_key, photo_key
from aianimals.animals.service import AnimalService
from aianimals.animals.thumbnails import (
    THUMBNAIL_SIDE,
    THUMBNAIL_SIDES,
    make_thumbnail,
    thumbnail_key,
)
from aianimals.api.deps import AnimalServiceDep, ContainerDep, UserServiceDep
from aianimals.core.clock import utcnow
from aianimals.core.errors import InvalidInput, NotFound, Unauthorized
from aianimals.ports.blobs.store import BlobNotFoundError, BlobStore
from aianimals.settings import Settings
from aianimals.users.models import User
from aianimals.users.service import UserService

CACHE_SHOWN = "private, max-age=3600"
CACHE_HIDDEN = "private, no-store"
MEDIA_COOKIE = "aianimals_media"
"""The access token again, for `<img>` requests of hidden photos (set at login)."""


def media_type_of(key: str) -> str:
    """The content type a key's extension implies; bytes of unknown types are octet-stream."""
    guessed, _encoding = mimetypes.guess_type(key, strict=True)
    return guessed or "application/octet-stream"


def media_viewer(request: Request, users: UserService) -> User | None:
    """The logged-in user asking (token header, bearer token or media cookie); None when
    there is none or it is not valid (a media read is never a 401)."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    bearer = credentials.strip() if scheme.lower() == "bearer" else ""
    token = request.headers.get("token") or bearer or request.cookies.get(MEDIA_COOKIE)
    if not token:
        return None
    try:
        return users.authenticate(token)
    except Unauthorized:
        return None


def cache_control(
    animals: AnimalService, animal_id: str, request: Request, users: UserService
) -> str:
    """How the animal's files may be cached; NotFound when they are hidden from the asker
    (who is authenticated only for a hidden animal: a shown one needs no token)."""
    try:
        animals.get(animal_id)
    except NotFound:
        animals.get(animal_id, media_viewer(request, users))
        return CACHE_HIDDEN
    return CACHE_SHOWN


def _cookie_path(settings: Settings) -> str:
    return settings.blobs.public_prefix.rstrip("/") or "/"


def _secure(request: Request, settings: Settings) -> bool:
    """Sent over HTTPS only, unless this is plain-HTTP development."""
    return request.url.scheme == "https" or settings.environment == "production"


def remember_media_viewer(
    response: Response, request: Request, settings: Settings, token: str, expires_at: datetime
) -> None:
    """Set the media cookie of a fresh login, for as long as its token lives."""
    response.set_cookie(
        MEDIA_COOKIE,
        token,
        max_age=max(0, int((expires_at - utcnow()).total_seconds())),
        path=_cookie_path(settings),
        secure=_secure(request, settings),
        httponly=True,
        samesite="strict",
    )


def forget_media_viewer(response: Response, request: Request, settings: Settings) -> None:
    """Clear the media cookie (at logout)."""
    response.delete_cookie(
        MEDIA_COOKIE,
        path=_cookie_path(settings),
        secure=_secure(request, settings),
        httponly=True,
        samesite="strict",
    )


def thumbnail_side(key: str, size: int | None) -> int | None:
    """The thumbnail side a request asks for (None: the file under `key` itself);
    InvalidInput for a size that is not served, or a size asked of anything but a thumbnail."""
    if size is None or (size == THUMBNAIL_SIDE and key.startswith("thumbnails/")):
        return None
    if not key.startswith("thumbnails/") or size not in THUMBNAIL_SIDES:
        sides = " or ".join(str(side) for side in THUMBNAIL_SIDES)
        msg = f"size is served for thumbnails only, and must be {sides}; got {size}"
        raise InvalidInput(msg, field="size", reason="unknown_size")
    return size


def sized_thumbnail(blobs: BlobStore, animal_id: str, side: int) -> bytes:
    """The animal's thumbnail of `side` pixels; made from its photo and stored the first
    time it is asked for (animals stored before that size existed); BlobNotFoundError when
    there is no photo either."""
    key = thumbnail_key(animal_id, side)
    try:
        return blobs.get(key)
    except BlobNotFoundError:
        made = make_thumbnail(blobs.get(photo_key(animal_id)), side)
        blobs.put(key, made)
        return made


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
        responses={200: {"content": {"image/jpeg": {}}}, 404: {}, 422: {}},
    )
    def get_media(
        key: str,
        *,
        request: Request,
        container: ContainerDep,
        animals: AnimalServiceDep,
        users: UserServiceDep,
        size: Annotated[
            int | None,
            Query(description="a thumbnail's longer side: 320 (the default) or 640 (2x)"),
        ] = None,
    ) -> Response:
        """An animal's photo or thumbnail (sync: file reads run off the event loop); 404
        for a hidden animal's unless the token (header, bearer or media cookie) is its
        owner's or an administrator's. `size` picks a thumbnail's size; 422 for another
        size, or a size asked of a photo."""
        missing = NotFound(f"no media under {key!r}")
        animal_id = animal_of_key(key)  # a strict pattern: nothing outside the store
        if animal_id is None:
            raise missing
        side = thumbnail_side(key, size)
        try:
            caching = cache_control(animals, animal_id, request, users)
            if side is None:
                data = container.blobs.get(key)
            else:
                data = sized_thumbnail(container.blobs, animal_id, side)
        except (NotFound, BlobNotFoundError) as error:
            raise missing from error
        return Response(
            content=data,
            media_type=media_type_of(key),
            headers={"Cache-Control": caching, "X-Content-Type-Options": "nosniff"},
        )

    return router
