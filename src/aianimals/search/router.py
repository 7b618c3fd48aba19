"""HTTP route of search: `POST /v0/animal/search`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from aianimals.api.deps import (
    ContainerDep,
    CurrentUser,
    PageDep,
    SearchServiceDep,
)
from aianimals.core.errors import InvalidInput
from aianimals.search.schemas import (
    MAX_PHRASE_LENGTH,
    AnimalSearchRequest,
    AnimalSearchResponse,
    Phrase,
    SearchSuggestion,
    SearchSuggestResponse,
)

MAX_SEARCH_WINDOW = 10_000
"""How deep a search may page (offset + limit): as OpenSearch's result window, and so that no
client makes an index collect millions of hits."""

router = APIRouter(
    prefix="/animal",
    tags=["search"],
)


@router.post(
    "/search",
    response_model=AnimalSearchResponse,
    responses={422: {"description": "invalid body, or offset + limit over 10,000"}},
)
def search_animals(
    *,
    user: CurrentUser,
    search: SearchServiceDep,
    page: PageDep,
    container: ContainerDep,
    request: AnimalSearchRequest | None = None,
) -> Response:
    """Animals matching every phrase (Japanese or English), filtered and sorted.

    Log what the user does with the results via `POST /v0/access_log` with this response's
    `search_id`, `sort_by` and `model_name`; what was shown is recorded here.
    """
    if page.offset + page.limit > MAX_SEARCH_WINDOW:
        msg = f"offset + limit may be at most {MAX_SEARCH_WINDOW:,} for a search: narrow it"
        raise InvalidInput(msg)
    answer = search.search(
        request or AnimalSearchRequest(), limit=page.limit, offset=page.offset, user_id=user.id
    )
    container.impressions.submit(user.id, answer.shown)  # stored in batches, off this path
    # Encoded once by the service in the documented shape: not re-validated here.
    return Response(answer.body, media_type="application/json")


@router.get("/search/suggest", response_model=SearchSuggestResponse, responses={422: {}})
def suggest(
    container: ContainerDep,
    q: Annotated[
        Phrase,
        Query(min_length=1, description=f"what was typed so far (≤ {MAX_PHRASE_LENGTH})"),
    ],
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> SearchSuggestResponse:
    """Breeds, pet concepts and popular queries that complete `q` (kana-, romaji- and
    typo-tolerant), for the search box."""
    found = container.suggester.suggest(q, limit)
    return SearchSuggestResponse(
        suggestions=[SearchSuggestion(text=s.text, label=s.label, kind=s.kind) for s in found]
    )
