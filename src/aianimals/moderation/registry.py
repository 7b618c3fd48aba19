"""The violation registry's queue handler: stores each published detection idempotently and,
by its type's bands, hides the animal and queues it (at or above the hide threshold), queues
it (in the review band) or keeps it for metrics only (below the band). The review service
does it in one transaction; a hide reaches the indexes through the outbox."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.core.errors import InvalidInput, NotFound
from aianimals.core.events import VIOLATION_DETECTED, Event, MalformedMessage
from aianimals.core.ids import new_id
from aianimals.moderation.models import ViolationType
from aianimals.moderation.service import ModerationService
from aianimals.observability.metrics import observe_violation
from aianimals.ports.sql.database import Database
from aianimals.settings import REFERENCE_HIDE_THRESHOLD

REGISTRY_QUEUE = "violation-registry"
DEFAULT_THRESHOLD = REFERENCE_HIDE_THRESHOLD
"""The reference's hide threshold, for a type the settings do not name (the measured
operating point of no_animal_violation is in the settings: see docs/images.md)."""
REFERENCE_TYPE_IDS = {
    "human_face_violation": "93e7109457344567bbdddda9b15a241b",
    "no_animal_violation": "4cc11afb7f8944ab9b3c1573e85abbf3",
    "inappropriate_violation": "408c2ad827054453a0d01debe1811086",
    "not_photo_violation": "c725121bf2de4501aab23a61ec44bf42",
    "copyright_violation": "a4334cfa3acf4303b999bd6271c38801",
}
"""The reference's violation types, with their ids, for stores that never imported them."""


class ViolationRegistry:
    """Applies `violation.detected` events with per-type thresholds."""

    def __init__(
        self,
        database: Database,
        thresholds: Mapping[str, float],
        review_thresholds: Mapping[str, float] | None = None,
    ) -> None:
        self.database = database
        self.thresholds = dict(thresholds)
        self.review_thresholds = dict(review_thresholds or {})

    def handlers(self) -> Mapping[str, Callable[[Event], None]]:
        """Event type → handler, for the consumer of REGISTRY_QUEUE."""
        return {VIOLATION_DETECTED: self.record}

    def record(self, event: Event) -> None:
        """Store the detection; a malformed one, or one for a deleted animal, is refused."""
        payload = event.payload
        type_name = _text(payload, "violation_type")
        with self.database.session() as session:
            type_id = violation_type_id(session, type_name)
            try:
                ModerationService(session).record_detection(
                    _text(payload, "animal_id"),
                    type_id,
                    _number(payload, "probability"),
                    model_version=_text(payload, "model_version"),
                    judge=_text(payload, "judge"),
                    threshold=self.thresholds.get(type_name, DEFAULT_THRESHOLD),
                    review_threshold=self.review_thresholds.get(type_name),
                )
            except NotFound:
                return  # the animal was deleted: nothing left to judge
            except InvalidInput as error:
                raise MalformedMessage(str(error)) from error
        over = _number(payload, "probability") >= self.thresholds.get(type_name, DEFAULT_THRESHOLD)
        observe_violation(type_name, _text(payload, "judge"), effective=over)


def violation_type_id(session: Session, name: str) -> str:
    """The type's id, created on first use (reference id for the reference's types)."""
    found = session.scalar(select(ViolationType.id).where(ViolationType.name == name))
    if found is not None:
        return found
    type_id = REFERENCE_TYPE_IDS.get(name, new_id())
    session.add(ViolationType(id=type_id, name=name))
    try:
        session.commit()
    except IntegrityError:  # another consumer created it first
        session.rollback()
        return str(session.scalar(select(ViolationType.id).where(ViolationType.name == name)))
    return type_id


def _text(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedMessage(f"violation.detected without {name}")
    return value


def _number(payload: Mapping[str, Any], name: str) -> float:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedMessage(f"violation.detected without a numeric {name}")
    return float(value)
