"""Wire shapes of likes (the reference's field names)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from aianimals.animals.schemas import ID_PATTERN


class LikeCreate(BaseModel):
    """Like an animal as the logged-in user."""

    model_config = ConfigDict(extra="forbid")

    animal_id: str = Field(pattern=ID_PATTERN)
    user_id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="optional (the reference sent it); must be the token's user",
    )


class LikeFilter(BaseModel):
    """Query filters of `GET /v0/like`; every given filter must match."""

    id: str | None = Field(default=None, pattern=ID_PATTERN)
    animal_id: str | None = Field(default=None, pattern=ID_PATTERN)
    user_id: str | None = Field(default=None, pattern=ID_PATTERN)


class LikeResponse(BaseModel):
    """One like."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    animal_id: str
    user_id: str
    created_at: datetime
    updated_at: datetime
