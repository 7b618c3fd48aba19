"""Wire shapes of `POST /v0/animal/search` (the reference's field names)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from aianimals.animals.schemas import AnimalResponse
from aianimals.core.wire import Line

MAX_PHRASES = 20
MAX_PHRASE_LENGTH = 100

Phrase = Annotated[Line, Field(max_length=MAX_PHRASE_LENGTH)]
Name = Annotated[Line, Field(min_length=1, max_length=64)]


class SearchSort(StrEnum):
    """How results are ordered."""

    score = "score"
    like = "like"
    created_at = "created_at"
    random = "random"
    learn_to_rank = "learn_to_rank"


class AnimalSearchRequest(BaseModel):
    """Free-text phrases (all must match), exact category/breed filters by name, a sort."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phrases: list[Phrase] = Field(default_factory=list, max_length=MAX_PHRASES)
    animal_category_name_en: Name | None = None
    animal_category_name_ja: Name | None = None
    animal_subcategory_name_en: Name | None = None
    animal_subcategory_name_ja: Name | None = None
    sort_by: SearchSort = SearchSort.score
    user_handle_name: str | None = Field(
        default=None,
        max_length=64,
        description="accepted for the reference client; the user comes from the token",
    )


class AnimalSearchResult(AnimalResponse):
    """An animal with its text-relevance score (0 when no phrase was given)."""

    score: float


class AnimalSearchResponse(BaseModel):
    """One page of results; log actions on them with `search_id`, `sort_by`, `model_name`."""

    hits: int
    max_score: float
    results: list[AnimalSearchResult]
    offset: int
    search_id: str
    sort_by: str
    model_name: str | None
    did_you_mean: str | None = Field(
        default=None,
        description="the query as understood, when a word was read as a typo: of a breed or "
        "pet word (ちわわ → チワワ), or, when only forgiving typos found anything, of a word "
        "the first results spell (a name, a word of a description)",
    )


class SearchSuggestion(BaseModel):
    """One completion: `text` to search, the breed or concept it stands for, its source."""

    text: str
    label: str
    kind: str = Field(description="breed, concept or query (a popular past query)")


class SearchSuggestResponse(BaseModel):
    """Completions of what was typed so far, best first."""

    suggestions: list[SearchSuggestion]
