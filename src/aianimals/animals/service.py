"""Animal use cases. The only place that commits animal rows."""

from __future__ import annotations

from sqlalchemy.orm import Session

from aianimals.animals.models import Animal
from aianimals.core.errors import NotFound


class AnimalService:
    """Posted animals: lookup, listing, posting."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, animal_id: str, *, include_deactivated: bool = False) -> Animal:
        """An animal by id; 404 when unknown (or hidden, unless asked for)."""
        animal = self.session.get(Animal, animal_id)
        if animal is None or (animal.deactivated and not include_deactivated):
            raise NotFound(f"no animal with id {animal_id}")
        return animal
