"""The shared wire types: ids, small ids, text, one-line text and UTC timestamps."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from aianimals.core.ids import is_id, new_id
from aianimals.core.wire import MAX_SMALL_ID, EntityId, Line, SmallId, Text, UtcDatetime

entity_id = TypeAdapter(EntityId)
small_id = TypeAdapter(SmallId)
text = TypeAdapter(Text)
line = TypeAdapter(Line)
timestamp = TypeAdapter(UtcDatetime)


def test_naive_timestamps_serialise_with_utc_offset() -> None:
    stored = datetime(2026, 11, 25, 11, 57, 13, 157730)
    value = timestamp.validate_python(stored)
    assert value == stored.replace(tzinfo=UTC)
    assert json.loads(timestamp.dump_json(value)) == "2026-11-25T11:57:13.157730Z"


def test_aware_timestamps_are_converted_to_utc() -> None:
    tokyo = datetime(2026, 11, 25, 20, 57, 13, tzinfo=timezone(timedelta(hours=9)))
    value = timestamp.validate_python(tokyo)
    assert value.tzinfo is UTC
    assert value == tokyo
    assert json.loads(timestamp.dump_json(value)) == "2026-11-25T11:57:13Z"


def test_timestamps_are_documented_as_date_time() -> None:
    assert timestamp.json_schema(mode="serialization") == {"format": "date-time", "type": "string"}


def test_entity_id_accepts_a_new_id() -> None:
    fresh = new_id()
    assert entity_id.validate_python(fresh) == fresh
    assert is_id(fresh)


@pytest.mark.parametrize(
    "value", ["", "0" * 31, "0" * 33, "A" * 32, "g" * 32, "0" * 32 + "\n", "-" + "0" * 31]
)
def test_entity_id_refuses_other_shapes(value: str) -> None:
    with pytest.raises(ValidationError):
        entity_id.validate_python(value)
    assert not is_id(value)


def test_small_id_fits_a_32_bit_column() -> None:
    assert small_id.validate_python(0) == 0
    assert small_id.validate_python(MAX_SMALL_ID) == 2**31 - 1
    for outside in (-1, MAX_SMALL_ID + 1):
        with pytest.raises(ValidationError):
            small_id.validate_python(outside)


def test_text_refuses_nul() -> None:
    with pytest.raises(ValidationError, match="control characters"):
        text.validate_python("a\x00b")


@pytest.mark.parametrize("value", ["\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\ud800"])
def test_text_refuses_other_control_characters_and_lone_surrogates(value: str) -> None:
    with pytest.raises(ValidationError):
        text.validate_python(f"cat{value}")


def test_text_keeps_tabs_line_breaks_and_unicode() -> None:
    value = "柴犬\tshiba\r\nかわいい 🐕"
    assert text.validate_python(value) == value


@pytest.mark.parametrize("value", ["a\tb", "a\nb", "a\rb"])
def test_line_refuses_tabs_and_line_breaks(value: str) -> None:
    with pytest.raises(ValidationError, match="one line"):
        line.validate_python(value)


def test_line_refuses_what_text_refuses() -> None:
    with pytest.raises(ValidationError, match="control characters"):
        line.validate_python("a\x00b")
    assert line.validate_python("柴犬 shiba") == "柴犬 shiba"
