"""HTTP route of 通報: report another user's post for review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from aianimals.api.deps import CurrentUser, SessionDep
from aianimals.core.wire import ENTITY_ID_PATTERN
from aianimals.moderation.reports import Reports
from aianimals.moderation.schemas import ReportBody, ReportResponse

router = APIRouter(
    prefix="/animal/report",
    tags=["animal"],
)


def get_reports(session: SessionDep) -> Reports:
    """Users' reports of posts."""
    return Reports(session)


ReportsDep = Annotated[Reports, Depends(get_reports)]


@router.post(
    "",
    status_code=201,
    response_model=ReportResponse,
    responses={404: {}, 409: {}, 422: {}, 429: {}},
)
def report_animal(
    id: Annotated[str, Query(pattern=ENTITY_ID_PATTERN, description="the post's id")],
    body: ReportBody,
    user: CurrentUser,
    reports: ReportsDep,
) -> ReportResponse:
    """Report another user's post: it enters the review queue with your reason. Once per
    post (409 again), never your own (422), at most 20 an hour (429)."""
    outcome = reports.report(user, id, body.violation_type, body.reason)
    return ReportResponse.model_validate(outcome)
