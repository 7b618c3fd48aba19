"""Wire-level value types every feature's schemas share: ids, small ints, text, timestamps.

One home for them, so a constraint (an id's shape, the bound that keeps an int inside a
32-bit column, the characters PostgreSQL cannot store) is written once; features import
them from here, never from each other's schemas.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

ENTITY_ID_PATTERN = r"^[0-9a-f]{32}$"
"""An entity id: 32-character lowercase uuid4 hex, as in the reference data."""

MAX_SMALL_ID = 2**31 - 1
"""The largest int a client may send, so no value overflows a 32-bit column."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_LINE_BREAK = re.compile(r"[\t\n\r]")


def _no_control_characters(value: object) -> object:
    if isinstance(value, str) and _CONTROL.search(value):
        msg = "must not contain control characters (such as NUL) or lone surrogates"
        raise ValueError(msg)
    return value


def _one_line(value: object) -> object:
    if isinstance(value, str) and _LINE_BREAK.search(value):
        msg = "must be one line"
        raise ValueError(msg)
    return value


def as_utc(value: datetime) -> datetime:
    """`value` with an explicit UTC offset: naive values are taken as UTC (as stored)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


EntityId = Annotated[str, Field(pattern=ENTITY_ID_PATTERN)]
"""An entity id (user, animal, like, access log, search): 32 lowercase hex characters."""

SmallId = Annotated[int, Field(ge=0, le=MAX_SMALL_ID)]
"""A small-int id (category, breed): 0 to 2**31-1."""

TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
"""`Text` as the OpenAPI schema states it (the validator gives the clearer message, and
also refuses lone surrogates, which a JSON client cannot send as UTF-8 anyway)."""
LINE_PATTERN = r"^[^\u0000-\u001f\u007f]*$"
"""`Line` as the OpenAPI schema states it."""

Text = Annotated[
    str,
    BeforeValidator(_no_control_characters),
    Field(json_schema_extra={"pattern": TEXT_PATTERN}),
]
"""Free text: tabs and line breaks allowed; other control characters (NUL, which
PostgreSQL cannot store or compare, among them) and lone surrogates refused. The check sees
the value as sent, before a model strips its whitespace, as the schema's pattern says."""

Line = Annotated[
    Text, BeforeValidator(_one_line), Field(json_schema_extra={"pattern": LINE_PATTERN})
]
"""One line of `Text`: no tab or line break either."""

UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
"""A timestamp with an explicit UTC offset (`2026-11-25T11:57:13.157730Z` on the wire);
the store's naive values are UTC."""
