"""Wire shapes of animals (the reference's field names, kept for its clients)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_SQL_INT = 2**31 - 1
ID_PATTERN = r"^[0-9a-f]{32}$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_LINE_BREAK = re.compile(r"[\t\n\r]")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        msg = "must not contain control characters (such as NUL) or lone surrogates"
        raise ValueError(msg)
    return value


def _one_line(value: str) -> str:
    if _LINE_BREAK.search(value):
        msg = "must be one line"
        raise ValueError(msg)
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]
"""Free text: line breaks and tabs allowed, other control characters (NUL…) refused."""
Line = Annotated[Text, AfterValidator(_one_line)]
"""One line of text without control characters."""


class AnimalCreate(BaseModel):
    """The JSON in the `request` form field of a post; the user comes from the token."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    animal_category_id: int = Field(ge=0, le=MAX_SQL_INT)
    animal_subcategory_id: int = Field(ge=0, le=MAX_SQL_INT)
    name: Line = Field(min_length=1, max_length=200)
    description: Text = Field(default="", max_length=4000)
    user_id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="optional (the reference required it); must be the token's user",
    )


class AnimalFilter(BaseModel):
    """Query filters of `GET /v0/animal`; every given filter must match."""

    id: str | None = Field(default=None, pattern=ID_PATTERN)
    name: Text | None = Field(
        default=None, min_length=1, max_length=200, description="case-insensitive substring"
    )
    animal_category_id: int | None = Field(default=None, ge=0, le=MAX_SQL_INT)
    animal_subcategory_id: int | None = Field(default=None, ge=0, le=MAX_SQL_INT)
    user_id: str | None = Field(default=None, pattern=ID_PATTERN)
    deactivated: bool = Field(
        default=False, description="true lists hidden animals: only the caller's own"
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
    like: int
    deactivated: bool
    created_at: datetime
    updated_at: datetime
