"""HTTP routes of likes: list, like (idempotent), unlike your own. Every route needs a token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic_core import to_json

from aianimals.api.deps import CurrentUser, LikeServiceDep, PageDep
from aianimals.core.wire import ENTITY_ID_PATTERN
from aianimals.likes.schemas import LikeCreate, LikeFilter, LikeResponse

router = APIRouter(
    prefix="/like",
    tags=["like"],
)


@router.get("", response_model=list[LikeResponse], responses={422: {}})
def list_likes(
    user: CurrentUser,
    likes: LikeServiceDep,
    page: PageDep,
    filters: Annotated[LikeFilter, Query()],
) -> Response:
    """Likes matching the filters, newest first; a hidden animal's likes are listed only to
    its owner and administrators."""
    found = likes.find(user, filters, limit=page.limit, offset=page.offset)
    # Encoded from the service's rows in the documented shape: not re-validated here.
    return Response(to_json(found), media_type="application/json")


@router.post("", response_model=LikeResponse, responses={403: {}, 404: {}})
def like(request: LikeCreate, user: CurrentUser, likes: LikeServiceDep) -> LikeResponse:
    """Like an animal; liking it again returns the same like."""
    return LikeResponse.model_validate(likes.like(user, request))


@router.delete("", response_model=str, responses={403: {}, 404: {}, 422: {}})
def unlike(
    user: CurrentUser,
    likes: LikeServiceDep,
    like_id: Annotated[str | None, Query(pattern=ENTITY_ID_PATTERN)] = None,
    animal_id: Annotated[str | None, Query(pattern=ENTITY_ID_PATTERN)] = None,
) -> str:
    """Remove your like, by `like_id` (as the reference) or by `animal_id`; returns its id."""
    return likes.unlike(user, like_id=like_id, animal_id=animal_id)
