"""Time: one place that reads the clock, and the reference's timestamp forms."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo (the store keeps naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def parse_timestamp(value: str) -> datetime:
    """Parse `2021-05-21T18:46:20.208762` or `2021-05-21 18:46:20` (microseconds optional).

    Raises ValueError with the offending text when the value has neither form.
    """
    text = value.strip()
    for fmt in (
        "%Y-%m-%dT%H:%M:%S.%f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S.%f",
        "%Y-%m-%d %H:%M:%S",
    ):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    msg = f"not a timestamp: {value!r}"
    raise ValueError(msg)


def as_naive_utc(value: object) -> datetime:
    """A stored timestamp (a datetime, or its text from SQLite) as a naive UTC datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)
    return as_naive_utc(datetime.fromisoformat(str(value)))
