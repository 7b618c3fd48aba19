"""Wire shape of a public profile (`GET /v0/user/profile`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from aianimals.core.wire import UtcDatetime

HandleName = Annotated[str, Field(min_length=1, max_length=64)]


class ProfileResponse(BaseModel):
    """A user as anyone logged in sees them, with counts over their shown posts only."""

    id: str
    handle_name: str
    created_at: UtcDatetime
    animals: int = Field(description="posts of theirs that are shown (hidden ones not counted)")
    likes: int = Field(description="likes their shown posts have received")
