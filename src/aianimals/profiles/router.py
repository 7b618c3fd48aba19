"""HTTP route of public profiles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from aianimals.api.deps import CurrentUser, SessionDep
from aianimals.profiles.schemas import HandleName, ProfileResponse
from aianimals.profiles.service import ProfileService

router = APIRouter(prefix="/user", tags=["user"])


def get_profile_service(session: SessionDep) -> ProfileService:
    """Public profiles over this request's session."""
    return ProfileService(session)


@router.get("/profile", response_model=ProfileResponse, responses={404: {}, 422: {}})
def profile(
    user: CurrentUser,
    profiles: Annotated[ProfileService, Depends(get_profile_service)],
    handle_name: Annotated[HandleName, Query()],
) -> ProfileResponse:
    """A user's public profile by handle: how many of their posts are shown and how many
    likes those received; 404 for an unknown or deactivated account. Their posts are
    `GET /animal?user_id=<id>`."""
    del user
    return profiles.by_handle(handle_name)
