"""The moderation service: violations, their review and the violation types — what the
detector worker, the portal and the API call; the only place that commits violation rows.

Detections are recorded idempotently per (animal, type, judge, model version) and hide the
animal when they take effect; administrators confirm or reject them, one or many at once.
Every change of a violation's effect or state is audited, and every change of an animal's
visibility is recorded in the outbox in the same transaction, so it reaches every read
model (search index, similar images, caches). The service commits; callers never do.

The animals concerned are locked before their violations are read (see `locking`), so
concurrent verdicts and detections on one animal cannot leave it shown while a violation
is in effect.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.core.errors import InvalidInput, NotFound
from aianimals.core.ids import new_id
from aianimals.moderation import stats, visibility
from aianimals.moderation.listing import (
    MAX_PAGE_SIZE,
    ORDER_NEWEST,
    DetectorVersion,
    QueueFilter,
    QueueItem,
    QueuePage,
    detector_versions,
    list_queue,
)
from aianimals.moderation.locking import lock_animals, lock_violations
from aianimals.moderation.models import (
    STATE_BELOW_BAND,
    STATE_CONFIRMED,
    STATE_PENDING,
    STATE_REJECTED,
    UNREVIEWED,
    ModerationAudit,
    ReviewRequest,
    Violation,
    ViolationType,
)
from aianimals.moderation.schemas import ViolationTypeFilter
from aianimals.moderation.stats import MAX_AUDIT_ROWS

if TYPE_CHECKING:
    from aianimals.animals.models import Animal

CONFIRM: Final = "confirm"
REJECT: Final = "reject"
VERDICTS: Final = (CONFIRM, REJECT)
_TARGETS: Final = {CONFIRM: (STATE_CONFIRMED, True), REJECT: (STATE_REJECTED, False)}
"""What a verdict makes of a violation: its state and whether it is in effect."""

MAX_BULK = 500
"""The most violations one verdict may cover."""
MAX_NOTE = 900
"""The longest note an administrator may give (the audit keeps the state change beside it)."""
_NAME_LENGTH = 64


@dataclass(frozen=True)
class ReviewOutcome:
    """What a verdict changed: violations (unchanged ones had it already) and animals."""

    verdict: str
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    hidden_animals: tuple[str, ...]
    shown_animals: tuple[str, ...]


@dataclass(frozen=True)
class AnimalHistory:
    """One animal's moderation record, for an administrator deciding on it."""

    detections: tuple[QueueItem, ...]
    """Every judgement of the animal (any type, judge and model version), newest first."""
    audits: tuple[stats.AuditEntry, ...]
    review_requested_at: datetime | None
    review_note: str


def _check_unit(name: str, value: float) -> float:
    if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= 1.0):
        msg = f"{name} must be a number between 0 and 1, got {value!r}"
        raise InvalidInput(msg)
    return float(value)


def _check_name(name: str, value: str, *, required: bool = True) -> str:
    if (required and not value.strip()) or len(value) > _NAME_LENGTH:
        size = "1 to" if required else "at most"
        msg = f"{name} must be {size} {_NAME_LENGTH} characters, got {value!r}"
        raise InvalidInput(msg)
    return value


