"""Wire shapes of access logs: one user action on a search result."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from aianimals.core.wire import EntityId, SmallId, Text, UtcDatetime

MAX_PHRASES = 20
MAX_PHRASE_LENGTH = 100

Phrase = Annotated[Text, Field(max_length=MAX_PHRASE_LENGTH)]


class Action(StrEnum):
    """What the user did; learn-to-rank grades them select=1, see_long=3, like=4."""

    SELECT = "select"
    SEE_LONG = "see_long"
    LIKE = "like"


class LoggedSortKey(StrEnum):
    """The order the results were shown in: a search sort key or the similar-image strip."""

    SCORE = "score"
    LIKE = "like"
    CREATED_AT = "created_at"
    RANDOM = "random"
    LEARN_TO_RANK = "learn_to_rank"
    IMAGE_SIMILARITY = "image_similarity"


class AccessLogCreate(BaseModel):
    """An action on a search result; the user comes from the token.

    `id` is an optional client-chosen event id: a retry with the same id returns the
    stored event instead of adding another. `user_id` is accepted as the reference
    required it, and refused (403) when it is not the token's user.
    """

    model_config = ConfigDict(extra="forbid")

    id: EntityId | None = None
    search_id: EntityId
    phrases: list[Phrase] = Field(max_length=MAX_PHRASES)
    animal_category_id: SmallId | None = None
    animal_subcategory_id: SmallId | None = None
    sort_by: LoggedSortKey
    model_name: Annotated[Text, Field(max_length=128)] | None = None
    user_id: EntityId | None = None
    animal_id: EntityId
    action: Action


class AccessLogResponse(BaseModel):
    """A stored access log; `likes` is the animal's like count when it was logged."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    search_id: str
    phrases: list[str]
    animal_category_id: int | None
    animal_subcategory_id: int | None
    sort_by: str
    model_name: str | None
    user_id: str
    likes: int
    animal_id: str
    action: str
    created_at: UtcDatetime
