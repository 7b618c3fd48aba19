"""HTTP route of client metadata."""

from __future__ import annotations

from fastapi import APIRouter, Response

from aianimals.api.deps import MetadataServiceDep
from aianimals.metadata.schemas import MetadataResponse

router = APIRouter(prefix="/metadata", tags=["metadata"])


@router.get("", response_model=MetadataResponse)
def get_metadata(metadata: MetadataServiceDep) -> Response:
    """Categories, breeds, search sort keys and upload limits; a client loads this once
    after login."""
    # The cached catalogue's JSON as stored, in the documented shape: not re-validated.
    return Response(metadata.encoded(), media_type="application/json")
