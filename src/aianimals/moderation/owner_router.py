"""HTTP routes of a post's moderation for its owner: state, unhide, ask for a review.

Everyone else gets 404 for these routes, as for a hidden post anywhere else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query

from aianimals.api.deps import CurrentUser, SessionDep
from aianimals.core.wire import ENTITY_ID_PATTERN
from aianimals.moderation.owner_state import OwnerModeration
from aianimals.moderation.schemas import PostStateResponse, ReviewRequestBody

router = APIRouter(
    prefix="/animal/moderation",
    tags=["animal"],
)

AnimalId = Annotated[str, Query(pattern=ENTITY_ID_PATTERN, description="your post's id")]


def get_owner_moderation(session: SessionDep) -> OwnerModeration:
    """The owner's view of their posts' moderation."""
    return OwnerModeration(session)


OwnerModerationDep = Annotated[OwnerModeration, Depends(get_owner_moderation)]


@router.get("", response_model=PostStateResponse, responses={404: {}, 422: {}})
def post_state(id: AnimalId, user: CurrentUser, owner: OwnerModerationDep) -> PostStateResponse:
    """Your post's moderation state (checking, visible, hidden_for_review, removed,
    hidden_by_you) with the reason; 404 unless it is yours."""
    return PostStateResponse.model_validate(owner.state(user, id))


@router.post("/unhide", response_model=PostStateResponse, responses={404: {}, 422: {}})
def unhide(id: AnimalId, user: CurrentUser, owner: OwnerModerationDep) -> PostStateResponse:
    """Show again a post you hid (it stays hidden while a violation is in effect)."""
    return PostStateResponse.model_validate(owner.unhide(user, id))


@router.post(
    "/review_request", response_model=PostStateResponse, responses={404: {}, 409: {}, 422: {}}
)
def request_review(
    id: AnimalId,
    user: CurrentUser,
    owner: OwnerModerationDep,
    body: Annotated[ReviewRequestBody | None, Body()] = None,
) -> PostStateResponse:
    """Ask once that an administrator look again at your post hidden for a violation;
    a second request is a 409, a post not hidden for a violation a 422."""
    note = body.note if body is not None else ""
    return PostStateResponse.model_validate(owner.request_review(user, id, note))
