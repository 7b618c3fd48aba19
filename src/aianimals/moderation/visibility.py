"""Whether an animal is shown: hidden by an effective violation or by its owner.

Both functions change the row and record the event in the caller's transaction; the
caller commits. The events reach every read model (search index, similar-image index,
caches) through the outbox, so hiding and showing again happen everywhere at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from aianimals.animals import visibility as animal_visibility
from aianimals.moderation.models import Violation

if TYPE_CHECKING:
    from aianimals.animals.models import Animal


def has_effective_violation(session: Session, animal_id: str) -> bool:
    """True while any violation of the animal is in effect."""
    query = select(
        exists().where(Violation.animal_id == animal_id, Violation.is_effective.is_(True))
    )
    return bool(session.scalar(query))


def hide(session: Session, animal: Animal) -> bool:
    """Deactivate the animal for a violation; False when it was hidden already."""
    return animal_visibility.hide(session, animal)


def show_if_clear(session: Session, animal: Animal) -> bool:
    """Re-activate the animal unless a violation is still in effect or its owner removed it.

    Call it after a verdict lifted a violation (flush first). False when it stays hidden.
    """
    if not animal.deactivated or animal.removed_by_owner:
        return False
    if has_effective_violation(session, animal.id):
        return False
    animal_visibility.show(session, animal)
    return True
