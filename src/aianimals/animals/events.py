"""Events the animals feature emits."""

from __future__ import annotations

from datetime import datetime

from aianimals.core.events import ANIMAL_CREATED, ANIMAL_DEACTIVATED, ANIMAL_UPDATED, Event


def animal_created(animal_id: str) -> Event:
    """A new animal was posted."""
    return Event(ANIMAL_CREATED, {"animal_id": animal_id}, f"{ANIMAL_CREATED}:{animal_id}")


def animal_updated(animal_id: str, updated_at: datetime) -> Event:
    """An animal's fields changed (texts, breed, or re-activation)."""
    key = f"{ANIMAL_UPDATED}:{animal_id}:{updated_at.isoformat()}"
    return Event(ANIMAL_UPDATED, {"animal_id": animal_id}, key)


def animal_deactivated(animal_id: str, updated_at: datetime) -> Event:
    """An animal was hidden (a violation, its owner): it must vanish everywhere."""
    key = f"{ANIMAL_DEACTIVATED}:{animal_id}:{updated_at.isoformat()}"
    return Event(ANIMAL_DEACTIVATED, {"animal_id": animal_id}, key)
