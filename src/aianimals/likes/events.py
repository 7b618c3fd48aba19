"""Events the likes feature emits."""

from __future__ import annotations

from aianimals.core.events import LIKE_ADDED, LIKE_REMOVED, Event


def like_added(like_id: str, animal_id: str, user_id: str) -> Event:
    """A user liked an animal."""
    payload = {"like_id": like_id, "animal_id": animal_id, "user_id": user_id}
    return Event(LIKE_ADDED, payload, f"{LIKE_ADDED}:{like_id}")


def like_removed(like_id: str, animal_id: str, user_id: str) -> Event:
    """A user took a like back."""
    payload = {"like_id": like_id, "animal_id": animal_id, "user_id": user_id}
    return Event(LIKE_REMOVED, payload, f"{LIKE_REMOVED}:{like_id}")
