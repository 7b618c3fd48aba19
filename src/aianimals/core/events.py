"""Domain events: a versioned envelope with a dedupe key, serialised as JSON bytes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aianimals.core.clock import parse_timestamp, utcnow
from aianimals.core.ids import new_id

ANIMAL_CREATED = "animal.created"
ANIMAL_UPDATED = "animal.updated"
ANIMAL_DEACTIVATED = "animal.deactivated"
LIKE_ADDED = "like.added"
LIKE_REMOVED = "like.removed"
ACCESS_LOG_WRITTEN = "access_log.written"
VIOLATION_DETECTED = "violation.detected"

EVENT_TYPES = (
    ANIMAL_CREATED,
    ANIMAL_UPDATED,
    ANIMAL_DEACTIVATED,
    LIKE_ADDED,
    LIKE_REMOVED,
    ACCESS_LOG_WRITTEN,
    VIOLATION_DETECTED,
)


class MalformedMessage(ValueError):
    """A message body that is not a valid event; it goes to the dead-letter queue."""


@dataclass(frozen=True)
class Event:
    """Something that happened, as it travels through the outbox and the queue.

    `dedupe_key` names the logical change (for example `animal.created:<id>`): handlers
    apply each key at most once in effect. `version` is the payload's schema version.
    """

    type: str
    payload: dict[str, Any]
    dedupe_key: str
    version: int = 1
    id: str = field(default_factory=new_id)
    occurred_at: datetime = field(default_factory=utcnow)

    def to_json(self) -> bytes:
        """The message body."""
        body = {
            "id": self.id,
            "type": self.type,
            "version": self.version,
            "dedupe_key": self.dedupe_key,
            "occurred_at": self.occurred_at.isoformat(),
            "payload": self.payload,
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_json(cls, body: bytes) -> Event:
        """Parse a message body; MalformedMessage says what is wrong with it."""
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            msg = f"not JSON: {error}"
            raise MalformedMessage(msg) from error
        if not isinstance(data, dict):
            msg = "not a JSON object"
            raise MalformedMessage(msg)
        try:
            return cls(
                id=_text(data, "id"),
                type=_text(data, "type"),
                version=int(data["version"]),
                dedupe_key=_text(data, "dedupe_key"),
                occurred_at=parse_timestamp(_text(data, "occurred_at")),
                payload=_mapping(data, "payload"),
            )
        except (KeyError, TypeError, ValueError) as error:
            msg = f"bad envelope: {error}"
            raise MalformedMessage(msg) from error


def _text(data: dict[str, Any], name: str) -> str:
    value = data[name]
    if not isinstance(value, str) or not value:
        msg = f"{name} must be a non-empty string"
        raise TypeError(msg)
    return value


def _mapping(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data[name]
    if not isinstance(value, dict):
        msg = f"{name} must be an object"
        raise TypeError(msg)
    return value
