"""What an owner may do to their own post after posting it: edit its texts and breed, hide it.

Each change commits with its event in the outbox (`animal.updated`, `animal.deactivated`), so
the search index follows within seconds and a hidden post vanishes from every result.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from aianimals.animals.events import animal_deactivated, animal_updated
from aianimals.animals.models import Animal
from aianimals.animals.schemas import AnimalResponse, AnimalUpdate
from aianimals.animals.service import AnimalService
from aianimals.core.clock import utcnow
from aianimals.core.errors import Forbidden
from aianimals.ports.sql.outbox import record_event
from aianimals.users.models import User


class OwnerEdits:
    """Edits and hiding of a user's own animals."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _own(self, user: User, animal_id: str) -> Animal:
        animal = AnimalService(self.session).get(animal_id, user)
        if animal.user_id != user.id:
            raise Forbidden("only the owner may change or hide an animal")
        return animal

    def update(self, user: User, animal_id: str, change: AnimalUpdate) -> AnimalResponse:
        """Apply the given fields; the breed must belong to the (new) category."""
        animal = self._own(user, animal_id)
        fields = change.model_dump(exclude_unset=True)
        category = fields.get("animal_category_id", animal.category_id)
        breed = fields.get("animal_subcategory_id", animal.subcategory_id)
        if category != animal.category_id or breed != animal.subcategory_id:
            AnimalService(self.session).check_categories(category, breed)
        animal.category_id, animal.subcategory_id = category, breed
        animal.name = fields.get("name", animal.name)
        animal.description = fields.get("description", animal.description)
        animal.updated_at = utcnow()
        record_event(self.session, animal_updated(animal.id, animal.updated_at))
        self.session.commit()
        return AnimalService(self.session).view(animal.id)

    def hide(self, user: User, animal_id: str) -> None:
        """Deactivate the owner's animal; hiding a hidden one changes nothing."""
        animal = self._own(user, animal_id)
        if animal.removed_by_owner:
            return
        animal.removed_by_owner = True
        animal.deactivated = True
        animal.updated_at = utcnow()
        record_event(self.session, animal_deactivated(animal.id, animal.updated_at))
        self.session.commit()
