"""Wire shapes of categories and breeds (field names as the reference API's)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from aianimals.core.wire import SmallId, Text, UtcDatetime

CategoryName = Annotated[Text, Field(min_length=1, max_length=64)]


class CategoryFilter(BaseModel):
    """Query filters of `GET /animal_category`; every given filter must match."""

    id: SmallId | None = None
    name_en: CategoryName | None = None
    name_ja: CategoryName | None = None


class SubcategoryFilter(BaseModel):
    """Query filters of `GET /animal_category/subcategory`; every given filter must match."""

    id: SmallId | None = None
    animal_category_id: SmallId | None = None
    animal_category_name_en: CategoryName | None = None
    animal_category_name_ja: CategoryName | None = None
    name_en: CategoryName | None = None
    name_ja: CategoryName | None = None


class AnimalCategoryResponse(BaseModel):
    """A category (other=0, cat=1, dog=2)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name_en: str
    name_ja: str
    is_deleted: bool = Field(
        default=False, description="always false: deleted categories are not served"
    )
    created_at: UtcDatetime
    updated_at: UtcDatetime


class AnimalSubcategoryResponse(BaseModel):
    """A breed with its category's names."""

    id: int
    animal_category_id: int
    animal_category_name_en: str
    animal_category_name_ja: str
    name_en: str
    name_ja: str
    is_deleted: bool = Field(
        default=False, description="always false: deleted breeds are not served"
    )
    created_at: UtcDatetime
    updated_at: UtcDatetime
