"""Wire shapes of moderation: violation types, and a post's state as its owner sees it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from aianimals.core.wire import Text, UtcDatetime

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


class PostStateResponse(BaseModel):
    """A post's moderation state as its owner sees it (see `moderation.owner_state`)."""

    model_config = ConfigDict(from_attributes=True)

    animal_id: str
    state: Literal["checking", "visible", "hidden_for_review", "removed", "hidden_by_you"]
    violation_type: str | None = Field(
        description="the violation behind removed / hidden_for_review, e.g. no_animal_violation"
    )
    note: str = Field(description="the administrator's note on a removal; empty without one")
    review_requested_at: UtcDatetime | None
    can_request_review: bool
    can_unhide: bool


class ReviewRequestBody(BaseModel):
    """The owner's request for a second look; the note is optional."""

    model_config = ConfigDict(extra="forbid")

    note: Text = Field(default="", max_length=500)


class ReportBody(BaseModel):
    """通報: what is wrong with the post, and why (optional free text)."""

    model_config = ConfigDict(extra="forbid")

    violation_type: Literal[
        "no_animal_violation",
        "inappropriate_violation",
        "human_face_violation",
        "not_photo_violation",
        "copyright_violation",
    ]
    reason: Text = Field(default="", max_length=500)


class ReportResponse(BaseModel):
    """The stored report: a pending violation in the review queue."""

    model_config = ConfigDict(from_attributes=True)

    violation_id: str
    animal_id: str
    violation_type: str
