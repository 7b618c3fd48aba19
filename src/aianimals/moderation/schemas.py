"""Wire shapes of moderation: violation types (the admin review flow adds more)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from aianimals.core.wire import Text

ViolationTypeKey = Annotated[Text, Field(min_length=1, max_length=64)]


class ViolationTypeFilter(BaseModel):
    """Query filters of `GET /violation/type`; every given filter must match."""

    id: ViolationTypeKey | None = None
    name: ViolationTypeKey | None = None


class ViolationTypeResponse(BaseModel):
    """A kind of violation (no_animal, human_face, ...)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
