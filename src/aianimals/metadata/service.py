"""Metadata for clients, assembled from the categories feature and the search sort keys."""

from __future__ import annotations

from aianimals.categories.service import CategoryService
from aianimals.metadata.schemas import MetadataResponse

# The `sort_by` values `POST /v0/animal/search` offers, in the order clients show them.
# The search feature arrives later and must accept exactly these; "learn_to_rank" is
# appended once the ranking service exists, so clients never offer an order that fails.
SEARCH_SORT_KEYS: tuple[str, ...] = ("score", "like", "created_at", "random")


class MetadataService:
    """One answer with everything a client's search screen lists."""

    def __init__(
        self, categories: CategoryService, sort_keys: tuple[str, ...] = SEARCH_SORT_KEYS
    ) -> None:
        self.categories = categories
        self.sort_keys = sort_keys

    def get(self) -> MetadataResponse:
        """Every category, every breed and the search sort keys."""
        return MetadataResponse(
            animal_category=self.categories.list_categories(),
            animal_subcategory=self.categories.list_subcategories(),
            animal_search_sort_key=list(self.sort_keys),
        )
