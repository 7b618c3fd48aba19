"""Row locks that keep an animal's visibility consistent with its violations.

Whoever changes a violation locks the animals concerned first, in id order, then reads
their violations: two verdicts or detections on one animal run one after the other, so
neither can show an animal while the other puts a violation in effect. SQLite has no row
locks (it admits one writer at a time); `FOR UPDATE` is simply not rendered there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from aianimals.animals.queries import lock_animals
from aianimals.moderation.models import Violation

if TYPE_CHECKING:
    from aianimals.animals.models import Animal

__all__ = ["lock_animals", "lock_violations"]


def lock_violations(
    session: Session, violation_ids: Sequence[str]
) -> tuple[dict[str, Violation], dict[str, Animal]]:
    """The existing ones of these violations and their animals, all locked, freshly read."""
    owners = select(Violation.animal_id).where(Violation.id.in_(violation_ids))
    animals = lock_animals(session, list(session.scalars(owners)))
    query = (
        select(Violation)
        .where(Violation.id.in_(violation_ids))
        .order_by(Violation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.id: row for row in session.scalars(query)}, animals
