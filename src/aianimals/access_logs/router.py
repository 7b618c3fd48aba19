"""HTTP routes of access logs."""

from __future__ import annotations

from fastapi import APIRouter

from aianimals.access_logs.schemas import AccessLogCreate, AccessLogResponse
from aianimals.api.deps import AccessLogServiceDep, CurrentUser

router = APIRouter(prefix="/access_log", tags=["access_log"])


@router.post(
    "",
    response_model=AccessLogResponse,
    responses={
        403: {"description": "`user_id` is not the token's user"},
        404: {"description": "no such animal, or it is hidden"},
        409: {"description": "the event `id` is already used by another event"},
        422: {
            "description": "invalid body, or `unverified_action`: the search `search_id` "
            "did not show `animal_id` to this user (an unknown search, another user's, or "
            "an animal that was not among its results)"
        },
    },
)
def record_access_log(
    request: AccessLogCreate, user: CurrentUser, access_logs: AccessLogServiceDep
) -> AccessLogResponse:
    """Log an action (select, see_long, like) on a search result for the token's user.

    Only an action on a result the server showed to this user is accepted: `search_id` is
    that of the search (or similar-image) response the animal was in.
    """
    return AccessLogResponse.model_validate(access_logs.record(user, request))
