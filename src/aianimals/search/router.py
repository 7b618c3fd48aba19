"""HTTP route of search: `POST /v0/animal/search`."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends

from aianimals.access_logs.service import ImpressionService, Shown
from aianimals.api.container import Container
from aianimals.api.deps import (
    ContainerDep,
    CurrentUser,
    PageDep,
    SearchServiceDep,
    get_current_user,
)
from aianimals.search.schemas import AnimalSearchRequest, AnimalSearchResponse

router = APIRouter(
    prefix="/animal",
    tags=["search"],
    dependencies=[Depends(get_current_user)],
    responses={401: {"description": "missing, unknown or expired token"}},
)


@router.post("/search", response_model=AnimalSearchResponse, responses={422: {}})
def search_animals(
    *,
    user: CurrentUser,
    search: SearchServiceDep,
    page: PageDep,
    container: ContainerDep,
    background: BackgroundTasks,
    request: AnimalSearchRequest | None = None,
) -> AnimalSearchResponse:
    """Animals matching every phrase (Japanese or English), filtered and sorted.

    Log what the user does with the results via `POST /v0/access_log` with this response's
    `search_id`, `sort_by` and `model_name`; what was shown is recorded here.
    """
    response, shown = search.search(
        request or AnimalSearchRequest(), limit=page.limit, offset=page.offset
    )
    background.add_task(_record_impressions, container, user.id, shown)
    return response


def _record_impressions(container: Container, user_id: str, shown: list[Shown]) -> None:
    """After the response: store the impressions in a session of their own."""
    with container.database.session() as session:
        ImpressionService(session).record(user_id, shown)
