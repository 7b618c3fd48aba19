"""Category and breed lookups (read-only: the import job owns these rows)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from aianimals.categories.models import AnimalCategory, AnimalSubcategory
from aianimals.categories.schemas import (
    AnimalCategoryResponse,
    AnimalSubcategoryResponse,
    CategoryFilter,
    SubcategoryFilter,
)


class CategoryService:
    """Lists categories and breeds, ordered by id."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def list_categories(
        self, filters: CategoryFilter | None = None
    ) -> list[AnimalCategoryResponse]:
        """Categories matching every given filter."""
        filters = filters or CategoryFilter()
        query = select(AnimalCategory).order_by(AnimalCategory.id)
        if filters.id is not None:
            query = query.where(AnimalCategory.id == filters.id)
        if filters.name_en is not None:
            query = query.where(AnimalCategory.name_en == filters.name_en)
        if filters.name_ja is not None:
            query = query.where(AnimalCategory.name_ja == filters.name_ja)
        return [AnimalCategoryResponse.model_validate(row) for row in self.session.scalars(query)]

    def list_subcategories(
        self, filters: SubcategoryFilter | None = None
    ) -> list[AnimalSubcategoryResponse]:
        """Breeds matching every given filter, with their category's names."""
        filters = filters or SubcategoryFilter()
        query = (
            select(AnimalSubcategory, AnimalCategory)
            .join(AnimalCategory, AnimalSubcategory.category_id == AnimalCategory.id)
            .order_by(AnimalSubcategory.id)
        )
        conditions = (
            (filters.id, AnimalSubcategory.id),
            (filters.animal_category_id, AnimalSubcategory.category_id),
            (filters.animal_category_name_en, AnimalCategory.name_en),
            (filters.animal_category_name_ja, AnimalCategory.name_ja),
            (filters.name_en, AnimalSubcategory.name_en),
            (filters.name_ja, AnimalSubcategory.name_ja),
        )
        for value, column in conditions:
            if value is not None:
                query = query.where(column == value)
        return [
            AnimalSubcategoryResponse(
                id=breed.id,
                animal_category_id=category.id,
                animal_category_name_en=category.name_en,
                animal_category_name_ja=category.name_ja,
                name_en=breed.name_en,
                name_ja=breed.name_ja,
                created_at=breed.created_at,
                updated_at=breed.updated_at,
            )
            for breed, category in self.session.execute(query)
        ]
