"""Who sees an animal: everyone while it is shown; once hidden, only its owner and admins.

An animal is hidden (`deactivated`) by its owner or by an effective violation
(`aianimals.moderation.visibility` decides when; `hide` and `show` here change the flag and
record the event in the caller's transaction, so it reaches every read model). Every read
that can name a hidden animal asks here — lookups, lists, likes, similar images, the media
files — so a hidden post answers 404 to anyone else wherever it is looked for.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    bindparam,
    exists,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from aianimals.animals.events import animal_deactivated, animal_updated
from aianimals.animals.models import Animal
from aianimals.core.clock import utcnow
from aianimals.ports.sql.outbox import record_event
from aianimals.users.models import ROLE_ADMIN, User


def is_admin(viewer: User | None) -> bool:
    """Whether the viewer is an administrator (who sees hidden animals to review them)."""
    return viewer is not None and viewer.role == ROLE_ADMIN


class Shown(Protocol):
    """What visibility depends on: an `Animal`, or a row with these two columns."""

    @property
    def deactivated(self) -> bool: ...

    @property
    def user_id(self) -> str: ...


def can_see(viewer: User | None, animal: Shown) -> bool:
    """Whether `viewer` (None: someone not logged in) may see `animal`."""
    if not animal.deactivated:
        return True
    return viewer is not None and (animal.user_id == viewer.id or is_admin(viewer))


def seen_by(viewer: User | None) -> ColumnElement[bool]:
    """`can_see` as a SQL condition on `Animal`, for queries over many animals."""
    if is_admin(viewer):
        return true()
    if viewer is None:
        return Animal.deactivated.is_(False)
    return or_(Animal.deactivated.is_(False), Animal.user_id == viewer.id)


def ids_seen_by(viewer: User | None) -> Select[str]:
    """The ids of the animals `viewer` may see, to nest in a query over other tables."""
    return select(Animal.id).where(seen_by(viewer))


VIEWER_ID = "viewer_id"
"""The bind parameter `seen_by_bound_viewer` names."""


def seen_by_bound_viewer(animal_id: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """Whether the animal `animal_id` (a column of another table) may be seen by a viewer
    who is not an administrator, the viewer's id left as the bind parameter `VIEWER_ID`:
    for statements built once and run for any viewer (one primary-key probe per row)."""
    owned = Animal.user_id == bindparam(VIEWER_ID)
    return exists().where(Animal.id == animal_id, or_(Animal.deactivated.is_(False), owned))


def hide(session: Session, animal: Animal) -> bool:
    """Deactivate the animal (the caller commits); False when it was hidden already."""
    if animal.deactivated:
        return False
    animal.deactivated = True
    animal.updated_at = utcnow()
    record_event(session, animal_deactivated(animal.id, animal.updated_at))
    return True


def show(session: Session, animal: Animal) -> None:
    """Re-activate a hidden animal (the caller commits, having decided it may be shown)."""
    animal.deactivated = False
    animal.updated_at = utcnow()
    record_event(session, animal_updated(animal.id, animal.updated_at))
