"""Typed reads of one record's fields; every failure names the file, the record and the field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aianimals.core.clock import parse_timestamp
from aianimals.dataset.importer.errors import ImportFailed

# The reference's forms (`T` or space, microseconds optional): a fast path in front of
# core.clock.parse_timestamp, which still decides (and words the error) for anything else.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{6})?")
# core.ids.is_id's shape (32 lowercase hex digits), checked here directly: half a million
# ids per import, and stripping the hex digits is cheaper than a regular expression.
_HEX_DIGITS = "0123456789abcdef"  # pragma: allowlist secret


class Fields:
    """One record of one file, read field by field."""

    __slots__ = ("filename", "record", "record_id")

    def __init__(self, filename: str, record_id: str, record: object) -> None:
        self.filename = filename
        self.record_id = record_id
        # A plain dict first: the abstract Mapping check costs more than reading the record.
        if record.__class__ is not dict and not isinstance(record, Mapping):
            raise ImportFailed.at(filename, record_id, None, "not a JSON object")
        self.record: Mapping[str, Any] = record

    def fail(self, field: str | None, problem: str) -> ImportFailed:
        """The error for `field` of this record."""
        return ImportFailed.at(self.filename, self.record_id, field, problem)

    def _get(self, field: str) -> Any:
        try:
            return self.record[field]
        except KeyError:
            raise self.fail(field, "missing") from None

    def text(self, field: str, max_length: int | None = None, *, empty: bool = True) -> str:
        """A string (at most `max_length` characters; empty only if allowed)."""
        value = self._get(field)
        if not isinstance(value, str):
            raise self.fail(field, f"not a string: {value!r}")
        if not empty and not value.strip():
            raise self.fail(field, "empty")
        if max_length is not None and len(value) > max_length:
            raise self.fail(field, f"longer than {max_length} characters")
        return value

    def optional_text(self, field: str, max_length: int | None = None) -> str | None:
        """A string or null (or absent)."""
        if self.record.get(field) is None:
            return None
        return self.text(field, max_length)

    def identifier(self, field: str) -> str:
        """A 32-character lowercase hex id."""
        value: str = self._get(field)
        if value.__class__ is not str or len(value) != 32 or value.strip(_HEX_DIGITS):
            raise self.fail(field, f"not an id: {value!r}")
        return value

    def integer(self, field: str) -> int:
        """An integer (not a bool)."""
        value = self._get(field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"not an integer: {value!r}")
        return value

    def optional_integer(self, field: str) -> int | None:
        """An integer or null (or absent)."""
        if self.record.get(field) is None:
            return None
        return self.integer(field)

    def number(self, field: str) -> float:
        """A JSON number."""
        value = self._get(field)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(field, f"not a number: {value!r}")
        return float(value)

    def boolean(self, field: str) -> bool:
        """true or false."""
        value = self._get(field)
        if not isinstance(value, bool):
            raise self.fail(field, f"not a boolean: {value!r}")
        return value

    def choice(self, field: str, allowed: frozenset[str]) -> str:
        """One of `allowed`."""
        value = self._get(field)
        if value not in allowed:
            raise self.fail(field, f"not one of {sorted(allowed)}: {value!r}")
        return str(value)

    def strings(self, field: str) -> list[str]:
        """A list of strings."""
        value = self._get(field)
        if not isinstance(value, list) or not set(map(type, value)) <= {str}:
            raise self.fail(field, f"not a list of strings: {value!r}")
        return value

    def timestamp(self, field: str) -> datetime:
        """`2021-05-21T18:46:20.208762` or `2021-05-21 18:46:20` (microseconds optional)."""
        value = self._get(field)
        if not isinstance(value, str):
            raise self.fail(field, f"not a timestamp: {value!r}")
        if _TIMESTAMP.fullmatch(value):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        try:
            return parse_timestamp(value)
        except ValueError as error:
            raise self.fail(field, str(error)) from None
