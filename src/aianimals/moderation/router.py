"""HTTP routes of moderation: the violation types."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from aianimals.api.deps import ModerationServiceDep
from aianimals.moderation.schemas import ViolationTypeFilter, ViolationTypeResponse

router = APIRouter(prefix="/violation", tags=["violation"])


@router.get("/type", response_model=list[ViolationTypeResponse])
def list_violation_types(
    filters: Annotated[ViolationTypeFilter, Query()],
    moderation: ModerationServiceDep,
) -> list[ViolationTypeResponse]:
    """Kinds of violation, filtered by id or name."""
    return [
        ViolationTypeResponse.model_validate(row) for row in moderation.violation_types(filters)
    ]
