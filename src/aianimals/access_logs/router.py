"""HTTP routes of access logs."""

from __future__ import annotations

from fastapi import APIRouter

from aianimals.access_logs.schemas import AccessLogCreate, AccessLogResponse
from aianimals.api.deps import AccessLogServiceDep, CurrentUser

router = APIRouter(prefix="/access_log", tags=["access_log"])


@router.post(
    "",
    response_model=AccessLogResponse,
    responses={401: {}, 403: {}, 404: {}, 409: {}},
)
def record_access_log(
    request: AccessLogCreate, user: CurrentUser, access_logs: AccessLogServiceDep
) -> AccessLogResponse:
    """Log an action (select, see_long, like) on a search result for the token's user."""
    return AccessLogResponse.model_validate(access_logs.record(user, request))
