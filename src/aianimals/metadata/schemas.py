"""Wire shape of `GET /metadata`: what a client needs to build its search and post screens."""

from __future__ import annotations

from pydantic import BaseModel, Field

from aianimals.categories.schemas import AnimalCategoryResponse, AnimalSubcategoryResponse


class CatalogueResponse(BaseModel):
    """Categories, breeds and the sort keys the search API accepts (the cached part)."""

    animal_category: list[AnimalCategoryResponse]
    animal_subcategory: list[AnimalSubcategoryResponse]
    animal_search_sort_key: list[str]


class UploadLimitsResponse(BaseModel):
    """What `POST /animal` accepts as its `file`, for a client to check before sending it."""

    max_bytes: int = Field(description="the largest file accepted (`uploads.max_bytes`)")
    media_types: list[str] = Field(description="accepted types, sniffed from the bytes")


class MetadataResponse(CatalogueResponse):
    """The catalogue and the upload limits, in one call."""

    upload: UploadLimitsResponse
