"""HTTP route of client metadata."""

from __future__ import annotations

from fastapi import APIRouter

from aianimals.api.deps import MetadataServiceDep
from aianimals.metadata.schemas import MetadataResponse

router = APIRouter(prefix="/metadata", tags=["metadata"])


@router.get("", response_model=MetadataResponse)
def get_metadata(metadata: MetadataServiceDep) -> MetadataResponse:
    """Categories, breeds, search sort keys and upload limits; a client loads this once
    after login."""
    return metadata.get()
