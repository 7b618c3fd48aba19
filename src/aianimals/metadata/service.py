"""Metadata for clients, assembled from the categories feature and the search sort keys."""

from __future__ import annotations

from functools import cache

from pydantic import TypeAdapter

from aianimals.categories.service import CategoryService
from aianimals.metadata.schemas import MetadataResponse
from aianimals.ports.cache.json_cache import JsonCache
from aianimals.search.schemas import SearchSort

METADATA_NAMESPACE = "metadata"
"""Cache namespace of the metadata answer; imports of categories invalidate it."""


class MetadataService:
    """One answer with everything a client's search screen lists (cached)."""

    def __init__(
        self,
        categories: CategoryService,
        cache: JsonCache,
        sort_keys: tuple[str, ...] = tuple(SearchSort),
    ) -> None:
        self.categories = categories
        self.cache = cache
        self.sort_keys = sort_keys

    def get(self) -> MetadataResponse:
        """Every category, every breed and the search sort keys."""
        return self.cache.get_or_compute(METADATA_NAMESPACE, "v0", self._build, _adapter())

    def _build(self) -> MetadataResponse:
        return MetadataResponse(
            animal_category=self.categories.list_categories(),
            animal_subcategory=self.categories.list_subcategories(),
            animal_search_sort_key=list(self.sort_keys),
        )


@cache
def _adapter() -> TypeAdapter[MetadataResponse]:
    return TypeAdapter(MetadataResponse)
