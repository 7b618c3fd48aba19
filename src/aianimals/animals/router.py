"""HTTP routes of animals: list, who liked one, post with a photo. Every route needs a token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from pydantic import Json
from pydantic_core import to_json

from aianimals.animals.schemas import AnimalCreate, AnimalFilter, AnimalResponse, AnimalUpdate
from aianimals.api.deps import (
    AnimalServiceDep,
    CurrentUser,
    LikeServiceDep,
    PageDep,
    PhotoStoreDep,
)
from aianimals.core.wire import ENTITY_ID_PATTERN
from aianimals.users.schemas import PublicUserResponse

router = APIRouter(
    prefix="/animal",
    tags=["animal"],
)


@router.get("", response_model=list[AnimalResponse], responses={422: {}})
def list_animals(
    user: CurrentUser,
    animals: AnimalServiceDep,
    page: PageDep,
    filters: Annotated[AnimalFilter, Query()],
) -> Response:
    """Animals matching the filters, newest first, with live like counts."""
    found = animals.find(user, filters, limit=page.limit, offset=page.offset)
    # Encoded from the service's rows in the documented shape: not re-validated here.
    return Response(to_json(found), media_type="application/json")


@router.get("/liked_by", response_model=list[PublicUserResponse], responses={404: {}})
def liked_by(
    user: CurrentUser,
    likes: LikeServiceDep,
    page: PageDep,
    animal_id: Annotated[str, Query(pattern=ENTITY_ID_PATTERN)],
) -> list[PublicUserResponse]:
    """Users who liked an animal, latest like first (public fields only); 404 for a hidden
    animal unless the caller owns it or is an administrator."""
    users = likes.liked_by(user, animal_id, limit=page.limit, offset=page.offset)
    return [PublicUserResponse.model_validate(user) for user in users]


@router.post(
    "",
    response_model=AnimalResponse,
    responses={403: {}, 413: {}, 415: {}, 422: {}},
)
def post_animal(
    user: CurrentUser,
    animals: AnimalServiceDep,
    photos: PhotoStoreDep,
    request: Annotated[Json[AnimalCreate], Form(description="JSON of the animal's fields")],
    file: Annotated[UploadFile, File(description="the photo: JPEG, PNG or WebP")],
) -> AnimalResponse:
    """Post an animal with its photo, as the logged-in user (sync: decoding runs off the loop)."""
    photo = file.file.read(photos.limits.max_bytes + 1)
    return animals.post(user, request, photo, photos)


AnimalId = Annotated[str, Query(pattern=ENTITY_ID_PATTERN, description="the animal's id")]


@router.patch("", response_model=AnimalResponse, responses={403: {}, 404: {}, 422: {}})
def update_animal(
    id: AnimalId,
    change: AnimalUpdate,
    user: CurrentUser,
    animals: AnimalServiceDep,
) -> AnimalResponse:
    """Edit your own post's name, description, category or breed (the photo stays)."""
    return animals.update_own(user, id, change)


@router.delete("", status_code=204, responses={403: {}, 404: {}, 422: {}})
def hide_animal(id: AnimalId, user: CurrentUser, animals: AnimalServiceDep) -> Response:
    """Hide your own post: it leaves search at once; hiding it again changes nothing."""
    animals.hide_own(user, id)
    return Response(status_code=204)
