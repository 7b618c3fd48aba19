"""Identifiers: 32-character lowercase uuid4 hex, as in the reference data."""

from __future__ import annotations

import re
import uuid

from aianimals.core.wire import ENTITY_ID_PATTERN

_ID = re.compile(ENTITY_ID_PATTERN)


def new_id() -> str:
    """A fresh random identifier."""
    return uuid.uuid4().hex


def is_id(value: str) -> bool:
    """Whether `value` has the shape of an identifier (a trailing newline does not)."""
    return bool(_ID.fullmatch(value))
