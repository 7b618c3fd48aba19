"""HTTP route of client metadata."""

from __future__ import annotations

from fastapi import APIRouter

from aianimals.api.deps import CurrentUser, MetadataServiceDep
from aianimals.metadata.schemas import MetadataResponse

router = APIRouter(prefix="/metadata", tags=["metadata"])


@router.get("", response_model=MetadataResponse, responses={401: {}})
def get_metadata(user: CurrentUser, metadata: MetadataServiceDep) -> MetadataResponse:
    """Categories, breeds, search sort keys and upload limits; a client loads this once
    after login."""
    del user
    return metadata.get()
