"""Re-banding stored detections when the review band moves (and once, for old stores).

Detections recorded before review bands existed, or under another review threshold, sit in
the wrong band: a `pending` row below the band floods the queue, a `below_band` row above
it is missed. `apply_review_bands` moves the unreviewed, not-in-effect rows of one judge
to the band their probability falls in. It runs when the worker starts, so a changed
setting takes effect on the stored rows too; it is idempotent. Rows in effect (hidden
photos) and reviewed rows are never touched: a human still has to look at the former, and
a verdict stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aianimals.core.clock import utcnow
from aianimals.moderation.models import STATE_BELOW_BAND, STATE_PENDING, Violation, ViolationType


@dataclass(frozen=True)
class BandChange:
    """How many rows left the queue and how many entered it."""

    unqueued: int
    queued: int


def apply_review_bands(
    session: Session, review_thresholds: Mapping[str, float], judge: str
) -> BandChange:
    """Put `judge`'s unreviewed detections of each named type in their band; commits."""
    unqueued = queued = 0
    now = utcnow()
    for type_name, review in sorted(review_thresholds.items()):
        type_id = session.scalar(select(ViolationType.id).where(ViolationType.name == type_name))
        if type_id is None:
            continue
        same = (
            Violation.violation_type_id == type_id,
            Violation.judge == judge,
            Violation.is_effective.is_(False),
        )
        down = session.execute(
            update(Violation)
            .where(*same, Violation.state == STATE_PENDING, Violation.probability < review)
            .values(state=STATE_BELOW_BAND, updated_at=now)
        )
        up = session.execute(
            update(Violation)
            .where(*same, Violation.state == STATE_BELOW_BAND, Violation.probability >= review)
            .values(state=STATE_PENDING, updated_at=now)
        )
        unqueued += int(getattr(down, "rowcount", 0) or 0)
        queued += int(getattr(up, "rowcount", 0) or 0)
    session.commit()
    return BandChange(unqueued=unqueued, queued=queued)
