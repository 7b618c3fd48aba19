"""HTTP routes of categories and breeds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from aianimals.api.deps import CategoryServiceDep
from aianimals.categories.schemas import (
    AnimalCategoryResponse,
    AnimalSubcategoryResponse,
    CategoryFilter,
    SubcategoryFilter,
)

router = APIRouter(prefix="/animal_category", tags=["animal_category"])


@router.get("", response_model=list[AnimalCategoryResponse])
def list_categories(
    filters: Annotated[CategoryFilter, Query()],
    categories: CategoryServiceDep,
) -> list[AnimalCategoryResponse]:
    """Categories (other / cat / dog), filtered by id or name."""
    return categories.list_categories(filters)


@router.get("/subcategory", response_model=list[AnimalSubcategoryResponse])
def list_subcategories(
    filters: Annotated[SubcategoryFilter, Query()],
    categories: CategoryServiceDep,
) -> list[AnimalSubcategoryResponse]:
    """Breeds, filtered by id, name or their category."""
    return categories.list_subcategories(filters)