class ModerationService:
    """Detections, the review queue, verdicts, violation types and the numbers about them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # Detections -------------------------------------------------------------------------

    def record_detection(
        self,
        animal_id: str,
        violation_type_id: str,
        probability: float,
        *,
        model_version: str,
        judge: str,
        threshold: float,
        review_threshold: float | None = None,
    ) -> Violation:
        """Store a detector's judgement, all in one transaction, by band:

        - at or above `threshold` it takes effect, hides the animal and waits for review;
        - in [`review_threshold`, `threshold`) the animal stays visible and it waits for
          review (`pending`);
        - below `review_threshold` it is kept for metrics only (`below_band`, not queued).

        Without `review_threshold` every detection is queued (a human's report, say).
        A re-delivery of the same (animal, type, judge, model version) returns the same row:
        unchanged when its values are the same or an administrator already reviewed it
        (the verdict stands), otherwise updated in place (band included).
        """
        probability = _check_unit("probability", probability)
        threshold = _check_unit("threshold", threshold)
        review = 0.0 if review_threshold is None else _check_unit("review", review_threshold)
        if review > threshold:
            msg = f"the review threshold {review} must not exceed the hide threshold {threshold}"
            raise InvalidInput(msg)
        _check_name("judge", judge)
        _check_name("model_version", model_version, required=False)
        if self.session.get(ViolationType, violation_type_id) is None:
            raise NotFound(f"no violation type with id {violation_type_id}")
        animal = lock_animals(self.session, [animal_id]).get(animal_id)
        if animal is None:
            raise NotFound(f"no animal with id {animal_id}")
        key = (animal_id, violation_type_id, judge, model_version)
        try:
            row = self._apply_detection(animal, key, probability, (threshold, review))
            self.session.commit()
        except IntegrityError:
            # A concurrent delivery of the same detection won the insert: return its row.
            self.session.rollback()
            existing = self._detection(*key)
            if existing is None:
                raise
            return existing
        return row

    def _apply_detection(
        self,
        animal: Animal,
        key: tuple[str, str, str, str],
        probability: float,
        thresholds: tuple[float, float],
    ) -> Violation:
        """Insert or update the detection's row and the animal's visibility (no commit)."""
        animal_id, violation_type_id, judge, model_version = key
        threshold, review = thresholds
        effective = probability >= threshold
        state = STATE_PENDING if probability >= review else STATE_BELOW_BAND
        note = f"detected by {judge} {model_version or '-'}: p={probability:.4f}, t={threshold}"
        row = self._detection(*key)
        lifted = False
        if row is None:
            row = Violation(
                id=new_id(),
                animal_id=animal_id,
                violation_type_id=violation_type_id,
                judge=judge,
                model_version=model_version,
                probability=probability,
                is_effective=effective,
                state=state,
            )
            self.session.add(row)
            self.session.flush()
            if effective:
                self._audit(row, judge, None, effective, note)
        elif row.state in UNREVIEWED and (row.probability, row.is_effective, row.state) != (
            probability,
            effective,
            state,
        ):
            if row.is_effective != effective:
                self._audit(row, judge, row.is_effective, effective, note)
            lifted = row.is_effective and not effective
            row.probability, row.is_effective, row.state = probability, effective, state
        else:
            return row  # a plain re-delivery, or a reviewed row (the verdict stands)
        self.session.flush()
        if effective:
            visibility.hide(self.session, animal)
        elif lifted:
            visibility.show_if_clear(self.session, animal)
        return row

    def violation_type_id(self, name: str) -> str:
        """The id of the violation type called `name` (e.g. no_animal_violation)."""
        found = self.session.scalar(select(ViolationType.id).where(ViolationType.name == name))
        if found is None:
            raise NotFound(f"no violation type named {name!r}")
        return found

    # Verdicts ---------------------------------------------------------------------------

    def review(
        self, violation_ids: Sequence[str], verdict: str, actor: str, note: str = ""
    ) -> ReviewOutcome:
        """Confirm or reject violations in one transaction, auditing each change.

        Confirming puts a violation in effect and hides its animal; rejecting lifts it and
        shows the animal again unless another violation is in effect or its owner removed
        it. A violation that already has the verdict is left alone and not audited. Unknown
        ids change nothing and raise NotFound naming them.
        """
        if verdict not in _TARGETS:
            msg = f"verdict must be one of {', '.join(VERDICTS)}, got {verdict!r}"
            raise InvalidInput(msg)
        _check_name("actor", actor)
        if len(note) > MAX_NOTE:
            raise InvalidInput(f"the note must be at most {MAX_NOTE} characters")
        ids = list(dict.fromkeys(violation_ids))
        if not ids:
            raise InvalidInput("no violation ids given")
        if len(ids) > MAX_BULK:
            raise InvalidInput(f"at most {MAX_BULK} violations can be reviewed at once")
        violations, animals = lock_violations(self.session, ids)
        missing = [violation_id for violation_id in ids if violation_id not in violations]
        if missing:
            self.session.rollback()
            raise NotFound(f"no violation with id {', '.join(missing)}")
        state, effective = _TARGETS[verdict]
        changed: list[Violation] = []
        for violation_id in ids:
            violation = violations[violation_id]
            if (violation.state, violation.is_effective) == (state, effective):
                continue
            text = f"{violation.state} → {state}" + (f": {note}" if note else "")
            self._audit(violation, actor, violation.is_effective, effective, text)
            violation.state, violation.is_effective = state, effective
            changed.append(violation)
        self.session.flush()
        touched = sorted({violation.animal_id for violation in changed})
        moved = [
            animal_id
            for animal_id in touched
            if (visibility.hide if effective else visibility.show_if_clear)(
                self.session, animals[animal_id]
            )
        ]
        self.session.commit()
        changed_ids = {violation.id for violation in changed}
        return ReviewOutcome(
            verdict=verdict,
            changed=tuple(i for i in ids if i in changed_ids),
            unchanged=tuple(i for i in ids if i not in changed_ids),
            hidden_animals=tuple(moved) if effective else (),
            shown_animals=() if effective else tuple(moved),
        )

    # Reading ----------------------------------------------------------------------------

    def queue(self, where: QueueFilter | None = None) -> QueuePage:
        """A page of violations with their animals, most in need of a human first."""
        return list_queue(self.session, where or QueueFilter())

    def violation_types(self, filters: ViolationTypeFilter | None = None) -> list[ViolationType]:
        """Violation types matching every given filter (all of them by default), by name."""
        filters = filters or ViolationTypeFilter()
        query = select(ViolationType).order_by(ViolationType.name)
        if filters.id is not None:
            query = query.where(ViolationType.id == filters.id)
        if filters.name is not None:
            query = query.where(ViolationType.name == filters.name)
        return list(self.session.scalars(query))

    def detector_versions(self) -> list[DetectorVersion]:
        """Every (judge, model version) that has recorded violations."""
        return detector_versions(self.session)

    def violations_per_day(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[stats.DailyCount]:
        """Violations per day (UTC, by creation) and type, oldest first."""
        return stats.daily_counts(self.session, since, until)

    def detector_precision(
        self, violation_type_id: str | None = None
    ) -> list[stats.DetectorPrecision]:
        """Per judge and model version: counts by state and precision against verdicts."""
        return stats.detector_precision(self.session, violation_type_id)

    def audit_log(self, limit: int = 50, violation_id: str | None = None) -> list[stats.AuditEntry]:
        """The latest audited changes, newest first."""
        return stats.audit_log(self.session, limit, violation_id)

    def animal_history(self, animal_id: str) -> AnimalHistory:
        """Everything recorded about one animal's moderation: each detector's or reporter's
        score and state, every audited change, and the owner's review request."""
        detections = list_queue(
            self.session,
            QueueFilter(animal_id=animal_id, order=ORDER_NEWEST, limit=MAX_PAGE_SIZE),
        ).items
        request = self.session.get(ReviewRequest, animal_id)
        return AnimalHistory(
            detections=tuple(detections),
            audits=tuple(stats.audit_log(self.session, MAX_AUDIT_ROWS, animal_id=animal_id)),
            review_requested_at=None if request is None else request.created_at,
            review_note="" if request is None else request.note,
        )

    # Internals --------------------------------------------------------------------------

    def _detection(
        self, animal_id: str, violation_type_id: str, judge: str, model_version: str
    ) -> Violation | None:
        query = select(Violation).where(
            Violation.animal_id == animal_id,
            Violation.violation_type_id == violation_type_id,
            Violation.judge == judge,
            Violation.model_version == model_version,
        )
        return self.session.scalar(query.execution_options(populate_existing=True))

    def _audit(
        self, violation: Violation, actor: str, old: bool | None, new: bool, note: str
    ) -> None:
        self.session.add(
            ModerationAudit(
                violation_id=violation.id,
                actor=actor,
                old_is_effective=old,
                new_is_effective=new,
                note=note[:1000],
            )
        )
