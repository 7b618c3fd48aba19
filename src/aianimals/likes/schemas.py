"""Wire shapes of likes (the reference's field names)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from aianimals.core.wire import EntityId, UtcDatetime


class LikeCreate(BaseModel):
    """Like an animal as the logged-in user."""

    model_config = ConfigDict(extra="forbid")

    animal_id: EntityId
    user_id: EntityId | None = Field(
        default=None,
        description="optional (the reference sent it); must be the token's user",
    )


class LikeFilter(BaseModel):
    """Query filters of `GET /v0/like`; every given filter must match."""

    id: EntityId | None = None
    animal_id: EntityId | None = None
    user_id: EntityId | None = None


class LikeResponse(BaseModel):
    """One like."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    animal_id: str
    user_id: str
    created_at: UtcDatetime
    updated_at: UtcDatetime
