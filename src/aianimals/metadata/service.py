"""Metadata for clients: the categories feature, the search sort keys, the upload limits."""

from __future__ import annotations

from functools import cache

from pydantic import TypeAdapter

from aianimals.animals.photos import ACCEPTED_MEDIA_TYPES
from aianimals.categories.service import CategoryService
from aianimals.metadata.schemas import CatalogueResponse, UploadLimitsResponse
from aianimals.ports.cache.json_cache import JsonCache
from aianimals.search.schemas import SearchSort

METADATA_NAMESPACE = "metadata"
"""Cache namespace of the metadata answer; imports of categories invalidate it."""


class MetadataService:
    """One answer with everything a client's search and post screens list."""

    def __init__(
        self,
        categories: CategoryService,
        cache: JsonCache,
        upload_max_bytes: int,
        sort_keys: tuple[str, ...] = tuple(SearchSort),
    ) -> None:
        self.categories = categories
        self.cache = cache
        self.upload = UploadLimitsResponse(
            max_bytes=upload_max_bytes, media_types=list(ACCEPTED_MEDIA_TYPES)
        )
        self.sort_keys = sort_keys

    def encoded(self) -> bytes:
        """`MetadataResponse`'s JSON: every category, every breed and the search sort keys
        as the cached catalogue's bytes (no decoding, no model per breed), then the upload
        limits (from the settings, never from the cache)."""
        catalogue = self.cache.get_or_compute_json(
            METADATA_NAMESPACE, "v0", self._build, _adapter()
        )
        return catalogue[:-1] + b',"upload":' + self.upload.model_dump_json().encode() + b"}"

    def _build(self) -> CatalogueResponse:
        return CatalogueResponse(
            animal_category=self.categories.list_categories(),
            animal_subcategory=self.categories.list_subcategories(),
            animal_search_sort_key=list(self.sort_keys),
        )


@cache
def _adapter() -> TypeAdapter[CatalogueResponse]:
    return TypeAdapter(CatalogueResponse)
