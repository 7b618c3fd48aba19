"""Wire shapes of animals (the reference's field names, kept for its clients)."""

from __future__ import annotations

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from aianimals.animals.thumbnails import thumbnail_2x_url
from aianimals.core.wire import EntityId, Line, SmallId, Text, UtcDatetime


class AnimalCreate(BaseModel):
    """The JSON in the `request` form field of a post; the user comes from the token."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    animal_category_id: SmallId
    animal_subcategory_id: SmallId
    name: Line = Field(min_length=1, max_length=200)
    description: Text = Field(default="", max_length=4000)
    user_id: EntityId | None = Field(
        default=None,
        description="optional (the reference required it); must be the token's user",
    )


class AnimalFilter(BaseModel):
    """Query filters of `GET /v0/animal`; every given filter must match."""

    id: EntityId | None = None
    name: Text | None = Field(
        default=None, min_length=1, max_length=200, description="case-insensitive substring"
    )
    animal_category_id: SmallId | None = None
    animal_subcategory_id: SmallId | None = None
    user_id: EntityId | None = None
    deactivated: bool = Field(
        default=False,
        description="true lists hidden animals: the caller's own (an administrator's: all)",
    )


class AnimalResponse(BaseModel):
    """An animal with its category and breed names, owner handle and live like count."""

    id: str
    animal_category_id: int
    animal_category_name_en: str
    animal_category_name_ja: str
    animal_subcategory_id: int
    animal_subcategory_name_en: str
    animal_subcategory_name_ja: str
    user_id: str
    user_handle_name: str
    name: str
    description: str
    photo_url: str
    thumbnail_url: str = Field(
        description="a small copy (longer side 320 px) for grids; the photo itself when none"
    )
    thumbnail_2x_url: str = Field(
        default="",
        description="the thumbnail at twice its size (longer side 640 px), for `srcset` on "
        "2x screens; the photo itself when there is no thumbnail",
    )
    like: int
    deactivated: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @model_validator(mode="after")
    def _fill_thumbnail_2x_url(self) -> AnimalResponse:
        if not self.thumbnail_2x_url:
            self.thumbnail_2x_url = thumbnail_2x_url(self.thumbnail_url, self.photo_url)
        return self


class AnimalUpdate(BaseModel):
    """An owner's edit of their post: any of these fields, at least one; the photo stays.

    A field left out keeps its value; none of them can be emptied, so `null` is refused
    (422) rather than reaching the store's NOT NULL columns.
    """

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"minProperties": 1}
    )

    animal_category_id: SmallId | SkipJsonSchema[None] = None
    animal_subcategory_id: SmallId | SkipJsonSchema[None] = None
    name: Line | SkipJsonSchema[None] = Field(default=None, min_length=1, max_length=200)
    description: Text | SkipJsonSchema[None] = Field(default=None, max_length=4000)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("must not be null: leave the field out to keep its value")
        return value

    @model_validator(mode="after")
    def _something(self) -> AnimalUpdate:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        return self
