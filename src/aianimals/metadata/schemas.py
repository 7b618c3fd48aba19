"""Wire shape of `GET /metadata`: what a client needs to build its search screen."""

from __future__ import annotations

from pydantic import BaseModel

from aianimals.categories.schemas import AnimalCategoryResponse, AnimalSubcategoryResponse


class MetadataResponse(BaseModel):
    """Categories, breeds and the sort keys the search API accepts, in one call."""

    animal_category: list[AnimalCategoryResponse]
    animal_subcategory: list[AnimalSubcategoryResponse]
    animal_search_sort_key: list[str]
