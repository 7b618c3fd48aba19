"""Identifiers: 32-character lowercase uuid4 hex, as in the reference data."""

from __future__ import annotations

import re
import uuid

_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def new_id() -> str:
    """A fresh random identifier."""
    return uuid.uuid4().hex


def is_id(value: str) -> bool:
    """Whether `value` has the shape of an identifier."""
    return bool(_ID_PATTERN.match(value))
