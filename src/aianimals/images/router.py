"""HTTP route of similar-image search: `POST /v0/animal/search/similar`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from aianimals.api.deps import ContainerDep, CurrentUser, SessionDep
from aianimals.images.similar import SimilarService
from aianimals.search.schemas import AnimalSearchResponse

router = APIRouter(
    prefix="/animal",
    tags=["search"],
)


class SimilarRequest(BaseModel):
    """The animal whose photo the results should look like."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=32, pattern=r"^[0-9a-zA-Z_-]+$")


def get_similar_service(container: ContainerDep, session: SessionDep) -> SimilarService:
    """Similar-image search over the ANN index, hydrated from the store."""
    return SimilarService(
        session,
        index=container.vector_index,
        cache=container.cache,
        model_version=container.image_model.version,
        limit=container.settings.vectors.similar_limit,
    )


SimilarServiceDep = Annotated[SimilarService, Depends(get_similar_service)]


@router.post(
    "/search/similar",
    response_model=AnimalSearchResponse,
    responses={404: {"description": "no such animal"}, 422: {}},
)
def similar_animals(
    *,
    user: CurrentUser,
    request: SimilarRequest,
    similar: SimilarServiceDep,
    container: ContainerDep,
) -> Response:
    """Visible animals whose photos look most like this one's, most similar first
    (`sort_by` is `image_similarity`; the animal itself and hidden animals never appear;
    a hidden animal's own page is only for its owner and administrators).

    Log taps on the results via `POST /v0/access_log` with this response's `search_id`.
    """
    answer = similar.similar(request.id, user)
    container.impressions.submit(user.id, answer.shown)
    return Response(answer.body, media_type="application/json")
